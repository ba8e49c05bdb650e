/* SPDX-License-Identifier: MIT */
/* execloop BINARY N: fork+execve BINARY N times; prints ns per exec and failures. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	int n = argc == 3 ? atoi(argv[2]) : 0, fails = 0;

	if (n <= 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		int st;
		if (p == 0) {
			char *av[] = {argv[1], NULL};
			execv(argv[1], av);
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
