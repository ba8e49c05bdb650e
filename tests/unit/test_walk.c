/* SPDX-License-Identifier: MIT */
/*
 * Tree walk: symlinks are not followed below roots, special files are
 * skipped, filters select, every file is visited exactly once whatever the
 * number of workers, a visitor error stops the walk, errors are reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "helpers/testutil.h"
#include "imactl/imactl.h"

#define MAXSEEN 4096

struct seen {
	pthread_mutex_t lock;
	const char *root;
	char *paths[MAXSEEN];
	int count[MAXSEEN];
	size_t n;
	size_t visits;
	int fail_with; /* visitor returns this (negative) when set */
	int bad_fd;    /* fd unusable, content mismatch, or non-blocking */
	int accmode;
	char *err_path[64];
	int err_code[64];
	size_t nerr;
};

static void seen_init(struct seen *s, const char *root)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->root = root;
}

static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->paths[i]);
	for (size_t i = 0; i < s->nerr; i++)
		free(s->err_path[i]);
	pthread_mutex_destroy(&s->lock);
}

static int visit(void *ud, int fd, const char *path, const struct stat *st)
{
	struct seen *s = ud;
	const char *rel = path;
	size_t rl = strlen(s->root);
	char c = 0;
	size_t i;
	int fl = fcntl(fd, F_GETFL);

	if (!strncmp(path, s->root, rl) && path[rl] == '/')
		rel = path + rl + 1;
	/* The fd is open on the file the path and stat name, in blocking mode. */
	if (!S_ISREG(st->st_mode) || fl < 0 || (fl & O_NONBLOCK) ||
	    (st->st_size > 0 && pread(fd, &c, 1, 0) != 1) || (st->st_size > 0 && c != 'c'))
		s->bad_fd = 1;
	pthread_mutex_lock(&s->lock);
	s->visits++;
	s->accmode = fl & O_ACCMODE;
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->paths[i], rel))
			break;
	if (i == s->n && s->n < MAXSEEN)
		s->paths[s->n++] = strdup(rel);
	if (i < MAXSEEN)
		s->count[i]++;
	pthread_mutex_unlock(&s->lock);
	return s->fail_with;
}

static void on_error(void *ud, const char *path, int err, const char *what)
{
	struct seen *s = ud;

	(void)what;
	pthread_mutex_lock(&s->lock);
	if (s->nerr < 64) {
		s->err_path[s->nerr] = strdup(path);
		s->err_code[s->nerr++] = err;
	}
	pthread_mutex_unlock(&s->lock);
}

static int seen_count(const struct seen *s, const char *rel)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->paths[i], rel))
			return s->count[i];
	return 0;
}

static char *tree;    /* the walked tree */
static char *outside; /* a directory only reachable through a symlink */
static int have_device;

static void mkfile(const char *rel, mode_t mode)
{
	const char *p = tu_path(tree, rel);

	tu_write(p, "content", 7);
	assert_int_equal(chmod(p, mode), 0);
}

static int setup(void **state)
{
	(void)state;
	tree = tu_mkdtemp();
	outside = tu_mkdtemp();
	assert_int_equal(mkdir(tu_path(tree, "sub"), 0755), 0);
	assert_int_equal(mkdir(tu_path(tree, "sub/deeper"), 0755), 0);
	assert_int_equal(mkdir(tu_path(tree, "empty"), 0755), 0);
	mkfile("a.txt", 0755);
	mkfile("b.dat", 0644);
	mkfile("sub/c.txt", 0644);
	mkfile("sub/deeper/d.txt", 0600);
	mkfile("sub/deeper/e.bin", 0750);
	tu_write(tu_path(outside, "secret.txt"), "content", 7);
	/* Symlinks below the root: to a file, to a directory inside, to one outside. */
	assert_int_equal(symlink("a.txt", tu_path(tree, "link-file")), 0);
	assert_int_equal(symlink("sub", tu_path(tree, "link-dir")), 0);
	assert_int_equal(symlink(outside, tu_path(tree, "link-outside")), 0);
	assert_int_equal(symlink("/nonexistent", tu_path(tree, "dangling")), 0);
	/* Special files: a fifo (would block an open without O_NONBLOCK), a device. */
	assert_int_equal(mkfifo(tu_path(tree, "fifo"), 0644), 0);
	have_device = mknod(tu_path(tree, "null"), S_IFCHR | 0666, makedev(1, 3)) == 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(tree);
	tu_rmtree(outside);
	return 0;
}

