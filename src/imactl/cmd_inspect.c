/* SPDX-License-Identifier: MIT */
/*
 * imactl inspect: every IMA/EVM value of a file (security.ima, security.evm,
 * user.ima, user.evm, FILE.sig) or a value given as text, decoded field by
 * field, malformed values diagnosed, and checked against the content, the
 * metadata and the keys when keys are given.  JSON: docs/inspect-schema.json.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "common.h"
#include "inspect_common.h"
#include "opts.h"
#include "util/cleanup.h"
#include "util/hex.h"

enum {
	I_RECURSIVE = 1,
	I_KEY,
	I_KEYDIR,
	I_HMACKEY,
	I_VALUE,
	I_UUID,
	I_JSON,
};

static const struct opt_spec inspect_opts[] = {
	{I_RECURSIVE, 'r', "recursive", OPT_NOARG, false, NULL, "walk directories"},
	{I_KEY, 'k', "key", OPT_REQ, true, "CERT[,CERT]",
	 "verification certificates or public keys"},
	{I_KEY, 0, "cert", OPT_REQ, true, "CERT", "same as --key"},
	{I_KEYDIR, 0, "keydir", OPT_REQ, true, "DIR", "every certificate in DIR (/etc/keys/ima)"},
	{I_HMACKEY, 0, "hmackey", OPT_REQ, false, "FILE",
	 "EVM HMAC key (plaintext) to check HMACs"},
	{I_VALUE, 0, "value", OPT_REQ, true, "TEXT",
	 "decode a value: hex, base64, getfattr's 0x.../0s... (PATH '-' reads one from stdin)"},
	{I_UUID, 0, "uuid", OPT_REQ, false, "UUID", "fs UUID the kernel hashes for EVM"},
	{I_JSON, 0, "json", OPT_NOARG, false, NULL, "JSON output (docs/inspect-schema.json)"},
	{0},
};

struct insp {
	const char *prog;
	imactl_ctx *ctx;
	struct keyopts k;
	bool json, recursive;
	const char *values[32];
	size_t nvalues;
	bool has_uuid;
	uint8_t uuid[16];
	unsigned long items, malformed, failed, errors;
	bool json_first;
};

/* The outcome of a check of one value. */
struct check {
	const char *what;   /* "content", "signature", "evm" */
	const char *result; /* "pass", "fail", "no-key", "skipped" */
	char msg[IMACTL_DIAG_MSG_MAX + 64];
	char key[512]; /* certificate that matches the key id, "" */
};

static int on_opt(void *ud, int id, const char *arg)
{
	struct insp *c = ud;

	switch (id) {
	case I_RECURSIVE:
		c->recursive = true;
		break;
	case I_KEY:
		return keyopts_add_keys(&c->k, c->prog, (char *)arg);
	case I_KEYDIR:
		return keyopts_add_dir(&c->k, c->prog, arg);
	case I_HMACKEY:
		c->k.hmackey_path = arg;
		break;
	case I_VALUE:
		return OPT_PUSH(c->prog, "value", c->values, c->nvalues, arg);
	case I_UUID:
		if (imactl_uuid_parse(arg, c->uuid) < 0) {
			fprintf(stderr, "%s: --uuid '%s' is not a UUID\n", c->prog, arg);
			return EXIT_USAGE;
		}
		c->has_uuid = true;
		break;
	case I_JSON:
		c->json = true;
		break;
	}
	return 0;
}

/* ---- output of one value ------------------------------------------------- */

static void json_hex(const uint8_t *p, size_t n)
{
	putchar('"');
	print_hex(stdout, p, n);
	putchar('"');
}

