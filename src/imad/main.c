/* SPDX-License-Identifier: MIT */
/*
 * imad: the IMA/EVM runtime in userspace.  Options and config keys
 * (options.c), then setup, then the main thread waits for signals: SIGHUP reloads the policy when
 * allowed, SIGTERM/SIGINT stop cleanly, and the watchdog is fed only while
 * the event reader is healthy.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "imactl/tpm.h"
#include "imad.h"
#include "util/cleanup.h"

static int kernel_ima_active(void)
{
	return access("/sys/kernel/security/ima", F_OK) == 0 ||
	       access("/sys/kernel/security/integrity/ima", F_OK) == 0;
}

/* ---- status file ----------------------------------------------------------- */

static const char *const unenforced_hooks =
	"MMAP_CHECK(mmap of an open fd) MMAP_CHECK_REQPROT(mprotect) MODULE_CHECK FIRMWARE_CHECK "
	"KEXEC_KERNEL_CHECK KEXEC_INITRAMFS_CHECK KEXEC_CMDLINE POLICY_CHECK KEY_CHECK "
	"CRITICAL_DATA SETXATTR_CHECK CREDS_CHECK";

/*
 * The text of the status file goes to a buffer first: the file is replaced
 * (a new inode in the runtime directory, then a rename) only when the text
 * differs from what was last written, so an idle daemon creates no files.
 */
static char status_last[4096];
static size_t status_last_len;

static void write_status(struct imad *d, const char *state)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], hex[65];
	char text[sizeof(status_last)];
	struct imad_policy *p = imad_policy_get(d);
	unsigned long fast = atomic_load(&d->st.fast);
	unsigned long hits = atomic_load(&d->st.cache_hits) + fast,
		      miss = atomic_load(&d->st.cache_misses);
	FILE *f = fmemopen(text, sizeof(text), "w");
	long len;
	int fd, ok;

	if (!f) {
		imad_policy_put(p);
		return;
	}
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", p ? p->sha256[i] : 0);
	fprintf(f, "state: %s\npid: %d\nmode: %s\npolicy: %s\npolicy_sha256: %s\n", state,
		(int)d->self, imad_mode_name(d->cfg.mode), p ? p->source : "-", hex);
	fprintf(f, "policy_generation: %u\npcr: %d\ntemplate: %s\nhash: %s\n", p ? p->gen : 0,
		d->cfg.pcr, d->cfg.template_name, d->cfg.hash_name);
	fprintf(f, "fail: %s\ndeadline_ms: %u\nevm: %s\n", d->cfg.fail_open ? "open" : "closed",
		d->cfg.deadline_ms, d->evm_key ? "hmac" : "off");
	fprintf(f,
		"events: %lu\nallowed: %lu\ndenied: %lu\nown_pid: %lu\ncache_hits: %lu\n"
		"cache_misses: %lu\ncache_hit_rate: %.3f\ncache_entries: %zu\nhashed: %lu\n"
		"measured: %lu\nappraised: %lu\nfixed: %lu\ndeadline_expired: %lu\n"
		"breakglass: %lu\nerrors: %lu\nreloads: %lu\nreloads_failed: %lu\n",
		atomic_load(&d->st.events) + fast, atomic_load(&d->st.allowed) + fast,
		atomic_load(&d->st.denied), atomic_load(&d->st.own), hits, miss,
		hits + miss ? (double)hits / (double)(hits + miss) : 0.0,
		d->cache ? imad_cache_size(d->cache) : 0, atomic_load(&d->st.hashed),
		atomic_load(&d->st.measured), atomic_load(&d->st.appraised),
		atomic_load(&d->st.fixed), atomic_load(&d->st.deadline),
		atomic_load(&d->st.breakglass), atomic_load(&d->st.errors),
		atomic_load(&d->st.reloads), atomic_load(&d->st.reload_failed));
	fprintf(f, "measurements: %zu\nviolations: %lu\n", imad_measure_count(d),
		atomic_load(&d->st.violations));
	{
		/* every PCR the list has extended: --pcr and the rules' pcr= */
		uint32_t mask = imad_measure_pcr_mask(d);
		const char *sep = "";

		fprintf(f, "pcrs: ");
		for (unsigned int i = 0; i < 32; i++)
			if (mask & (1u << i)) {
				fprintf(f, "%s%u", sep, i);
				sep = ",";
			}
		fprintf(f, "%s\n", *sep ? "" : "-");
	}
	fprintf(f, "tpm: %s\ntpm_extends: %lu\ntpm_errors: %lu\n",
		d->cfg.tpm ? (d->cfg.tcti ? d->cfg.tcti : "default") : "off",
		atomic_load(&d->st.tpm_extends), atomic_load(&d->st.tpm_errors));
	fprintf(f, "unenforced_hooks: %s\n", unenforced_hooks);
	imad_policy_put(p);
	fflush(f);
	len = ftell(f);
	ok = !ferror(f) && len > 0 && (size_t)len < sizeof(text) - 1;
	fclose(f);
	if (!ok || ((size_t)len == status_last_len && memcmp(text, status_last, (size_t)len) == 0))
		return;
	snprintf(path, sizeof(path), "%s/status", d->cfg.runtime_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0)
		return;
	ok = write(fd, text, (size_t)len) == len;
	if (close(fd) == 0 && ok && rename(tmp, path) == 0) {
		memcpy(status_last, text, (size_t)len);
		status_last_len = (size_t)len;
	} else {
		unlink(tmp);
	}
}