static const char *const all_files[] = {"a.txt", "b.dat", "sub/c.txt", "sub/deeper/d.txt",
					"sub/deeper/e.bin"};

static void run(struct seen *s, const char *const *roots, size_t n, const imactl_walk_opts *o,
		int want)
{
	assert_int_equal(imactl_walk(roots, n, o, visit, on_error, s), want);
}

static void expect_exactly(const struct seen *s, const char *const *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (seen_count(s, files[i]) != 1)
			fail_msg("'%s' visited %d times", files[i], seen_count(s, files[i]));
	if (s->n != n) {
		for (size_t i = 0; i < s->n; i++)
			print_message("visited: %s\n", s->paths[i]);
		fail_msg("%zu files visited, expected %zu", s->n, n);
	}
	assert_int_equal(s->visits, n);
}

static void test_recursive(void **state)
{
	const char *roots[] = {tree};
	imactl_walk_opts o = {.recursive = 1, .jobs = 4};
	struct seen s;

	(void)state;
	seen_init(&s, tree);
	run(&s, roots, 1, &o, 0);
	/* No symlink target (link-file, link-dir/..., link-outside/secret.txt), fifo or device. */
	expect_exactly(&s, all_files, 5);
	assert_int_equal(s.bad_fd, 0);
	assert_int_equal(s.accmode, O_RDONLY);
	/* Skipping special files and symlinks is silent. */
	assert_int_equal(s.nerr, 0);
	seen_free(&s);
	(void)have_device;
}

static void test_not_recursive(void **state)
{
	const char *roots[] = {tree, NULL, NULL};
	imactl_walk_opts o = {.jobs = 2};
	struct seen s;
	char a[4096], c[4096];

	(void)state;
	/* A directory root without -r: an error, nothing visited. */
	seen_init(&s, tree);
	run(&s, roots, 1, &o, 0);
	assert_int_equal(s.visits, 0);
	assert_int_equal(s.nerr, 1);
	assert_int_equal(s.err_code[0], -EISDIR);
	seen_free(&s);

	/* File roots are visited, including a symlink the user named. */
	snprintf(a, sizeof(a), "%s/link-file", tree);
	snprintf(c, sizeof(c), "%s/sub/c.txt", tree);
	roots[0] = a;
	roots[1] = c;
	seen_init(&s, tree);
	run(&s, roots, 2, &o, 0);
	{
		static const char *const want[] = {"link-file", "sub/c.txt"};
		expect_exactly(&s, want, 2);
	}
	seen_free(&s);

	/* A fifo named as a root: reported, not opened for blocking reads. */
	snprintf(a, sizeof(a), "%s/fifo", tree);
	roots[0] = a;
	seen_init(&s, tree);
	run(&s, roots, 1, &o, 0);
	assert_int_equal(s.visits, 0);
	assert_int_equal(s.nerr, 1);
	assert_true(s.err_code[0] < 0);
	seen_free(&s);
}

/* A root that is a symlink to a directory is followed; nothing below it is. */
static void test_root_symlink(void **state)
{
	char root[4096];
	const char *roots[] = {root};
	imactl_walk_opts o = {.recursive = 1, .jobs = 3};
	struct seen s;
	static const char *const want[] = {"c.txt", "deeper/d.txt", "deeper/e.bin"};

	(void)state;
	snprintf(root, sizeof(root), "%s/link-dir", tree);
	seen_init(&s, root);
	run(&s, roots, 1, &o, 0);
	expect_exactly(&s, want, 3);
	seen_free(&s);
}