static void json_value(const char *name, const uint8_t *v, size_t len,
		       const imactl_inspect_value *iv, const struct check *chk)
{
	printf("{\"name\": ");
	json_str(stdout, name);
	printf(", \"length\": %zu, \"hex\": ", len);
	json_hex(v, len);
	if (len)
		printf(", \"type\": %u, \"type_name\": ", iv->type);
	else
		printf(", \"type\": null, \"type_name\": ");
	json_str(stdout, iv->type_name);
	if (iv->has_version)
		printf(", \"version\": %u", iv->version);
	else
		printf(", \"version\": null");
	if (iv->hash_algo >= 0) {
		printf(", \"hash_algo\": ");
		json_str(stdout, imactl_hash_name(iv->hash_algo));
	} else {
		printf(", \"hash_algo\": null");
	}
	if (iv->hash_algo_raw >= 0)
		printf(", \"hash_algo_id\": %d", iv->hash_algo_raw);
	else
		printf(", \"hash_algo_id\": null");
	printf(", \"digest\": ");
	if (iv->digest)
		json_hex(iv->digest, iv->digest_len);
	else
		printf("null");
	if (iv->has_keyid)
		printf(", \"keyid\": \"%08x\"", iv->keyid);
	else
		printf(", \"keyid\": null");
	printf(", \"keyid_v1\": ");
	if (iv->has_keyid_v1)
		json_hex(iv->keyid_v1, 8);
	else
		printf("null");
	if (iv->has_sig_size)
		printf(", \"signature_length_field\": %zu, \"signature\": ", iv->sig_size);
	else
		printf(", \"signature_length_field\": null, \"signature\": ");
	if (iv->sig)
		json_hex(iv->sig, iv->sig_len);
	else
		printf("null");
	printf(", \"valid\": %s, \"problem\": ",
	       iv->problem == IMACTL_INSPECT_OK ? "true" : "false");
	if (iv->problem == IMACTL_INSPECT_OK) {
		printf("null");
	} else {
		printf("{\"kind\": \"%s\", \"offset\": %zu, \"message\": ",
		       imactl_inspect_problem_name(iv->problem), iv->problem_offset);
		json_str(stdout, iv->msg);
		if (iv->expected_len)
			printf(", \"expected_length\": %zu}", iv->expected_len);
		else
			printf(", \"expected_length\": null}");
	}
	printf(", \"check\": ");
	if (!chk || !chk->what) {
		printf("null");
	} else {
		printf("{\"what\": \"%s\", \"result\": \"%s\", \"message\": ", chk->what,
		       chk->result);
		json_str(stdout, chk->msg);
		printf(", \"certificate\": ");
		if (chk->key[0])
			json_str(stdout, chk->key);
		else
			printf("null");
		printf("}");
	}
	printf("}");
}

/* What to do about a malformed value, in one line. */
static void problem_fix(const imactl_inspect_value *iv, char *buf, size_t cap)
{
	switch (iv->problem) {
	case IMACTL_INSPECT_ZERO_PADDED:
		snprintf(buf, cap,
			 "the value should be %zu bytes: drop the %zu trailing zero bytes "
			 "(padded signatures, keylime #1030 / rpm #2124), or re-sign",
			 iv->expected_len, iv->len - iv->expected_len);
		break;
	case IMACTL_INSPECT_TRAILING:
		snprintf(buf, cap,
			 "the header says %zu bytes, the value has %zu: the length field is wrong "
			 "or data was appended; re-sign",
			 iv->expected_len, iv->len);
		break;
	case IMACTL_INSPECT_TRUNCATED:
		if (iv->expected_len)
			snprintf(buf, cap,
				 "the value should be %zu bytes and has %zu: it was cut short "
				 "(an xattr copy limit?); re-sign or re-hash",
				 iv->expected_len, iv->len);
		else
			snprintf(buf, cap, "the header itself is incomplete; re-sign or re-hash");
		break;
	case IMACTL_INSPECT_WRONG_LENGTH:
		if (iv->digest_expected)
			snprintf(buf, cap, "a %s digest is %zu bytes, this one has %zu; re-hash",
				 iv->hash_algo >= 0 ? imactl_hash_name(iv->hash_algo) : "?",
				 iv->digest_expected, iv->digest_len);
		else
			snprintf(buf, cap, "the length field is wrong; re-sign");
		break;
	case IMACTL_INSPECT_UNKNOWN_ALGO:
		snprintf(buf, cap,
			 "hash algorithm id %d is not one the kernel knows; re-hash or "
			 "re-sign with sha256",
			 iv->hash_algo_raw);
		break;
	case IMACTL_INSPECT_WRONG_VERSION:
	case IMACTL_INSPECT_UNKNOWN_VERSION:
		snprintf(buf, cap,
			 "type 0x03 takes signature v2 (v1 legacy), 0x05 v2, 0x06 v3; "
			 "re-sign");
		break;
	case IMACTL_INSPECT_UNKNOWN_TYPE:
		snprintf(buf, cap, "not an IMA/EVM value (types are 0x01-0x06)");
		break;
	default:
		snprintf(buf, cap, "re-hash or re-sign the file");
		break;
	}
}