static int print_status(const struct imad_config *c)
{
	char path[PATH_MAX], buf[4096];
	_cleanup_fclose_ FILE *f = NULL;
	size_t n;

	snprintf(path, sizeof(path), "%s/status", c->runtime_dir);
	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "imad: no status in '%s' (%m): is imad running?\n", path);
		return 3;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	return 0;
}

/* ---- --check-config -------------------------------------------------------- */

static int check_config(struct imad *d)
{
	struct imad_policy *p = imad_policy_get(d);
	char err[512], buf[4096];
	size_t len, unenf = 0;

	/* --audit on that cannot be honoured is a configuration error */
	if (imad_audit_open(d, err, sizeof(err)) < 0) {
		imad_policy_put(p);
		imad_log(LOG_ERR, "%s", err);
		return 2;
	}
	printf("mode: %s\npolicy: %s (%zu rules)\n", imad_mode_name(d->cfg.mode), p->source,
	       imactl_policy_rule_count(p->p));
	printf("keys: %s (%zu certificates)\n", d->cfg.keys_dir,
	       d->keys ? imactl_keyring_count(d->keys) : 0);
	if (d->evm_key && d->cfg.evm_key_file)
		printf("evm: %s\n", d->cfg.evm_key_file);
	else if (d->evm_key)
		printf("evm: key from fd %d\n", d->cfg.evm_key_fd);
	else
		printf("evm: off (no --evm-key)\n");
	printf("measurement: %s, template %s, pcr %d, hash %s (rules may set their own pcr= and "
	       "template=; boot_aggregate and violations use these)\n",
	       d->cfg.runtime_dir, d->cfg.template_name, d->cfg.pcr, d->cfg.hash_name);
	for (size_t i = 0; i < imactl_policy_rule_count(p->p); i++) {
		if (imactl_policy_print_rule(p->p, i, buf, sizeof(buf), &len) < 0 ||
		    strncmp(buf, "measure ", 8) != 0 ||
		    (!strstr(buf, " pcr=") && !strstr(buf, " template=")))
			continue;
		len = strcspn(buf, "\n");
		while (len && buf[len - 1] == ' ')
			len--;
		printf("measurement: rule %zu: %.*s\n", i + 1, (int)len, buf);
	}
	printf("tpm: %s\n", d->cfg.tpm ? (d->cfg.tcti ? d->cfg.tcti : "/dev/tpmrm0, then /dev/tpm0")
				       : "off (software PCR only)");
	for (size_t i = 0; i < d->cfg.n_watch; i++)
		printf("watch: mount holding '%s'%s\n", d->cfg.watch[i],
		       access(d->cfg.watch[i], F_OK) ? " (MISSING)" : "");
	imad_audit_describe(d, buf, sizeof(buf));
	printf("audit: %s%s\n", buf,
	       d->cfg.audit == IMAD_AUDIT_OFF
		       ? ""
		       : "; denials carry FAN_AUDIT (AUDIT_FANOTIFY records) when fanotify_init() "
			 "accepts FAN_ENABLE_AUDIT");
	imad_privs_describe(imad_privs_keep(d), buf, sizeof(buf));
	printf("privileges: after setup keeps %s; drops every other capability (effective, "
	       "permitted, inheritable, ambient and bounding sets); no_new_privs\n",
	       buf);
	if (imad_seccomp_count())
		printf("seccomp: after setup, %u system calls imad never makes fail with EPERM "
		       "(execve, ptrace, mount, modules, kexec, bpf ...), and any of another ABI\n",
		       imad_seccomp_count());
	else
		printf("seccomp: no filter on this architecture\n");
#ifdef IMAD_TEST_KNOBS
	printf("test knobs: compiled in (debug build): IMAD_TEST_DELAY_MS=%u\n",
	       imad_test_delay_ms());
#endif
	printf("fanotify: %s\n", imad_fan_probe(err, sizeof(err)) == 0 ? "permission events "
									 "available"
								       : err);
	printf("hooks:\n"
	       "  BPRM_CHECK             enforced (FAN_OPEN_EXEC_PERM)\n"
	       "  FILE_CHECK             enforced (FAN_OPEN_PERM; write opens are judged as "
	       "MAY_READ: fanotify does not report open flags)\n"
	       "  MMAP_CHECK             approximated: ELF shared objects opened for reading (the "
	       "dynamic loader's open)\n"
	       "unenforced hooks (fanotify cannot see them):\n"
	       "  MMAP_CHECK             mmap(PROT_EXEC) of an fd opened earlier\n"
	       "  MMAP_CHECK_REQPROT     mprotect(PROT_EXEC)\n"
	       "  MODULE_CHECK           kernel modules (finit_module)\n"
	       "  FIRMWARE_CHECK         firmware loading\n"
	       "  KEXEC_KERNEL_CHECK     kexec kernel image\n"
	       "  KEXEC_INITRAMFS_CHECK  kexec initramfs\n"
	       "  KEXEC_CMDLINE          kexec command line\n"
	       "  POLICY_CHECK           policy files written to securityfs\n"
	       "  KEY_CHECK, CRITICAL_DATA, SETXATTR_CHECK, CREDS_CHECK\n");
	for (size_t i = 0; i < imactl_policy_rule_count(p->p); i++) {
		char *fn;
		if (imactl_policy_print_rule(p->p, i, buf, sizeof(buf), &len) < 0)
			continue;
		buf[strcspn(buf, "\n")] = '\0';
		fn = strstr(buf, "func=");
		if (!fn)
			continue;
		fn += 5;
		fn[strcspn(fn, " ")] = '\0';
		if (imad_policy_func_enforced(fn) == 2)
			continue;
		if (!unenf++)
			printf("policy rules on hooks imad does not fully enforce:\n");
		imactl_policy_print_rule(p->p, i, buf, sizeof(buf), &len);
		buf[strcspn(buf, "\n")] = '\0';
		printf("  rule %zu (line %lu): %s -> %s\n", i + 1, imactl_policy_rule_line(p->p, i),
		       buf,
		       imad_policy_func_enforced(fn) == 1 ? "approximated (see MMAP_CHECK above)"
							  : "UNENFORCED");
	}
	if (!unenf)
		printf("policy: every func= rule is on an enforced hook\n");
	imad_policy_put(p);
	return 0;
}