static void test_filters(void **state)
{
	const char *roots[] = {tree};
	imactl_walk_opts o = {.recursive = 1, .jobs = 2};
	struct seen s;

	(void)state;
	o.filter_executable = 1;
	seen_init(&s, tree);
	run(&s, roots, 1, &o, 0);
	{
		static const char *const want[] = {"a.txt", "sub/deeper/e.bin"};
		expect_exactly(&s, want, 2);
	}
	seen_free(&s);

	o.filter_executable = 0;
	o.name_glob = "*.txt";
	seen_init(&s, tree);
	run(&s, roots, 1, &o, 0);
	{
		static const char *const want[] = {"a.txt", "sub/c.txt", "sub/deeper/d.txt"};
		expect_exactly(&s, want, 3);
	}
	seen_free(&s);

	/* The glob matches the basename, not the path. */
	o.name_glob = "sub*";
	seen_init(&s, tree);
	run(&s, roots, 1, &o, 0);
	assert_int_equal(s.visits, 0);
	seen_free(&s);
	o.name_glob = NULL;

	/* Filesystem magic of the tree's own filesystem: everything; another: nothing. */
	{
		struct statfs sf;
		assert_int_equal(statfs(tree, &sf), 0);
		o.filter_fstype = 1;
		o.fstype_magic = (unsigned long)sf.f_type;
		seen_init(&s, tree);
		run(&s, roots, 1, &o, 0);
		expect_exactly(&s, all_files, 5);
		seen_free(&s);
		o.fstype_magic = (unsigned long)sf.f_type ^ 0x1;
		seen_init(&s, tree);
		run(&s, roots, 1, &o, 0);
		assert_int_equal(s.visits, 0);
		seen_free(&s);
		o.filter_fstype = 0;
	}
}

static void test_filter_uid(void **state)
{
	const char *roots[] = {tree};
	imactl_walk_opts o = {.recursive = 1, .jobs = 2, .filter_uid = 1};
	struct seen s;
	const uid_t other = 54321;

	(void)state;
	if (chown(tu_path(tree, "b.dat"), other, (gid_t)-1) < 0)
		skip(); /* needs CAP_CHOWN */
	o.uid = other;
	seen_init(&s, tree);
	run(&s, roots, 1, &o, 0);
	{
		static const char *const want[] = {"b.dat"};
		expect_exactly(&s, want, 1);
	}
	seen_free(&s);
	o.uid = getuid();
	seen_init(&s, tree);
	run(&s, roots, 1, &o, 0);
	{
		static const char *const want[] = {"a.txt", "sub/c.txt", "sub/deeper/d.txt",
						   "sub/deeper/e.bin"};
		expect_exactly(&s, want, 4);
	}
	seen_free(&s);
	assert_int_equal(chown(tu_path(tree, "b.dat"), getuid(), (gid_t)-1), 0);
}

static void test_open_flags(void **state)
{
	const char *roots[] = {tree};
	imactl_walk_opts o = {.recursive = 1, .jobs = 1, .open_flags = O_RDWR};
	struct seen s;

	(void)state;
	seen_init(&s, tree);
	run(&s, roots, 1, &o, 0);
	assert_int_equal(s.visits, 5);
	assert_int_equal(s.accmode, O_RDWR);
	seen_free(&s);
}