static void text_value(const char *name, const uint8_t *v, size_t len,
		       const imactl_inspect_value *iv, const struct check *chk)
{
	if (len == 0) {
		printf("  %s: empty value (0 bytes)\n", name);
	} else {
		printf("  %s: %zu bytes, type 0x%02x (%s)", name, len, iv->type, iv->type_name);
		if (iv->has_version)
			printf(", signature v%u", iv->version);
		printf("%s\n", iv->problem == IMACTL_INSPECT_OK ? "" : "  [MALFORMED]");
	}
	if (iv->hash_algo_raw >= 0 || iv->hash_algo >= 0) {
		if (iv->hash_algo >= 0)
			printf("    hash algorithm: %s", imactl_hash_name(iv->hash_algo));
		else
			printf("    hash algorithm: unknown");
		if (iv->hash_algo_raw >= 0)
			printf(" (id %d)", iv->hash_algo_raw);
		else if (iv->type == IMACTL_XATTR_DIGEST)
			printf(" (from the length)");
		else if (iv->type == IMACTL_XATTR_HMAC)
			printf(" (HMAC-SHA1, fixed)");
		printf("\n");
	}
	if (iv->has_keyid)
		printf("    key id: %08x\n", iv->keyid);
	if (iv->has_keyid_v1) {
		char kid[17];
		hex_encode(iv->keyid_v1, 8, kid);
		printf("    key id (v1): %s\n    signing time (v1): %u\n", kid, iv->timestamp_v1);
	}
	if (chk && chk->key[0])
		printf("    certificate: %s\n", chk->key);
	if (iv->digest) {
		printf("    %s: %zu bytes", iv->type == IMACTL_XATTR_HMAC ? "hmac" : "digest",
		       iv->digest_len);
		if (iv->digest_expected && iv->digest_expected != iv->digest_len)
			printf(" (expected %zu)", iv->digest_expected);
		printf("\n");
		print_hex_blocks(stdout, iv->digest, iv->digest_len, 6, (size_t)(iv->digest - v));
		if (iv->problem == IMACTL_INSPECT_OK && iv->digest_expected &&
		    iv->digest_len > iv->digest_expected)
			printf("    note: %zu bytes after the %zu-byte digest: the kernel compares "
			       "only "
			       "the digest and ignores them\n",
			       iv->digest_len - iv->digest_expected, iv->digest_expected);
	}
	if (iv->has_sig_size) {
		printf("    signature: %zu bytes", iv->sig_len);
		if (iv->type == IMACTL_XATTR_DIGSIG && iv->version == 1)
			printf(" (MPI of %zu bits)", iv->v1_mpi_bits);
		else
			printf(" (length field %zu)", iv->sig_size);
		printf("\n");
		if (iv->sig)
			print_hex_blocks(stdout, iv->sig, iv->sig_len, 6, (size_t)(iv->sig - v));
	}
	if (iv->problem != IMACTL_INSPECT_OK) {
		char fix[320];
		printf("    problem: %s at byte %zu: %s\n",
		       imactl_inspect_problem_name(iv->problem), iv->problem_offset, iv->msg);
		if (iv->expected_len && iv->expected_len != iv->len && iv->len > iv->expected_len) {
			printf("    trailing bytes:\n");
			print_hex_blocks(stdout, v + iv->expected_len, iv->len - iv->expected_len,
					 6, iv->expected_len);
		}
		problem_fix(iv, fix, sizeof(fix));
		printf("    fix: %s\n", fix);
	}
	if (chk && chk->what)
		printf("    check (%s): %s%s%s\n", chk->what, chk->result, chk->msg[0] ? ": " : "",
		       chk->msg);
}

