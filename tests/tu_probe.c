/* tu_probe.c: a test program whose outcome the caller picks, for
 * test_testutil's check that TU_RUN_GROUP's exit status reaches CTest as
 * what happened. TU_PROBE unset: one case passes. "skip": one passes, one
 * skips. "fail": one fails, one skips. Registered with CTest like every
 * test (tests/CMakeLists.txt), so its plain run passes. */
#include <stdlib.h>

#include "testutil.h"

static void test_passes(void **state)
{
	ASSERT_EQ(1 + 1, 2);
}

static void test_maybe_skips(void **state)
{
	const char *mode = getenv("TU_PROBE");
	if (mode && (!strcmp(mode, "skip") || !strcmp(mode, "fail")))
		skip();
}

static void test_maybe_fails(void **state)
{
	const char *mode = getenv("TU_PROBE");
	if (mode && !strcmp(mode, "fail"))
		fail_msg("TU_PROBE=fail");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passes),
		cmocka_unit_test(test_maybe_skips),
		cmocka_unit_test(test_maybe_fails),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}
