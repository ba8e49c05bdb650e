/* SPDX-License-Identifier: MIT */
/*
 * evmctl's command line, as ima-evm-utils parses it: GNU getopt_long with
 * options anywhere, optional arguments glued (-pSECRET, --uuid=...), the
 * command as the first operand.  Options of evmctl that this personality
 * accepts but that only matter to commands not implemented here (EVM,
 * measurement lists) are parsed and kept so that those commands can say so.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evmctl.h"
#include "../imactl/opts.h"

enum {
	OPT_XATTR_USER = 0x100,
	OPT_RSA,
	OPT_KEYID,
	OPT_KEYID_CERT,
	OPT_SMACK,
	OPT_M32,
	OPT_M64,
	OPT_INO,
	OPT_UID,
	OPT_GID,
	OPT_MODE,
	OPT_GENERATION,
	OPT_IMA,
	OPT_SELINUX,
	OPT_CAPS,
	OPT_VERIFY_SIG,
	OPT_ENGINE,
	OPT_PROVIDER,
	OPT_IGNORE_VIOLATIONS,
	OPT_PCRS,
	OPT_VERIFY_BANK,
	OPT_HWTPM,
	OPT_HMACKEY,
	OPT_VERITYSIG,
	OPT_VERSION,
	OPT_PASS_FILE,
	OPT_PASS_FD,
	OPT_JOBS,
	OPT_FSTYPE,
	OPT_EXECUTABLE,
	OPT_NAME,
};

static const struct option long_opts[] = {
	{"help", no_argument, 0, 'h'},
	{"imasig", no_argument, 0, 's'},
	{"imahash", no_argument, 0, 'd'},
	{"hashalgo", required_argument, 0, 'a'},
	{"pass", optional_argument, 0, 'p'},
	{"sigfile", no_argument, 0, 'f'},
	{"uuid", optional_argument, 0, 'u'},
	{"rsa", no_argument, 0, OPT_RSA},
	{"key", required_argument, 0, 'k'},
	{"type", required_argument, 0, 't'},
	{"recursive", no_argument, 0, 'r'},
	{"m32", no_argument, 0, OPT_M32},
	{"m64", no_argument, 0, OPT_M64},
	{"engine", required_argument, 0, OPT_ENGINE},
	{"provider", required_argument, 0, OPT_PROVIDER},
	{"xattr-user", no_argument, 0, OPT_XATTR_USER},
	{"ignore-violations", no_argument, 0, OPT_IGNORE_VIOLATIONS},
	{"pcrs", required_argument, 0, OPT_PCRS},
	{"verify-bank", optional_argument, 0, OPT_VERIFY_BANK},
	{"keyid", required_argument, 0, OPT_KEYID},
	{"keyid-from-cert", required_argument, 0, OPT_KEYID_CERT},
	{"smack", no_argument, 0, OPT_SMACK},
	{"portable", no_argument, 0, 'o'},
	{"inode", required_argument, 0, OPT_INO},
	{"uid", required_argument, 0, OPT_UID},
	{"gid", required_argument, 0, OPT_GID},
	{"mode", required_argument, 0, OPT_MODE},
	{"generation", required_argument, 0, OPT_GENERATION},
	{"ima", required_argument, 0, OPT_IMA},
	{"selinux", required_argument, 0, OPT_SELINUX},
	{"caps", optional_argument, 0, OPT_CAPS},
	{"verify-sig", no_argument, 0, OPT_VERIFY_SIG},
	{"hwtpm", no_argument, 0, OPT_HWTPM},
	{"hmackey", required_argument, 0, OPT_HMACKEY},
	{"veritysig", no_argument, 0, OPT_VERITYSIG},
	{"version", no_argument, 0, OPT_VERSION},
	/* imactl extensions */
	{"pass-file", required_argument, 0, OPT_PASS_FILE},
	{"pass-fd", required_argument, 0, OPT_PASS_FD},
	{"jobs", required_argument, 0, OPT_JOBS},
	{"fstype", required_argument, 0, OPT_FSTYPE},
	{"executable", no_argument, 0, OPT_EXECUTABLE},
	{"name", required_argument, 0, OPT_NAME},
	{0, 0, 0, 0},
};