static void emit_value(struct insp *c, const char *name, const uint8_t *v, size_t len,
		       const struct check *chk, bool *first)
{
	imactl_inspect_value iv;

	imactl_inspect_decode(v, len, &iv);
	if (iv.problem != IMACTL_INSPECT_OK)
		c->malformed++;
	if (chk && chk->what && !strcmp(chk->result, "fail"))
		c->failed++;
	if (c->json) {
		printf("%s", *first ? "" : ", ");
		json_value(name, v, len, &iv, chk);
	} else {
		text_value(name, v, len, &iv, chk);
	}
	*first = false;
}

/* ---- checks -------------------------------------------------------------- */

static void key_for(struct insp *c, const uint8_t *v, size_t len, struct check *chk)
{
	imactl_inspect_value iv;
	const imactl_key *key = NULL;

	if (!c->k.ring)
		return;
	imactl_inspect_decode(v, len, &iv);
	if (iv.has_keyid)
		key = imactl_keyring_find(c->k.ring, iv.keyid);
	else if (iv.has_keyid_v1)
		key = imactl_keyring_find_v1(c->k.ring, iv.keyid_v1);
	if (key)
		key_label(key, chk->key, sizeof(chk->key));
	else if (iv.has_keyid || iv.has_keyid_v1)
		snprintf(chk->key, sizeof(chk->key), "none of the %zu given keys has this key id",
			 imactl_keyring_count(c->k.ring));
}

static void check_ima(struct insp *c, int fd, const uint8_t *v, size_t len, struct check *chk)
{
	imactl_inspect_value iv;
	imactl_appraisal a;
	imactl_diag d = {0};
	int r;

	imactl_inspect_decode(v, len, &iv);
	key_for(c, v, len, chk);
	if (iv.problem != IMACTL_INSPECT_OK)
		return;
	if (iv.type == IMACTL_XATTR_HMAC || iv.type == IMACTL_XATTR_PORTABLE_DIGSIG) {
		chk->what = "content";
		chk->result = "fail";
		snprintf(chk->msg, sizeof(chk->msg),
			 "a %s value does not appraise content (the kernel: unknown-ima-data)",
			 iv.type_name);
		return;
	}
	if (iv.has_sig_size && !c->k.ring) {
		chk->what = "signature";
		chk->result = "skipped";
		snprintf(chk->msg, sizeof(chk->msg), "no --key/--keydir given");
		return;
	}
	chk->what = iv.has_sig_size ? "signature" : "content";
	r = imactl_ima_appraise_fd(c->ctx, fd, c->k.ring, v, len, &a, &d);
	if (r == 0) {
		chk->result = "pass";
		if (iv.has_sig_size)
			snprintf(chk->msg, sizeof(chk->msg), "verifies over the content now (%s)",
				 imactl_hash_name(a.hash_algo));
		else
			snprintf(chk->msg, sizeof(chk->msg), "matches the content now");
	} else if (r == -ENOKEY) {
		chk->result = "no-key";
		snprintf(chk->msg, sizeof(chk->msg), "%s", d.msg);
	} else if (r == -EKEYREJECTED || r == -EBADMSG || r == -EOPNOTSUPP) {
		chk->result = "fail";
		snprintf(chk->msg, sizeof(chk->msg), "%s", d.msg);
	} else {
		chk->result = "error";
		snprintf(chk->msg, sizeof(chk->msg), "%s", d.msg[0] ? d.msg : imactl_strerror(r));
		c->errors++;
	}
}