/* ---- main ------------------------------------------------------------------ */

static void fatal_handler(int sig)
{
	/* release every blocked opener before dying */
	imad_fan_release_signal_safe();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int setup(struct imad *d, char *err, size_t errlen)
{
	imactl_diag diag = {0};
	size_t skipped = 0;
	int r;

	d->hash_algo = imactl_hash_from_name(d->cfg.hash_name);
	if (d->hash_algo < 0) {
		snprintf(err, errlen, "unknown --hash '%s'", d->cfg.hash_name);
		return -EINVAL;
	}
	r = imactl_ctx_new(&d->ctx, &diag);
	if (r < 0) {
		snprintf(err, errlen, "library context: %s", diag.msg);
		return r;
	}
	if (!imactl_hash_available(d->ctx, d->hash_algo)) {
		snprintf(err, errlen, "--hash %s is not available in this OpenSSL",
			 d->cfg.hash_name);
		return -EOPNOTSUPP;
	}
	r = imactl_keyring_new(&d->keys);
	if (r < 0)
		return r;
	if (access(d->cfg.keys_dir, F_OK) == 0) {
		r = imactl_keyring_load_dir(d->ctx, d->keys, d->cfg.keys_dir, &skipped, &diag);
		if (r < 0) {
			snprintf(err, errlen, "keys '%s': %s", d->cfg.keys_dir, diag.msg);
			return r;
		}
	} else if (d->cfg.mode != IMAD_MODE_OFF) {
		imad_log(LOG_WARNING, "no key directory '%s': signatures cannot verify",
			 d->cfg.keys_dir);
	}
	if (d->cfg.evm_key_file && d->cfg.evm_key_fd >= 0) {
		snprintf(err, errlen, "--evm-key and --evm-key-fd: give one");
		return -EINVAL;
	}
	if (d->cfg.evm_key_file || d->cfg.evm_key_fd >= 0) {
		char what[256];

		if (d->cfg.evm_key_file)
			snprintf(what, sizeof(what), "'%.200s'", d->cfg.evm_key_file);
		else
			snprintf(what, sizeof(what), "from fd %d", d->cfg.evm_key_fd);
		/* keep the HMAC key out of core dumps and ptrace */
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		if (d->cfg.evm_key_file) {
			r = imactl_secret_from_file(d->cfg.evm_key_file, 0, &d->evm_key, &diag);
		} else {
			r = imactl_secret_from_fd(d->cfg.evm_key_fd, 0, &d->evm_key, &diag);
			close(d->cfg.evm_key_fd); /* read once: nothing else may use it */
		}
		if (r < 0) {
			snprintf(err, errlen, "EVM key %s: %s", what,
				 diag.msg[0] ? diag.msg : strerror(-r));
			return r;
		}
		if (imactl_secret_len(d->evm_key) == 0 ||
		    imactl_secret_len(d->evm_key) > IMACTL_EVM_HMAC_KEY_MAX) {
			snprintf(err, errlen, "EVM key %s: 1..%d bytes expected", what,
				 IMACTL_EVM_HMAC_KEY_MAX);
			return -EINVAL;
		}
	}
	return imad_policy_load(d, err, errlen);
}

static int run(struct imad *d)
{
	sigset_t set;
	char err[1024];
	uint64_t wd = imad_watchdog_usec(), period_ns = 1000000000ull, last_ns, flush_ns;
	/*
	 * The measurement list's status files (count, violations, pcrs-*: four
	 * files created and renamed) are rewritten when entries were added and
	 * the list has been quiet for a tick, or a steady stream has run for
	 * IMAD_MLOG_FLUSH_MAX_MS; the status file once a period if it changed.
	 */
	struct timespec tick = {0, IMAD_MLOG_FLUSH_MS * 1000000L};
	size_t flushed = (size_t)-1, seen = (size_t)-1;
	int r;

	if (wd && wd / 2 < 1000000)
		period_ns = wd / 2 * 1000;
	if (period_ns < (uint64_t)tick.tv_nsec)
		tick.tv_nsec = (long)period_ns;
	/* the audit socket before the capability drop (CAP_AUDIT_WRITE of its opener) */
	r = imad_audit_open(d, err, sizeof(err));
	if (r < 0) {
		imad_log(LOG_ERR, "%s", err);
		return 3;
	}
	r = imad_fan_setup(d, err, sizeof(err));
	if (r < 0) {
		imad_log(LOG_ERR, "%s", err);
		return 3;
	}
	if (d->cfg.audit != IMAD_AUDIT_OFF) {
		char what[512];
		imad_audit_describe(d, what, sizeof(what));
		imad_log(LOG_INFO, "audit: %s; denials %s", what,
			 d->fan_audit ? "carry FAN_AUDIT (the kernel's AUDIT_FANOTIFY record)"
				      : "carry no FAN_AUDIT (fanotify_init() refused "
					"FAN_ENABLE_AUDIT: no CAP_AUDIT_WRITE?)");
	}
	/* setup is over: keep only what the event path needs, before any thread exists */
	r = imad_privs_drop(d, err, sizeof(err));
	if (r < 0) {
		imad_log(LOG_ERR, "dropping privileges: %s", err);
		return 3;
	}
	r = imad_seccomp_install(err, sizeof(err));
	if (r < 0) {
		imad_log(LOG_ERR, "installing the seccomp filter: %s", err);
		return 3;
	}
#ifdef IMAD_TEST_KNOBS
	if (getenv("IMAD_TEST_SECCOMP")) {
		/* a path that does not exist: ENOENT without the filter, EPERM with it */
		char *const argv0[] = {(char *)"imad-seccomp-test", NULL};
		int e;

		execve("/nonexistent/imad-seccomp-test", argv0, NULL);
		e = errno;
		imad_log(LOG_WARNING, "test knob IMAD_TEST_SECCOMP: execve: %s", strerror(e));
		e = unshare(0) < 0 ? errno : 0;
		imad_log(LOG_WARNING, "test knob IMAD_TEST_SECCOMP: unshare: %s",
			 e ? strerror(e) : "allowed");
	}
#endif
	r = imad_fan_start(d);
	if (r < 0) {
		imad_log(LOG_ERR, "cannot start threads: %s", strerror(-r));
		return 3;
	}
	write_status(d, "running");
	imad_log(LOG_INFO, "running: mode %s, %zu watch(es), policy %s, pid %d",
		 imad_mode_name(d->cfg.mode), d->cfg.n_watch, d->policy->source, (int)d->self);
	if (imad_test_delay_ms())
		imad_log(LOG_WARNING,
			 "test knob IMAD_TEST_DELAY_MS=%u: every worker decision is "
			 "delayed (a test build)",
			 imad_test_delay_ms());
	imad_notify("READY=1\nSTATUS=enforcing");
	imad_log_started();

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	last_ns = flush_ns = imad_now_ns();
	for (;;) {
		size_t count;

		int sig = sigtimedwait(&set, NULL, &tick);
		uint64_t now;

		if (sig == SIGTERM || sig == SIGINT) {
			imad_log(LOG_INFO, "%s: stopping", strsignal(sig));
			break;
		}
		if (sig == SIGHUP) {
			if (!d->cfg.reload) {
				imad_log(LOG_WARNING,
					 "SIGHUP: policy reload not allowed (write-once; set "
					 "reload = yes or --reload); the policy is unchanged");
			} else if (imad_policy_load(d, err, sizeof(err)) < 0) {
				atomic_fetch_add(&d->st.reload_failed, 1);
				imad_log(LOG_ERR, "SIGHUP: %s; the previous policy stays active",
					 err);
			} else {
				atomic_fetch_add(&d->st.reloads, 1);
				imad_log(LOG_INFO, "SIGHUP: policy reloaded (generation %u)",
					 d->policy_gen);
			}
		}
		now = imad_now_ns();
		count = imad_measure_count(d);
		if (count != flushed &&
		    (count == seen || now - flush_ns >= IMAD_MLOG_FLUSH_MAX_MS * 1000000ull)) {
			imad_measure_flush(d);
			flushed = count;
			flush_ns = now;
		}
		seen = count;
		if (sig != SIGHUP && now - last_ns < period_ns)
			continue;
		last_ns = now;
		if (!imad_fan_healthy(d)) {
			imad_log_rl(LOG_ERR, "event reader stalled: not feeding the watchdog");
		} else if (wd) {
			imad_notify("WATCHDOG=1");
		}
		write_status(d, "running");
	}
	imad_notify("STOPPING=1");
	imad_fan_stop(d);
	imad_measure_flush(d);
	write_status(d, "stopped");
	return 0;
}

int main(int argc, char **argv)
{
	struct imad d;
	char err[1024];
	int ex = 0, r;
	sigset_t set;

	memset(&d, 0, sizeof(d));
	imad_config_init(&d.cfg);
	r = imad_config_parse_args(&d.cfg, argc, argv, &ex);
	if (r != 0) {
		imad_config_free(&d.cfg);
		return ex;
	}
	if (imad_config_defaults(&d.cfg) < 0) {
		imad_config_free(&d.cfg);
		return 3;
	}
	if (d.cfg.pcr < 0)
		d.cfg.pcr = kernel_ima_active() ? 11 : 10;
	if (d.cfg.check_config == 2) {
		ex = print_status(&d.cfg);
		imad_config_free(&d.cfg);
		return ex;
	}
	imad_log_init(d.cfg.foreground || d.cfg.check_config);

	if (d.cfg.pcr == 10 && kernel_ima_active()) {
		imad_log(LOG_ERR, "--pcr 10 refused: kernel IMA is active and owns PCR 10");
		imad_config_free(&d.cfg);
		return 2;
	}
	if (d.cfg.tpm && !imactl_tpm_supported()) {
		imad_log(LOG_ERR, "--tpm: this build has no TPM support (tpm2-tss)");
		imad_config_free(&d.cfg);
		return 2;
	}
	if (d.cfg.tcti && !d.cfg.tpm)
		imad_log(LOG_WARNING, "--tcti without --tpm: no TPM is used");
	if (!d.cfg.n_watch && !d.cfg.check_config) {
		imad_log(LOG_ERR, "nothing to watch: give --watch PATH (or watch = PATH)");
		imad_config_free(&d.cfg);
		return 2;
	}

	d.self = getpid();
	pthread_mutex_init(&d.policy_lock, NULL);
	r = setup(&d, err, sizeof(err));
	if (r < 0) {
		imad_log(LOG_ERR, "%s", err);
		ex = 2;
		goto out;
	}
	if (d.cfg.check_config) {
		ex = check_config(&d);
		goto out;
	}

	if (mkdir(d.cfg.runtime_dir, 0755) < 0 && errno != EEXIST) {
		imad_log(LOG_ERR, "runtime directory '%s': %m", d.cfg.runtime_dir);
		ex = 3;
		goto out;
	}
	imad_policy_write_runtime(&d);
	r = imad_measure_open(&d, err, sizeof(err));
	if (r < 0) {
		imad_log(LOG_ERR, "%s", err);
		ex = 3;
		goto out;
	}
	r = imad_cache_new(d.cfg.cache_entries, &d.cache);
	if (r < 0) {
		ex = 3;
		goto out;
	}

	/* the main thread takes these with sigtimedwait(); every thread inherits the mask */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* a read lease (violation.c's probe) broken in its two-syscall window sends SIGIO */
	signal(SIGIO, SIG_IGN);
	{
		static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGQUIT};
		struct sigaction sa = {.sa_handler = fatal_handler, .sa_flags = SA_RESETHAND};
		for (size_t i = 0; i < ELEMENTSOF(fatal); i++)
			sigaction(fatal[i], &sa, NULL);
	}
	ex = run(&d);
out:
	imad_audit_close();
	imad_measure_close(&d);
	imad_cache_free(d.cache);
	imad_policy_release_all(&d);
	imactl_keyring_free(d.keys);
	imactl_secret_free(d.evm_key);
	imactl_ctx_free(d.ctx);
	imad_config_free(&d.cfg);
	return ex;
}