void evmctl_usage(void)
{
	printf("Usage: evmctl [-v] <command> [OPTIONS]\n"
	       "commands:\n"
	       " --version \n"
	       " help <command>\n"
	       " import [--rsa] pubkey keyring\n"
	       " convert key\n"
	       " sign [-r] [--imahash | --imasig ] [--key key] [--pass [password] file\n"
	       " verify file\n"
	       " ima_sign [--sigfile] [--key key] [--pass [password] file\n"
	       " ima_verify file\n"
	       " ima_setxattr [--sigfile file]\n"
	       " ima_hash file\n"
	       " ima_measurement [--ignore-violations] [--verify-sig [--key key1, key2, ...]] "
	       "[--pcrs [hash-algorithm,]file [--pcrs hash-algorithm,file] ...] [--verify-bank "
	       "hash-algorithm] file\n"
	       " ima_boot_aggregate [--pcrs hash-algorithm,file] [TPM 1.2 BIOS event log]\n"
	       " ima_fix [-t fdsxm] path\n"
	       " ima_clear [-t fdsxm] path\n"
	       " sign_hash [--key key] [--pass [password]\n"
	       " hmac [--imahash | --imasig ] file\n"
	       "\n"
	       "  -a, --hashalgo     sha1, sha224, sha256, sha384, sha512, streebog256, "
	       "streebog512 "
	       "(default: sha256)\n"
	       "  -s, --imasig       make IMA signature\n"
	       "  -d, --imahash      make IMA hash\n"
	       "  -f, --sigfile      store IMA signature in .sig file instead of xattr\n"
	       "      --xattr-user   store xattrs in user namespace (for testing purposes)\n"
	       "      --rsa          use RSA key type and signing scheme v1\n"
	       "  -k, --key          path to signing key (default: "
	       "/etc/keys/{privkey,pubkey}_evm.pem)\n"
	       "                     or a pkcs11 URI\n"
	       "      --keyid n      overwrite signature keyid with a 32-bit value in hex (for "
	       "signing)\n"
	       "      --keyid-from-cert file\n"
	       "                     read keyid value from SKID of a x509 cert file\n"
	       "  -o, --portable     generate portable EVM signatures\n"
	       "  -p, --pass         password for encrypted signing key\n"
	       "  -r, --recursive    recurse into directories (sign)\n"
	       "  -t, --type         file types to fix 'fxm' (f: file)\n"
	       "                     x - skip fixing if both ima and evm xattrs exist (use with "
	       "caution)\n"
	       "                     m - stay on the same filesystem (like 'find -xdev')\n"
	       "  -n                 print result to stdout instead of setting xattr\n"
	       "  -u, --uuid         use custom FS UUID for EVM (unspecified: from FS, empty: do "
	       "not "
	       "use)\n"
	       "      --smack        use extra SMACK xattrs for EVM\n"
	       "      --m32          force EVM hmac/signature for 32 bit target system\n"
	       "      --m64          force EVM hmac/signature for 64 bit target system\n"
	       "      --ino          use custom inode for EVM\n"
	       "      --uid          use custom UID for EVM\n"
	       "      --gid          use custom GID for EVM\n"
	       "      --mode         use custom Mode for EVM\n"
	       "      --generation   use custom Generation for EVM(unspecified: from FS, empty: "
	       "use "
	       "0)\n"
	       "      --ima          use custom IMA signature for EVM\n"
	       "      --selinux      use custom Selinux label for EVM\n"
	       "      --caps         use custom Capabilities for EVM(unspecified: from FS, empty: "
	       "do "
	       "not use)\n"
	       "      --verify-sig   verify measurement list signatures\n"
	       "      --engine e     preload OpenSSL engine e (such as: gost)\n"
	       "      --ignore-violations ignore ToMToU measurement violations\n"
	       "  -v                 increase verbosity level\n"
	       "  -h, --help         display this help and exit\n"
	       "\n"
	       "imactl extensions:\n"
	       "      --provider p   load OpenSSL provider p (such as: pkcs11)\n"
	       "      --veritysig    sign_hash: fs-verity digests in, signature v3 (type 0x06) "
	       "out\n"
	       "      --pass-file f  read the key passphrase from file f\n"
	       "      --pass-fd n    read the key passphrase from file descriptor n\n"
	       "      --jobs n       worker threads for -r (default: number of CPUs)\n"
	       "      --uid n        with -r and ima_* commands: only files owned by uid n\n"
	       "      --fstype t     with -r: only files on filesystems of type t\n"
	       "      --executable   with -r: only files with an execute bit\n"
	       "      --name glob    with -r: only files whose name matches glob\n"
	       "\n"
	       "Environment variables:\n"
	       "\n"
	       "EVMCTL_KEY_PASSWORD  : Private key password to use; do not use --pass option\n"
	       "\n");
}