static void check_evm(struct insp *c, const imactl_evm_meta *m, bool gen_ok, const char *merr,
		      const uint8_t *v, size_t len, struct check *chk)
{
	imactl_inspect_value iv;
	imactl_diag d = {0};
	int r;

	imactl_inspect_decode(v, len, &iv);
	key_for(c, v, len, chk);
	if (iv.problem != IMACTL_INSPECT_OK)
		return;
	chk->what = "evm";
	/* a portable signature covers neither the inode generation nor the fs UUID */
	if (m && !gen_ok && iv.type != IMACTL_XATTR_PORTABLE_DIGSIG) {
		chk->result = "skipped";
		snprintf(chk->msg, sizeof(chk->msg),
			 "the inode generation cannot be read on this filesystem");
		return;
	}
	if (!m) {
		chk->result = "skipped";
		snprintf(chk->msg, sizeof(chk->msg), "metadata unavailable: %s", merr);
		return;
	}
	if (iv.type == IMACTL_XATTR_HMAC && !c->k.hmackey) {
		chk->result = "skipped";
		snprintf(chk->msg, sizeof(chk->msg), "an HMAC; give --hmackey FILE to check it");
		return;
	}
	if (iv.has_sig_size && !c->k.ring) {
		chk->result = "skipped";
		snprintf(chk->msg, sizeof(chk->msg), "no --key/--keydir given");
		return;
	}
	r = imactl_evm_verify(c->ctx, m, v, len, c->k.ring,
			      c->k.hmackey ? imactl_secret_data(c->k.hmackey) : NULL,
			      c->k.hmackey ? imactl_secret_len(c->k.hmackey) : 0,
			      IMACTL_EVM_ABI_NATIVE, &d);
	if (r == 0) {
		chk->result = "pass";
		snprintf(chk->msg, sizeof(chk->msg), "matches the metadata now");
	} else if (r == -ENOKEY) {
		chk->result = "no-key";
		snprintf(chk->msg, sizeof(chk->msg), "%s", d.msg);
	} else {
		chk->result = "fail";
		snprintf(chk->msg, sizeof(chk->msg), "%s", d.msg[0] ? d.msg : imactl_strerror(r));
	}
}

static void print_meta(struct insp *c, const imactl_evm_meta *m, const char *merr, bool gen_ok)
{
	const uint8_t *uuid = m ? imactl_evm_meta_uuid(m) : NULL;
	char ustr[40] = "";
	bool first = true;

	if (uuid)
		snprintf(ustr, sizeof(ustr),
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7],
			 uuid[8], uuid[9], uuid[10], uuid[11], uuid[12], uuid[13], uuid[14],
			 uuid[15]);
	if (c->json) {
		printf(", \"metadata\": ");
		if (!m) {
			printf("null");
			return;
		}
		printf("{\"ino\": %llu, \"generation\": ",
		       (unsigned long long)imactl_evm_meta_ino(m));
		if (gen_ok)
			printf("%u", imactl_evm_meta_generation(m));
		else
			printf("null");
		printf(", \"uid\": %u, \"gid\": %u, \"mode\": \"0%o\", \"fs_uuid\": ",
		       imactl_evm_meta_uid(m), imactl_evm_meta_gid(m), imactl_evm_meta_mode(m));
		if (uuid)
			printf("\"%s\"", ustr);
		else
			printf("null");
		printf(", \"protected_xattrs\": [");
		for (size_t i = 0; i < imactl_evm_meta_nxattrs(m); i++) {
			const uint8_t *val;
			size_t vl;
			const char *nm = imactl_evm_meta_xattr(m, i, &val, &vl);
			printf("%s{\"name\": \"%s\", \"present\": %s, \"length\": %zu}",
			       first ? "" : ", ", nm, val ? "true" : "false", val ? vl : 0);
			first = false;
		}
		printf("]}");
		return;
	}
	if (!m) {
		printf("  EVM metadata: unavailable (%s)\n", merr);
		return;
	}
	printf("  EVM covered metadata: ino %llu, generation ",
	       (unsigned long long)imactl_evm_meta_ino(m));
	if (gen_ok)
		printf("%u", imactl_evm_meta_generation(m));
	else
		printf("unknown");
	printf(", uid %u, gid %u, mode 0%o, fs UUID %s\n", imactl_evm_meta_uid(m),
	       imactl_evm_meta_gid(m), imactl_evm_meta_mode(m), uuid ? ustr : "unknown");
	printf("    protected xattrs present:");
	for (size_t i = 0; i < imactl_evm_meta_nxattrs(m); i++) {
		const uint8_t *val;
		size_t vl;
		const char *nm = imactl_evm_meta_xattr(m, i, &val, &vl);
		if (val) {
			printf(" %s (%zu bytes)", nm, vl);
			first = false;
		}
	}
	printf("%s\n", first ? " none" : "");
}

/* ---- files ---------------------------------------------------------------- */

static void item_start(struct insp *c, const char *kind, const char *label)
{
	c->items++;
	if (c->json) {
		printf("%s\n    {\"source\": \"%s\", \"%s\": ", c->json_first ? "" : ",", kind,
		       strcmp(kind, "file") ? "input" : "path");
		json_str(stdout, label);
		printf(", \"values\": [");
		c->json_first = false;
	} else {
		printf("%s%s\n", c->items > 1 ? "\n" : "", label);
	}
}

