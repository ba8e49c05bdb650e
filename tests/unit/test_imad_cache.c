/* SPDX-License-Identifier: MIT */
/* imad's appraisal cache (src/imad/cache.c): keying, settling, bounds, CLOCK eviction. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/testutil.h"
#include "imad.h"

static struct imad_entry entry(uint64_t ino, int64_t mtime)
{
	struct imad_entry e;

	memset(&e, 0, sizeof(e));
	e.key.dev = 8;
	e.key.ino = ino;
	e.key.mtime_ns = mtime;
	e.key.ctime_ns = mtime;
	e.key.size = 4096;
	e.gen = 1;
	e.algo = -1;
	e.elf_dso = -1;
	return e;
}

static void test_lookup_needs_same_key(void **state)
{
	struct imad_cache *c;
	struct imad_entry e = entry(10, 100), out, changed = entry(10, 200);

	(void)state;
	assert_int_equal(imad_cache_new(64, &c), 0);
	assert_int_equal(imad_cache_lookup(c, &e.key, &out), 0);
	e.algo = 4;
	e.digest[0] = 0xab;
	imad_cache_store(c, &e);
	assert_int_equal(imad_cache_lookup(c, &e.key, &out), 1);
	assert_int_equal(out.algo, 4);
	assert_int_equal(out.digest[0], 0xab);
	/* the file changed (mtime): a miss, and the stale entry is gone */
	assert_int_equal(imad_cache_lookup(c, &changed.key, &out), 0);
	assert_int_equal(imad_cache_size(c), 0);
	assert_int_equal(imad_cache_lookup(c, &e.key, &out), 0);
	imad_cache_free(c);
}

static void test_settled_per_hook_and_generation(void **state)
{
	struct imad_cache *c;
	struct imad_entry e = entry(11, 100);

	(void)state;
	assert_int_equal(imad_cache_new(64, &c), 0);
	assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_READ), 0);
	imad_cache_settle(c, &e, IMAD_HOOK_READ);
	assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_READ), 1);
	/* another hook, another policy generation, a changed file: not settled */
	assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_BPRM), 0);
	assert_int_equal(imad_cache_settled(c, &e.key, 2, IMAD_HOOK_READ), 0);
	e.key.size = 1;
	assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_READ), 0);
	e.key.size = 4096;
	imad_cache_settle(c, &e, IMAD_HOOK_BPRM);
	assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_BPRM | IMAD_HOOK_READ), 1);
	/* a close after a write drops it */
	imad_cache_invalidate(c, e.key.dev, e.key.ino);
	assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_READ), 0);
	imad_cache_free(c);
}

static void test_bounded_and_clock(void **state)
{
	struct imad_cache *c;
	struct imad_entry e, out;
	const size_t max = 64;

	(void)state;
	assert_int_equal(imad_cache_new(max, &c), 0);
	for (uint64_t i = 0; i < max; i++) {
		e = entry(1000 + i, 1);
		imad_cache_store(c, &e);
	}
	assert_int_equal(imad_cache_size(c), max);
	/* one more evicts exactly one entry; the cache never grows past max */
	e = entry(5000, 1);
	imad_cache_store(c, &e);
	assert_int_equal(imad_cache_size(c), max);
	assert_int_equal(imad_cache_lookup(c, &e.key, &out), 1);
	/* the sweep cleared every reference bit and evicted the oldest (1000): the
	 * hand now points at 1001.  Entries used since survive the next
	 * insertions, however close to the hand; the others go first */
	for (uint64_t i = 0; i < 8; i++) {
		e = entry(1001 + i, 1);
		assert_int_equal(imad_cache_lookup(c, &e.key, &out), 1);
	}
	for (uint64_t i = 0; i < max - 10; i++) {
		e = entry(9000 + i, 1);
		imad_cache_store(c, &e);
		assert_true(imad_cache_size(c) <= max);
	}
	for (uint64_t i = 0; i < 8; i++) {
		e = entry(1001 + i, 1);
		assert_int_equal(imad_cache_lookup(c, &e.key, &out), 1);
	}
	e = entry(1009, 1); /* unused since the sweep: evicted */
	assert_int_equal(imad_cache_lookup(c, &e.key, &out), 0);
	imad_cache_clear(c);
	assert_int_equal(imad_cache_size(c), 0);
	/* usable after a clear, and a free list in use */
	for (uint64_t i = 0; i < 3 * max; i++) {
		e = entry(20000 + i, 1);
		imad_cache_store(c, &e);
	}
	assert_int_equal(imad_cache_size(c), max);
	e = entry(20000 + 3 * max - 1, 1);
	assert_int_equal(imad_cache_lookup(c, &e.key, &out), 1);
	imad_cache_free(c);
}

/* 16 slots, 16 settled entries: hint slots collide, every answer stays exact */
static void test_hints_collide(void **state)
{
	struct imad_cache *c;
	struct imad_entry e, out;

	(void)state;
	assert_int_equal(imad_cache_new(16, &c), 0);
	for (uint64_t i = 0; i < 16; i++) {
		e = entry(100 + i * 7, 1);
		imad_cache_settle(c, &e, IMAD_HOOK_READ);
	}
	for (int pass = 0; pass < 2; pass++)
		for (uint64_t i = 0; i < 16; i++) {
			e = entry(100 + i * 7, 1);
			assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_READ), 1);
			assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_BPRM), 0);
		}
	for (uint64_t i = 0; i < 16; i += 2) {
		e = entry(100 + i * 7, 1);
		imad_cache_invalidate(c, e.key.dev, e.key.ino);
	}
	for (uint64_t i = 0; i < 16; i++) {
		e = entry(100 + i * 7, 1);
		assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_READ), (int)(i % 2));
	}
	/* an entry re-stored unsettled (new generation) is no longer settled */
	e = entry(100 + 1 * 7, 1);
	assert_int_equal(imad_cache_lookup(c, &e.key, &out), 1);
	out.settled = 0;
	out.gen = 2;
	imad_cache_store(c, &out);
	assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_READ), 0);
	assert_int_equal(imad_cache_settled(c, &e.key, 2, IMAD_HOOK_READ), 0);
	/* a changed file (other mtime) is a miss, and the old key's hint is gone */
	e = entry(100 + 3 * 7, 1);
	out = entry(100 + 3 * 7, 5);
	assert_int_equal(imad_cache_lookup(c, &out.key, &out), 0);
	assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_READ), 0);
	/* evictions: 32 more settled entries, the cache stays bounded and exact */
	for (uint64_t i = 0; i < 32; i++) {
		e = entry(5000 + i, 1);
		imad_cache_settle(c, &e, IMAD_HOOK_BPRM);
		assert_true(imad_cache_size(c) <= 16);
		assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_BPRM), 1);
	}
	for (uint64_t i = 0; i < 16; i++) {
		e = entry(100 + i * 7, 1);
		assert_int_equal(imad_cache_settled(c, &e.key, 1, IMAD_HOOK_READ), 0);
	}
	imad_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_needs_same_key),
		cmocka_unit_test(test_settled_per_hook_and_generation),
		cmocka_unit_test(test_bounded_and_clock),
		cmocka_unit_test(test_hints_collide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
