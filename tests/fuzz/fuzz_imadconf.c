/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for imad's config file parser (src/imad/options.c): KEY =
 * VALUE lines, comments, lists, numbers and flags.  A bad line is an error
 * naming its line; nothing may crash, leak or read past the text.
 */
#include <stdint.h>
#include <stdlib.h>

#include "imad.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imad_config c;

	imad_config_init(&c);
	(void)imad_config_parse_text(&c, "fuzz.conf", (const char *)data, size);
	imad_config_free(&c);
	return 0;
}