static int visit(void *ud, int fd, const char *path, const struct stat *st)
{
	static const char *const names[] = {"security.ima", "security.evm", "user.ima", "user.evm"};
	struct insp *c = ud;
	_cleanup_free_ uint8_t *buf = malloc(IMACTL_XATTR_MAX);
	_cleanup_free_ char *sig = NULL;
	imactl_evm_meta *m = NULL;
	imactl_diag md = {0};
	bool first = true, gen_ok = true, any = false;
	unsigned int mflags = 0;
	int r;

	if (!buf)
		return -ENOMEM;
	/* EVM metadata, falling back when the generation or UUID cannot be read */
	if (c->has_uuid)
		mflags |= IMACTL_EVM_NO_UUID;
	r = imactl_evm_meta_from_fd(fd, mflags, &m, &md);
	if (r == -EOPNOTSUPP) {
		imactl_diag d2 = {0};
		gen_ok = false;
		r = imactl_evm_meta_from_fd(
			fd, mflags | IMACTL_EVM_NO_GENERATION | IMACTL_EVM_NO_UUID, &m, &d2);
	}
	if (r == 0 && c->has_uuid)
		imactl_evm_meta_set_uuid(m, c->uuid);

	item_start(c, "file", path);
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		struct check chk = {0};
		long n = imactl_xattr_get(fd, names[i], buf, IMACTL_XATTR_MAX);
		bool ima = strstr(names[i], ".ima") != NULL;
		if (n == -ENODATA || n == -EOPNOTSUPP) {
			if (!c->json && i < 2)
				printf("  %s: none\n", names[i]);
			continue;
		}
		if (n < 0) {
			c->errors++;
			if (!c->json)
				printf("  %s: cannot read: %s\n", names[i], strerror((int)-n));
			continue;
		}
		any = true;
		if (ima)
			check_ima(c, fd, buf, (size_t)n, &chk);
		else
			check_evm(c, r == 0 ? m : NULL, gen_ok, md.msg, buf, (size_t)n, &chk);
		emit_value(c, names[i], buf, (size_t)n, &chk, &first);
	}
	sig = malloc(strlen(path) + 5);
	if (sig) {
		long n;
		sprintf(sig, "%s.sig", path);
		n = read_small_file(sig, buf, IMACTL_XATTR_MAX);
		if (n >= 0) {
			struct check chk = {0};
			any = true;
			check_ima(c, fd, buf, (size_t)n, &chk);
			emit_value(c, "sidecar", buf, (size_t)n, &chk, &first);
		}
	}
	if (!any && !c->json)
		printf("  no IMA/EVM values\n");
	if (c->json)
		printf("]");
	print_meta(c, r == 0 ? m : NULL, md.msg, gen_ok);
	if (c->json)
		printf("}");
	imactl_evm_meta_free(m);
	(void)st;
	return 0;
}

static void on_error(void *ud, const char *path, int err, const char *what)
{
	struct insp *c = ud;

	c->errors++;
	fprintf(stderr, "%s: %s: %s: %s\n", c->prog, path, what, strerror(-err));
}

/* ---- values given as text -------------------------------------------------- */

static void inspect_blob(struct insp *c, const char *label, const uint8_t *v, size_t len)
{
	struct check chk = {0};
	imactl_inspect_value iv;
	bool first = true;

	imactl_inspect_decode(v, len, &iv);
	key_for(c, v, len, &chk);
	if (c->k.ring && iv.has_sig_size && iv.problem == IMACTL_INSPECT_OK) {
		chk.what = "signature";
		chk.result = "skipped";
		snprintf(chk.msg, sizeof(chk.msg),
			 "a value without its file: nothing to verify over");
	}
	item_start(c, "value", label);
	emit_value(c, "value", v, len, &chk, &first);
	if (c->json)
		printf("], \"metadata\": null}");
}

