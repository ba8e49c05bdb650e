/* SPDX-License-Identifier: MIT */
/*
 * Golden lists as keylime runtime policies (JSON, via json-c).  Field names
 * as keylime/ima/types.py RuntimePolicyType and keylime/ima/ima.py
 * EMPTY_RUNTIME_POLICY (version 1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "diag.h"
#include "golden_internal.h"
#include "util/cleanup.h"
#include "util/hex.h"

#define RUNTIME_POLICY_VERSION 1
#define GENERATOR_UNKNOWN      0 /* keylime RUNTIME_POLICY_GENERATOR.Unknown */

static void json_putp(json_object **o)
{
	json_object_put(*o);
}

static const char *const kind_member[IMACTL_GOLDEN__KINDS] = {
	[IMACTL_GOLDEN_FILE] = "digests",
	[IMACTL_GOLDEN_KEYRING] = "keyrings",
	[IMACTL_GOLDEN_BUF] = "ima-buf",
};

static int load_map(imactl_golden *g, int kind, json_object *map, imactl_diag *d)
{
	const char *member = kind_member[kind];

	if (!json_object_is_type(map, json_type_object))
		return diag_fail(d, -EBADMSG, "runtime policy: \"%s\" is not an object", member);
	json_object_object_foreach(map, name, arr)
	{
		size_t n;

		if (!json_object_is_type(arr, json_type_array))
			return diag_fail(d, -EBADMSG, "runtime policy: %s['%s'] is not an array",
					 member, name);
		n = json_object_array_length(arr);
		for (size_t i = 0; i < n; i++) {
			json_object *v = json_object_array_get_idx(arr, i);
			uint8_t dg[IMACTL_MAX_DIGEST_SIZE];
			const char *hex;
			long len;
			int r;

			if (!json_object_is_type(v, json_type_string))
				return diag_fail(d, -EBADMSG,
						 "runtime policy: %s['%s'][%zu] is not a string",
						 member, name, i);
			hex = json_object_get_string(v);
			len = hex_decode(hex, strlen(hex), dg, sizeof(dg));
			if (len <= 0)
				return diag_fail(d, -EBADMSG,
						 "runtime policy: %s['%s'][%zu] '%.80s' is not a "
						 "hex digest",
						 member, name, i, hex);
			r = imactl_golden_add(g, kind, name, dg, (size_t)len, d);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int load_strings(json_object *arr, const char *member, imactl_golden *g,
			int (*add)(imactl_golden *, const char *, imactl_diag *), imactl_diag *d)
{
	size_t n;

	if (!json_object_is_type(arr, json_type_array))
		return diag_fail(d, -EBADMSG, "runtime policy: \"%s\" is not an array", member);
	n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		int r;

		if (!json_object_is_type(v, json_type_string))
			return diag_fail(d, -EBADMSG, "runtime policy: %s[%zu] is not a string",
					 member, i);
		r = add(g, json_object_get_string(v), d);
		if (r < 0)
			return r;
	}
	return 0;
}

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_golden *, imactl_golden_free)

int imactl_golden_parse_json(const char *text, size_t len, imactl_golden **ret, imactl_diag *reterr)
{
	_cleanup_(imactl_golden_freep) imactl_golden *g = NULL;
	_cleanup_(json_putp) json_object *root = NULL;
	json_tokener *tok;
	json_object *v, *w;
	enum json_tokener_error je;
	int r;

	if (len > IMACTL_GOLDEN_JSON_MAX)
		return diag_fail(reterr, -EMSGSIZE, "runtime policy: %zu bytes (at most %u)", len,
				 IMACTL_GOLDEN_JSON_MAX);
	/* json-c keeps strings NUL-terminated: "/a\u0000b" would silently become "/a"
	 * (and match another path); no path, digest or regex holds a NUL. */
	for (size_t i = 0; i + 6 <= len; i++)
		if (text[i] == '\\' && text[i + 1] == 'u' && text[i + 2] == '0' &&
		    text[i + 3] == '0' && text[i + 4] == '0' && text[i + 5] == '0')
			return diag_fail_at(
				reterr, -EBADMSG, i,
				"runtime policy: a \\u0000 (NUL) in a string is not allowed");
	tok = json_tokener_new();
	if (!tok)
		return diag_fail(reterr, -ENOMEM, "out of memory");
	root = json_tokener_parse_ex(tok, text, (int)len);
	je = json_tokener_get_error(tok);
	if (je == json_tokener_continue) {
		json_tokener_free(tok);
		return diag_fail(reterr, -EBADMSG, "runtime policy: truncated JSON");
	}
	if (je != json_tokener_success || !root) {
		size_t off = json_tokener_get_parse_end(tok);
		json_tokener_free(tok);
		return diag_fail_at(reterr, -EBADMSG, off, "runtime policy: %s",
				    json_tokener_error_desc(je));
	}
	{
		size_t end = json_tokener_get_parse_end(tok);
		json_tokener_free(tok);
		for (; end < len; end++)
			if (!strchr(" \t\r\n", text[end]))
				return diag_fail_at(reterr, -EBADMSG, end,
						    "runtime policy: data after the JSON value");
	}
	if (!json_object_is_type(root, json_type_object))
		return diag_fail(reterr, -EBADMSG, "runtime policy: not a JSON object");
	if (imactl_golden_new(&g) < 0)
		return diag_fail(reterr, -ENOMEM, "out of memory");
	if (json_object_object_get_ex(root, "meta", &v)) {
		if (!json_object_is_type(v, json_type_object) ||
		    !json_object_object_get_ex(v, "version", &w) ||
		    !json_object_is_type(w, json_type_int))
			return diag_fail(reterr, -EBADMSG,
					 "runtime policy: \"meta\" has no integer \"version\"");
		if (json_object_get_int64(w) != RUNTIME_POLICY_VERSION)
			return diag_fail(reterr, -EOPNOTSUPP,
					 "runtime policy version %lld (only version %d is known)",
					 (long long)json_object_get_int64(w),
					 RUNTIME_POLICY_VERSION);
	}
	for (int k = 0; k < IMACTL_GOLDEN__KINDS; k++)
		if (json_object_object_get_ex(root, kind_member[k], &v) &&
		    !json_object_is_type(v, json_type_null)) {
			r = load_map(g, k, v, reterr);
			if (r < 0)
				return r;
		}
	if (json_object_object_get_ex(root, "excludes", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		r = load_strings(v, "excludes", g, imactl_golden_add_exclude, reterr);
		if (r < 0)
			return r;
	}
	if (json_object_object_get_ex(root, "ima", &v) && !json_object_is_type(v, json_type_null)) {
		if (!json_object_is_type(v, json_type_object))
			return diag_fail(reterr, -EBADMSG,
					 "runtime policy: \"ima\" is not an object");
		if (json_object_object_get_ex(v, "ignored_keyrings", &w)) {
			r = load_strings(w, "ima.ignored_keyrings", g,
					 imactl_golden_add_ignored_keyring, reterr);
			if (r < 0)
				return r;
		}
		if (json_object_object_get_ex(v, "log_hash_alg", &w)) {
			if (!json_object_is_type(w, json_type_string))
				return diag_fail(
					reterr, -EBADMSG,
					"runtime policy: ima.log_hash_alg is not a string");
			if (!(g->log_hash_alg = strdup(json_object_get_string(w))))
				return diag_fail(reterr, -ENOMEM, "out of memory");
		}
	}
	*ret = TAKE_PTR(g);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp((*(const struct gname *const *)a)->name,
		      (*(const struct gname *const *)b)->name);
}

static json_object *map_json(const struct gtable *t)
{
	_cleanup_free_ const struct gname **v = NULL;
	json_object *map = json_object_new_object();
	size_t n = 0;

	if (!map)
		return NULL;
	if (t->count && !(v = malloc(t->count * sizeof(*v)))) {
		json_object_put(map);
		return NULL;
	}
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i])
			v[n++] = t->slots[i];
	if (n)
		qsort(v, n, sizeof(*v), cmp_names);
	for (size_t i = 0; i < n; i++) {
		json_object *arr = json_object_new_array();
		if (!arr || json_object_object_add(map, v[i]->name, arr) < 0) {
			json_object_put(arr);
			json_object_put(map);
			return NULL;
		}
		for (size_t j = 0; j < v[i]->ndigests; j++) {
			char hex[2 * IMACTL_MAX_DIGEST_SIZE + 1];
			hex_encode(v[i]->digests[j], v[i]->digest_lens[j], hex);
			if (json_object_array_add(arr, json_object_new_string(hex)) < 0) {
				json_object_put(map);
				return NULL;
			}
		}
	}
	return map;
}

