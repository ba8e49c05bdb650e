/* SPDX-License-Identifier: MIT */
/*
 * The ima_inspect personality: invoked as "ima_inspect", imactl prints what
 * ima_inspect (mgerstner/ima-inspect, 0.1x) prints for security.ima and
 * security.evm, byte for byte, so scripts that parse it keep working.  Written
 * from its documented behaviour; differences on purpose:
 *  - types 0x05 (EVM portable signature) and 0x06 (fs-verity sigv3) are
 *    decoded like signatures instead of "unknown IMA/EVM attribute";
 *  - bytes after a signature, which ima_inspect ignores, get a warning on
 *    stderr (stdout is unchanged).
 * Exit status as ima_inspect: 0, 2 when a file or attribute failed, 1 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "imactl/imactl.h"
#include "util/bytes.h"
#include "util/cleanup.h"

struct ii {
	const char *attr;
	const char *out;
	bool dump_bin;
	FILE *human; /* stdout, or NULL when --out is given */
	int res;
	const uint8_t *data;
	size_t len, left;
};

/* ima_inspect's hex dump: a blank after every 8 bytes, a newline after every 64. */
static void hexdump(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%02x", p[i]);
		if ((i & 63) == 63)
			fputc('\n', f);
		else if ((i & 7) == 7)
			fputc(' ', f);
	}
}

static void say(struct ii *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct ii *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->human)
		return;
	va_start(ap, fmt);
	vfprintf(s->human, fmt, ap);
	va_end(ap);
}

static void say_hex(struct ii *s, const uint8_t *p, size_t n)
{
	if (s->human)
		hexdump(s->human, p, n);
}

/* Take @n bytes or report "premature end of attribute data (@what)". */
static const uint8_t *take(struct ii *s, size_t n, const char *what)
{
	const uint8_t *p;

	if (s->left < n) {
		fprintf(stderr, "premature end of attribute data (%s)\n\n", what);
		s->res = 2;
		return NULL;
	}
	p = s->data + (s->len - s->left);
	s->left -= n;
	return p;
}

static void dump(struct ii *s, const uint8_t *p, size_t n)
{
	if (s->dump_bin)
		fwrite(p, 1, n, stdout);
	else
		hexdump(stdout, p, n);
}

static const char *algo_label(unsigned int id)
{
	const char *n = imactl_hash_name((int)id);
	return n ? n : "unknown/invalid";
}

static void trailing_warning(struct ii *s)
{
	size_t used = s->len - s->left;
	bool zero = true;

	if (!s->left)
		return;
	for (size_t i = used; i < s->len; i++)
		if (s->data[i])
			zero = false;
	fprintf(stderr,
		"ima_inspect: warning: %zu %s after the signature; the kernel rejects such a "
		"value (it should be %zu bytes)\n",
		s->left, zero ? "zero bytes (padding)" : "trailing bytes", used);
}

static void digsig_v1(struct ii *s)
{
	const uint8_t *h = take(s, 16, "signature_hdr"), *ml, *mpi;
	size_t bits, bytes;
	uint32_t ts;
	time_t t;

	if (!h)
		return;
	ml = take(s, 2, "mpi_length");
	if (!ml)
		return;
	bits = load_be16(ml);
	bytes = bits >> 3;
	mpi = take(s, bytes, "mpi_sig");
	if (!mpi)
		return;
	if (s->out) {
		dump(s, mpi, bytes);
		return;
	}
	memcpy(&ts, h + 1, 4);
	t = (time_t)ts;
	say(s, "creation time: %s", ctime(&t));
	say(s, "signature algorithm: %s\n", h[5] == 0 ? "rsa" : "unknown/invalid");
	say(s, "digest algorithm: %s\n",
	    h[6] == 0	? "sha1"
	    : h[6] == 1 ? "sha256"
			: "unknown/invalid");
	say(s, "key-id v1 (gpg compatible): ");
	say_hex(s, h + 7, 8);
	say(s, "\nnmpi (number of multi-precision-integers): %u\n", h[15]);
	say(s, "signature length: %zu bits\n", bits);
	say(s, "signature data:\n\n");
	say_hex(s, mpi, bytes);
	say(s, "\n");
	trailing_warning(s);
}

