/* SPDX-License-Identifier: MIT */
/* imad's status file parser (status_file.h); fuzzed by tests/fuzz/fuzz_status.c. */
#include <errno.h>
#include <string.h>

#include "status_file.h"

const char *status_get(const struct status *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->kv[i].k, key) == 0)
			return s->kv[i].v;
	return NULL;
}

int status_parse(struct status *s, char *text)
{
	char *save = NULL;

	s->n = 0;
	s->text = text;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strstr(line, ": ");
		size_t len = strlen(line);

		if (!colon) {
			if (line[len - 1] != ':') /* strtok_r never returns an empty token */
				return -EBADMSG;
			line[len - 1] = '\0';
			colon = line + len - 1;
		} else {
			*colon = '\0';
			colon += 2;
		}
		if (s->n == STATUS_MAX_KEYS)
			return -EMSGSIZE;
		s->kv[s->n].k = line;
		s->kv[s->n++].v = colon;
	}
	return status_get(s, "state") && status_get(s, "pid") ? 0 : -EBADMSG;
}