/* Many files in many directories (more than the queue holds), 1..8 workers. */
static void test_exactly_once(void **state)
{
	char *big = tu_mkdtemp();
	const char *roots[] = {big};
	static const int jobs[] = {1, 2, 3, 8, 0};
	const int ndirs = 12, nfiles = 150;
	struct seen *s = malloc(sizeof(*s));

	(void)state;
	assert_non_null(s);
	for (int d = 0; d < ndirs; d++) {
		char dn[64];
		snprintf(dn, sizeof(dn), "d%02d", d);
		assert_int_equal(mkdir(tu_path(big, dn), 0755), 0);
		for (int f = 0; f < nfiles; f++) {
			char fn[128];
			snprintf(fn, sizeof(fn), "%s/d%02d/f%03d", big, d, f);
			tu_write(fn, "c", 1);
		}
	}
	for (size_t j = 0; j < sizeof(jobs) / sizeof(jobs[0]); j++) {
		imactl_walk_opts o = {.recursive = 1, .jobs = jobs[j]};
		seen_init(s, big);
		run(s, roots, 1, &o, 0);
		assert_int_equal(s->n, (size_t)(ndirs * nfiles));
		assert_int_equal(s->visits, (size_t)(ndirs * nfiles));
		for (size_t i = 0; i < s->n; i++)
			assert_int_equal(s->count[i], 1);
		assert_int_equal(s->bad_fd, 0);
		seen_free(s);
	}
	/* The same tree named twice is walked twice: roots are not deduplicated. */
	{
		const char *two[] = {big, big};
		imactl_walk_opts o = {.recursive = 1, .jobs = 4};
		seen_init(s, big);
		run(s, two, 2, &o, 0);
		assert_int_equal(s->visits, (size_t)(2 * ndirs * nfiles));
		seen_free(s);
	}
	/* A visitor error stops the walk and is returned. */
	{
		imactl_walk_opts o = {.recursive = 1, .jobs = 1};
		seen_init(s, big);
		s->fail_with = -EIO;
		run(s, roots, 1, &o, -EIO);
		assert_int_equal(s->visits, 1);
		seen_free(s);
		o.jobs = 4;
		seen_init(s, big);
		s->fail_with = -ENOSPC;
		run(s, roots, 1, &o, -ENOSPC);
		assert_true(s->visits >= 1 && s->visits <= 4);
		seen_free(s);
	}
	free(s);
	tu_rmtree(big);
}

static void test_missing_root(void **state)
{
	char missing[4096];
	const char *roots[] = {missing, tree};
	imactl_walk_opts o = {.recursive = 1, .jobs = 2};
	struct seen s;

	(void)state;
	snprintf(missing, sizeof(missing), "%s/does-not-exist", tree);
	seen_init(&s, tree);
	run(&s, roots, 2, &o, 0);
	assert_int_equal(s.nerr, 1);
	assert_string_equal(s.err_path[0], missing);
	assert_int_equal(s.err_code[0], -ENOENT);
	/* The other root is still walked. */
	expect_exactly(&s, all_files, 5);
	seen_free(&s);
}

static void test_fstype_magic(void **state)
{
	unsigned long m = 0;

	(void)state;
	/* Values from include/uapi/linux/magic.h. */
	assert_int_equal(imactl_fstype_magic("ext4", &m), 0);
	assert_int_equal(m, 0xEF53);
	assert_int_equal(imactl_fstype_magic("tmpfs", &m), 0);
	assert_int_equal(m, 0x01021994);
	assert_int_equal(imactl_fstype_magic("xfs", &m), 0);
	assert_int_equal(m, 0x58465342);
	assert_int_equal(imactl_fstype_magic("btrfs", &m), 0);
	assert_int_equal(m, 0x9123683E);
	assert_int_equal(imactl_fstype_magic("overlay", &m), 0);
	assert_int_equal(m, 0x794c7630);
	assert_int_equal(imactl_fstype_magic("nosuchfs", &m), -EOPNOTSUPP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recursive),    cmocka_unit_test(test_not_recursive),
		cmocka_unit_test(test_root_symlink), cmocka_unit_test(test_filters),
		cmocka_unit_test(test_filter_uid),   cmocka_unit_test(test_open_flags),
		cmocka_unit_test(test_exactly_once), cmocka_unit_test(test_missing_root),
		cmocka_unit_test(test_fstype_magic),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