static void digsig_v2(struct ii *s)
{
	const uint8_t *h = take(s, 8, "signature_v2_hdr"), *sig;
	size_t size;

	if (!h)
		return;
	size = load_be16(h + 6);
	sig = take(s, size, "sig");
	if (!sig)
		return;
	if (s->out) {
		dump(s, sig, size);
		return;
	}
	say(s, "digest algorithm: %s\n", algo_label(h[1]));
	say(s, "key-id v2 (gpg compatible): ");
	say_hex(s, h + 2, 4);
	say(s, "\nsignature length: %zu bits\n", size << 3);
	say(s, "signature data:\n\n");
	say_hex(s, sig, size);
	say(s, "\n");
	trailing_warning(s);
}

static void digsig(struct ii *s, const char *what)
{
	uint8_t version;

	if (s->left < 1) {
		fprintf(stderr, "premature end of attribute data (digsig version)\n\n");
		s->res = 2;
		return;
	}
	version = s->data[s->len - s->left];
	say(s, "%s %u\n", what, version);
	if (version == 1 && s->data[0] == IMACTL_XATTR_DIGSIG)
		digsig_v1(s);
	else if (version == 2 || version == 3)
		digsig_v2(s);
	else {
		fprintf(stderr, "unknown digital signature version encountered\n");
		s->res = 2;
	}
}

static void digest(struct ii *s, const char *title, const char *algo_line)
{
	size_t n = s->left;
	const uint8_t *d = take(s, n, "digest");

	if (s->out) {
		dump(s, d, n);
		return;
	}
	say(s, "%s\n", title);
	if (algo_line)
		say(s, "%s\n", algo_line);
	say(s, "digest length: %zu bytes\n", n);
	say(s, "digest: ");
	say_hex(s, d, n);
	say(s, "\n");
}

static void inspect_attr(struct ii *s)
{
	const uint8_t *t = take(s, 1, "xattr_type");
	char line[64];

	if (!t)
		return;
	switch (*t) {
	case IMACTL_XATTR_DIGEST:
		digest(s, "digest (legacy sha1)", NULL);
		break;
	case IMACTL_XATTR_DIGEST_NG: {
		const uint8_t *a = take(s, 1, "digest-ng algo");
		if (!a)
			return;
		snprintf(line, sizeof(line), "digest algorithm: %s", algo_label(*a));
		digest(s, "digest (NG)", line);
		break;
	}
	case IMACTL_XATTR_HMAC:
		digest(s, "EVM HMAC", "digest algo: sha1 (fixed)");
		break;
	case IMACTL_XATTR_DIGSIG:
		digsig(s, "digital signature version");
		break;
	case IMACTL_XATTR_PORTABLE_DIGSIG:
		digsig(s, "portable digital signature version");
		break;
	case IMACTL_XATTR_VERITY_DIGSIG:
		digsig(s, "fs-verity digital signature version");
		break;
	default:
		fprintf(stderr, "unknown IMA/EVM attribute tagged with %u\n", *t);
		break;
	}
}

