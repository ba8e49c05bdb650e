/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for imad's status file as imactl status reads it
 * (src/imactl/status_file.c): KEY: VALUE lines split in place.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct status s;
	char *text;

	if (size > 65535) /* imactl status reads at most this much */
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (status_parse(&s, text) == 0)
		(void)status_get(&s, "mode");
	free(text);
	return 0;
}
