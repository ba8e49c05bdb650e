/* SPDX-License-Identifier: MIT */
/* execlist LISTFILE: fork+execve every binary of LISTFILE once (a first
 * exec of each when they are distinct files); prints ns per exec and the
 * number of failures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char *names[100000];
	char line[4096];
	size_t n = 0;
	int fails = 0;
	struct timespec a, b;
	FILE *f = argc == 2 ? fopen(argv[1], "r") : NULL;

	if (!f)
		return 2;
	while (n < 100000 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		names[n++] = strdup(line);
	}
	if (!n)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (size_t i = 0; i < n; i++) {
		pid_t p = fork();
		int st;
		if (p == 0) {
			char *av[] = {names[i], NULL};
			execv(names[i], av);
			_exit(127);
		}
		waitpid(p, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fails++;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.0f %d\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n, fails);
	return 0;
}