static int add_member(json_object *o, const char *key, json_object *v)
{
	if (!v)
		return -ENOMEM;
	if (json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

int imactl_golden_to_json(const imactl_golden *g, char **ret, imactl_diag *reterr)
{
	_cleanup_(json_putp) json_object *root = json_object_new_object();
	json_object *meta = json_object_new_object(), *ima = json_object_new_object();
	json_object *ex = json_object_new_array(), *ign = json_object_new_array();
	const char *s;
	char *out;
	int r = 0;

	if (!root || !meta || !ima || !ex || !ign) {
		json_object_put(meta);
		json_object_put(ima);
		json_object_put(ex);
		json_object_put(ign);
		return diag_fail(reterr, -ENOMEM, "out of memory building the runtime policy");
	}
	r |= add_member(meta, "version", json_object_new_int(RUNTIME_POLICY_VERSION));
	r |= add_member(meta, "generator", json_object_new_int(GENERATOR_UNKNOWN));
	r |= add_member(root, "meta", meta);
	r |= add_member(root, "release", json_object_new_int(0));
	for (int k = 0; k < IMACTL_GOLDEN__KINDS; k++)
		if (k != IMACTL_GOLDEN_BUF)
			r |= add_member(root, kind_member[k], map_json(&g->tables[k]));
	for (size_t i = 0; i < g->nexcludes; i++)
		r |= json_object_array_add(ex, json_object_new_string(g->excludes[i].text));
	r |= add_member(root, "excludes", ex);
	for (size_t i = 0; i < g->nignored; i++)
		r |= json_object_array_add(ign, json_object_new_string(g->ignored[i]));
	r |= add_member(ima, "ignored_keyrings", ign);
	r |= add_member(ima, "log_hash_alg",
			json_object_new_string(g->log_hash_alg ? g->log_hash_alg : "sha1"));
	r |= json_object_object_add(ima, "dm_policy", NULL) < 0 ? -ENOMEM : 0;
	r |= add_member(root, "ima", ima);
	r |= add_member(root, "ima-buf", map_json(&g->tables[IMACTL_GOLDEN_BUF]));
	r |= add_member(root, "verification-keys", json_object_new_string(""));
	if (r)
		return diag_fail(reterr, -ENOMEM, "out of memory building the runtime policy");
	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || !(out = strdup(s)))
		return diag_fail(reterr, -ENOMEM, "out of memory");
	*ret = out;
	return 0;
}
