/* SPDX-License-Identifier: MIT */
/* openloop LISTFILE ROUNDS: open+read(4 KiB)+close every file of LISTFILE,
 * ROUNDS times; prints ns per open and the number of failed opens. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char *names[200000];
	char line[4096], buf[4096];
	size_t n = 0, fails = 0;
	struct timespec a, b;
	FILE *f = argc == 3 ? fopen(argv[1], "r") : NULL;
	int rounds = argc == 3 ? atoi(argv[2]) : 0;

	if (!f)
		return 2;
	while (n < 200000 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		names[n++] = strdup(line);
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			int fd = open(names[i], O_RDONLY);
			if (fd < 0) {
				fails++;
				continue;
			}
			if (read(fd, buf, sizeof(buf)) < 0)
				fails++;
			close(fd);
		}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.0f %zu\n",
	       ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / ((double)n * rounds),
	       fails);
	return 0;
}