static void inspect_file(struct ii *s, const char *path)
{
	static const char *const names[] = {"security.ima", "security.evm"};
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	_cleanup_free_ uint8_t *buf = malloc(IMACTL_XATTR_MAX);

	if (fd < 0 || !buf) {
		int e = fd < 0 ? errno : ENOMEM;
		fprintf(stderr, "System/library call \"open\" failed with \"%s\" (%d)\n",
			strerror(e), e);
		s->res = 2;
		return;
	}
	for (size_t i = 0; i < 2; i++) {
		long n;
		if (s->attr && !strstr(names[i], s->attr))
			continue;
		say(s, "\n%s\n------------\n", names[i]);
		n = imactl_xattr_get(fd, names[i], buf, IMACTL_XATTR_MAX);
		if (n == -ENODATA) {
			say(s, "no such attribute\n");
			continue;
		}
		if (n < 0) {
			fprintf(stderr,
				"System/library call \"fgetxattr\" failed with \"%s\" (%d)\n",
				strerror((int)-n), (int)-n);
			s->res = 2;
			continue;
		}
		s->data = buf;
		s->len = s->left = (size_t)n;
		inspect_attr(s);
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"\nUSAGE: \n\n   ima_inspect  [-o <hex, bin>] [-a <[security.]ima, "
		"[security.]evm>] "
		"[--] [--version] [-h] <path> ...\n\n"
		"Where: \n\n"
		"   -o <hex, bin>,  --out <hex, bin>\n"
		"     Instead of displaying the attribute selected via -a, output just the\n"
		"     cryptographic primitive in the given format to stdout.\n\n"
		"   -a <[security.]ima, [security.]evm>,  --attr <[security.]ima, [security.]evm>\n"
		"     Type of attribute to inspect. By default all attributes are displayed.\n\n"
		"   <path>  (accepted multiple times)\n"
		"     (required)  One or more files to inspect.\n\n"
		"   (imactl's ima_inspect personality: types 5 and 6 are decoded too)\n");
}

int ima_inspect_main(int argc, char **argv)
{
	struct ii s = {.human = stdout};
	const char *files[1024];
	size_t nfiles = 0;
	bool rest = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!rest && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
			usage(stdout);
			return 0;
		}
		if (!rest && !strcmp(a, "--version")) {
			printf("\nima_inspect  version: 0.15 (imactl %s)\n\n", imactl_version());
			return 0;
		}
		if (!rest && !strcmp(a, "--")) {
			rest = true;
			continue;
		}
		if (!rest && (!strcmp(a, "-a") || !strcmp(a, "--attr") || !strcmp(a, "-o") ||
			      !strcmp(a, "--out"))) {
			if (i + 1 >= argc) {
				fprintf(stderr,
					"PARSE ERROR: Argument: %s\n             Missing a "
					"value for this argument!\n",
					a);
				usage(stderr);
				return 1;
			}
			if (a[1] == 'a' || !strcmp(a, "--attr"))
				s.attr = argv[++i];
			else
				s.out = argv[++i];
			continue;
		}
		if (!rest && a[0] == '-' && a[1]) {
			fprintf(stderr,
				"PARSE ERROR: \n             Couldn't find match for argument\n");
			usage(stderr);
			return 1;
		}
		if (nfiles == sizeof(files) / sizeof(files[0])) {
			fprintf(stderr, "Failed: too many files\n");
			return 1;
		}
		files[nfiles++] = a;
	}
	if (!nfiles) {
		fprintf(stderr, "PARSE ERROR:  \n             Required argument missing: files\n");
		usage(stderr);
		return 1;
	}
	if (s.attr && !strstr(s.attr, "ima") && !strstr(s.attr, "evm")) {
		fprintf(stderr, "Failed: ambiguous or invalid value for --attr encountered\n");
		return 1;
	}
	if (s.out) {
		if (!s.attr) {
			fprintf(stderr, "Failed: --out also required --attr\n");
			return 1;
		}
		if (strcmp(s.out, "hex") && strcmp(s.out, "bin")) {
			fprintf(stderr, "Failed: invalid value for --out encountered\n");
			return 1;
		}
		s.dump_bin = !strcmp(s.out, "bin");
		if (s.dump_bin && isatty(STDOUT_FILENO)) {
			fprintf(stderr, "Failed: refusing to output binary data to terminal\n");
			return 1;
		}
		s.human = NULL;
	}
	for (size_t i = 0; i < nfiles; i++) {
		say(&s, "%s%s\n", i ? "\n" : "", files[i]);
		inspect_file(&s, files[i]);
	}
	fflush(stdout);
	return s.res;
}