int evmctl_parse(struct evmctl *e, int argc, char **argv, const char **ret_cmd)
{
	int c;
	bool uid_given = false;
	unsigned uid_val = 0;

	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "hvnsda:op::fu::k:t:ri", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			evmctl_usage();
			exit(0);
		case 'v':
			e->verbose++;
			break;
		case 'n':
			e->print_only = true;
			break;
		case 's':
			e->imasig = true;
			break;
		case 'd':
			e->imahash = true;
			break;
		case 'o':
			e->portable = true;
			e->ov.portable = true;
			break;
		case 'i':
			e->immutable_v3 = true;
			break;
		case 'u':
			/* bare --uuid: leave the UUID out; --uuid=UUID: use it */
			if (optarg && *optarg && evm_parse_uuid_arg(&e->ov, optarg) < 0) {
				fprintf(stderr, "wrong UUID format\n");
				return EVMCTL_EXIT_ERR;
			}
			if (!optarg || !*optarg)
				e->ov.uuid_mode = UUID_NONE;
			break;
		case OPT_SMACK:
			e->ov.smack = true;
			break;
		case OPT_M32:
			e->ov.abi = IMACTL_EVM_ABI_32;
			break;
		case OPT_M64:
			e->ov.abi = IMACTL_EVM_ABI_64;
			break;
		case OPT_INO:
		case OPT_GID:
		case OPT_MODE:
		case OPT_GENERATION: {
			/* evmctl reads these as decimal numbers */
			unsigned long long v;
			if (opts_parse_u64(optarg, 10, &v) < 0 ||
			    (c != OPT_INO && v > (c == OPT_MODE ? 0xffffULL : 0xffffffffULL))) {
				fprintf(stderr, "evmctl: invalid --%s value '%s' (decimal)\n",
					c == OPT_INO	? "ino"
					: c == OPT_GID	? "gid"
					: c == OPT_MODE ? "mode"
							: "generation",
					optarg);
				return EVMCTL_EXIT_ERR;
			}
			if (c == OPT_INO) {
				e->ov.ino = v;
				e->ov.ino_set = true;
			} else if (c == OPT_GID) {
				e->ov.gid = (uint32_t)v;
				e->ov.gid_set = true;
			} else if (c == OPT_MODE) {
				e->ov.mode = (uint16_t)v;
				e->ov.mode_set = true;
			} else {
				e->ov.generation = (uint32_t)v;
				e->ov.gen_set = true;
			}
			break;
		}
		case OPT_IMA:
			if (evm_parse_hex_value(optarg, e->ov.ima, sizeof(e->ov.ima),
						&e->ov.ima_len) < 0) {
				fprintf(stderr, "evmctl: --ima needs a hex value\n");
				return EVMCTL_EXIT_ERR;
			}
			e->ov.ima_set = true;
			break;
		case OPT_SELINUX:
			e->ov.selinux = optarg;
			break;
		case OPT_CAPS:
			e->ov.caps_set = true;
			e->ov.caps_len = 0;
			if (optarg && *optarg &&
			    evm_parse_hex_value(optarg, e->ov.caps, sizeof(e->ov.caps),
						&e->ov.caps_len) < 0) {
				fprintf(stderr, "evmctl: --caps needs a hex value\n");
				return EVMCTL_EXIT_ERR;
			}
			break;
		case OPT_HMACKEY:
			e->hmackey = optarg;
			break;
		case OPT_VERIFY_SIG:
			e->verify_sig = true;
			break;
		case OPT_IGNORE_VIOLATIONS:
			e->ignore_violations = true;
			break;
		case OPT_PCRS:
			if (e->npcrs == (int)(sizeof(e->pcrs) / sizeof(e->pcrs[0]))) {
				fprintf(stderr, "too many --pcrs\n");
				return EVMCTL_EXIT_ERR;
			}
			e->pcrs[e->npcrs++] = optarg;
			break;
		case OPT_VERIFY_BANK:
			e->verify_bank = true;
			e->verify_bank_algo = optarg;
			break;
		case OPT_HWTPM:
			e->hwtpm = true;
			break;
		case 'a':
			e->hash_algo = optarg;
			break;
		case 'p':
			if (optarg) {
				fprintf(stderr,
					"evmctl: warning: a passphrase given with --pass is "
					"visible to other users; prefer --pass-file, "
					"--pass-fd or EVMCTL_KEY_PASSWORD\n");
				e->pass.pass_arg = optarg;
			}
			e->pass.prompt = true;
			break;
		case 'f':
			e->sigfile = true;
			break;
		case 'k':
			e->keyfile = optarg;
			break;
		case 't':
			for (const char *t = optarg; *t; t++) {
				if (*t == 'm')
					e->xdev = true;
				else if (*t == 'x')
					e->skip_both = true;
			}
			break;
		case 'r':
			e->recursive = true;
			break;
		case OPT_XATTR_USER:
			e->xattr_user = true;
			break;
		case OPT_RSA:
			e->rsa = true;
			break;
		case OPT_KEYID:
			if (parse_keyid(optarg, &e->keyid) < 0) {
				fprintf(stderr, "Invalid keyid value.\n");
				return 1; /* evmctl exits 1 here */
			}
			e->keyid_set = true;
			break;
		case OPT_KEYID_CERT:
			e->keyid_cert = optarg;
			break;
		case OPT_UID:
			if (opts_parse_u32(optarg, 10, &uid_val) < 0) {
				fprintf(stderr, "Invalid UID value\n");
				return EVMCTL_EXIT_ERR;
			}
			uid_given = true;
			break;
		case OPT_ENGINE:
			fprintf(stderr,
				"evmctl: OpenSSL engines are not supported (OpenSSL 3 "
				"providers are): use --provider %s\n",
				optarg);
			return EVMCTL_EXIT_ERR;
		case OPT_PROVIDER:
			if (e->nproviders < 8)
				e->providers[e->nproviders++] = optarg;
			break;
		case OPT_VERITYSIG:
			e->veritysig = true;
			break;
		case OPT_VERSION:
			printf("evmctl 1.4\n");
			printf("(imactl %s, ima-evm-utils compatible personality)\n",
			       imactl_version());
			exit(0);
		case OPT_PASS_FILE:
			e->pass.pass_file = optarg;
			break;
		case OPT_PASS_FD: {
			unsigned v;
			if (opts_parse_u32(optarg, 10, &v) < 0 || v > INT_MAX) {
				fprintf(stderr, "evmctl: --pass-fd '%s' is not a file descriptor\n",
					optarg);
				return EVMCTL_EXIT_ERR;
			}
			e->pass.pass_fd = (int)v;
			break;
		}
		case OPT_JOBS: {
			unsigned v;
			if (opts_parse_u32(optarg, 10, &v) < 0 || v == 0 || v > 256) {
				fprintf(stderr, "evmctl: --jobs '%s' must be 1..256\n", optarg);
				return EVMCTL_EXIT_ERR;
			}
			e->walk.jobs = (int)v;
			break;
		}
		case OPT_FSTYPE:
			if (imactl_fstype_magic(optarg, &e->walk.fstype_magic) < 0) {
				fprintf(stderr, "evmctl: unknown filesystem type '%s'\n", optarg);
				return EVMCTL_EXIT_ERR;
			}
			e->walk.filter_fstype = 1;
			break;
		case OPT_EXECUTABLE:
			e->walk.filter_executable = 1;
			break;
		case OPT_NAME:
			e->walk.name_glob = optarg;
			break;
		case '?':
		default:
			exit(1);
		}
	}
	if (uid_given) {
		/* --uid: the EVM owner override for EVM commands, an owner filter for
		 * the ima_* commands' walks (evmctl ignores it there) */
		e->uid_given = true;
		e->ov.uid = uid_val;
		e->ov.uid_set = true;
	}
	if (optind >= argc) {
		*ret_cmd = NULL;
		return 0;
	}
	*ret_cmd = argv[optind];
	e->args = argv + optind + 1;
	e->nargs = argc - optind - 1;
	return 0;
}