static int inspect_text(struct insp *c, const char *label, const char *text, size_t len)
{
	_cleanup_free_ uint8_t *v = malloc(IMACTL_XATTR_MAX + 1);
	imactl_diag d = {0};
	size_t n = 0;
	int r;

	if (!v)
		return -ENOMEM;
	r = imactl_inspect_parse_text(text, len, v, IMACTL_XATTR_MAX + 1, &n, &d);
	if (r < 0) {
		c->errors++;
		print_diag(c->prog, label, &d, r);
		return 0;
	}
	inspect_blob(c, label, v, n);
	return 0;
}

static int inspect_stdin(struct insp *c)
{
	size_t cap = 4 * IMACTL_XATTR_MAX;
	_cleanup_free_ uint8_t *in = malloc(cap);
	long n;
	bool binary = false;

	if (!in)
		return -ENOMEM;
	n = read_stream(stdin, in, cap);
	if (n < 0) {
		fprintf(stderr, "%s: stdin: %s\n", c->prog, strerror((int)-n));
		c->errors++;
		return 0;
	}
	/* Raw bytes (getfattr --only-values) or text (hex, base64, 0x/0s). */
	for (long i = 0; i < n; i++)
		if ((in[i] < 0x20 && in[i] != '\n' && in[i] != '\r' && in[i] != '\t') ||
		    in[i] >= 0x7f)
			binary = true;
	if (binary) {
		inspect_blob(c, "stdin", in, (size_t)n);
		return 0;
	}
	return inspect_text(c, "stdin", (const char *)in, (size_t)n);
}

int cmd_inspect(int argc, char **argv)
{
	struct insp c = {.prog = "imactl inspect", .json_first = true};
	imactl_walk_opts walk = {.jobs = 1};
	int optind_ = 0, r, rc = EXIT_OK;
	const char *paths[256];
	size_t npaths = 0;
	bool want_stdin = false;

	r = opts_parse(c.prog, "[OPTIONS] [PATH...|-] [--value TEXT]",
		       "Decode every IMA/EVM value of each file (security.ima, security.evm, "
		       "user.ima, user.evm,\nFILE.sig), diagnose malformed ones, and check them "
		       "against the content, the metadata\nand the keys.  Exit status: 0 all "
		       "well-formed and valid, 1 a value is malformed or\nfails a check, 2 usage, "
		       "3 operational error.",
		       inspect_opts, argc, argv, on_opt, &c, &optind_);
	if (r < 0)
		return EXIT_OK;
	if (r)
		return r;
	for (int i = optind_; i < argc; i++) {
		if (!strcmp(argv[i], "-")) {
			want_stdin = true;
			continue;
		}
		if (npaths == ELEMENTSOF(paths)) {
			fprintf(stderr, "%s: too many paths\n", c.prog);
			return EXIT_USAGE;
		}
		paths[npaths++] = argv[i];
	}
	if (!npaths && !want_stdin && !c.nvalues) {
		fprintf(stderr, "%s: nothing to inspect\nTry '%s --help'.\n", c.prog, c.prog);
		return EXIT_USAGE;
	}
	if (imactl_ctx_new(&c.ctx, NULL) < 0)
		return EXIT_OPER;
	rc = keyopts_load(&c.k, c.ctx, c.prog);
	if (rc)
		goto out;

	if (c.json)
		printf("{\"command\": \"inspect\", \"items\": [");
	for (size_t i = 0; i < c.nvalues; i++) {
		char label[32];
		snprintf(label, sizeof(label), "--value %zu", i + 1);
		inspect_text(&c, label, c.values[i], strlen(c.values[i]));
	}
	if (want_stdin)
		inspect_stdin(&c);
	if (npaths) {
		walk.recursive = c.recursive;
		fflush(stdout);
		r = imactl_walk(paths, npaths, &walk, visit, on_error, &c);
		if (r < 0) {
			fprintf(stderr, "%s: %s\n", c.prog, strerror(-r));
			c.errors++;
		}
	}
	if (c.json)
		printf("\n  ],\n  \"summary\": {\"items\": %lu, \"malformed\": %lu, \"failed\": "
		       "%lu, "
		       "\"errors\": %lu}}\n",
		       c.items, c.malformed, c.failed, c.errors);
	fflush(stdout);
	if (c.errors)
		rc = EXIT_OPER;
	else if (c.malformed || c.failed)
		rc = EXIT_VERIFY;
out:
	keyopts_free(&c.k);
	imactl_ctx_free(c.ctx);
	return rc;
}
