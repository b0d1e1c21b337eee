/*
 * test_cron.c - the cron expression checker: what it accepts, and the exact
 * reason it gives for everything it rejects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cron.h"

static void accepts_valid_expressions(void **state)
{
	(void)state;
	static const char *const valid[] = {
		"* * * * *",
		"0 3 * * *",
		"10 0 * * *",
		"59 23 31 12 7",
		"0 0 1 1 0",
		"  0 3 * * *  ",
		"0\t3\t*\t*\t*",
		"0  3 *   * *",
		"*/5 * * * *",
		"*/59 */23 */30 */11 */7",
		"0-59/15 0-23/6 1-31/2 1-12/3 0-7/2",
		"1,2,3 4,5 6,7 8,9 1,2",
		"0,30 9-17 * * MON-FRI",
		"0 0 * JAN-MAR,OCT sun,sat",
		"0 0 * jan mon",
		"0 0 * Dec Sat",
		"0 0 1 * *",
		"5 4 * * sun",
		"0 22 * * 1-5",
		"23 0-20/2 * * *",
		"0 0 29 2 *",      /* leap years */
		"0 0 31 1,2 *",    /* January has a 31st */
		"0 0 31 2 MON",    /* day-of-week set: fires on Mondays */
		"0 0 30 2 */2",    /* a stepped day-of-week is not `*` either */
		"00 03 01 01 00",  /* leading zeros */
		"0 0 * * 0-7",
		"1-1 2-2 3-3 4-4 5-5",
		"*,1 * * * *",
		"@yearly",
		"@annually",
		"@monthly",
		"@weekly",
		"@daily",
		"@midnight",
		"@hourly",
		"  @daily\t",
	};
	for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		char why[128] = "untouched";
		if (!cron_check(valid[i], strlen(valid[i]), why, sizeof why))
			fail_msg("'%s' rejected: %s", valid[i], why);
		assert_string_equal(why, "untouched");
	}
}

struct bad {
	const char *expr;
	const char *why;
};

static const struct bad bad[] = {
	{ "", "empty expression" },
	{ " \t ", "empty expression" },
	{ "* * * *", "expected 5 fields, found 4" },
	{ "0 * * * * *", "expected 5 fields, found 6" },
	{ "0", "expected 5 fields, found 1" },
	{ "0 0 * * * /bin/true", "expected 5 fields, found 6" },

	{ "60 * * * *", "minute field: 60 is out of range 0-59" },
	{ "0 24 * * *", "hour field: 24 is out of range 0-23" },
	{ "0 0 0 * *", "day-of-month field: 0 is out of range 1-31" },
	{ "0 0 32 * *", "day-of-month field: 32 is out of range 1-31" },
	{ "0 0 * 0 *", "month field: 0 is out of range 1-12" },
	{ "0 0 * 13 *", "month field: 13 is out of range 1-12" },
	{ "0 0 * * 8", "day-of-week field: 8 is out of range 0-7" },
	{ "0 024 * * *", "hour field: 024 is out of range 0-23" },
	{ "99999999999999999999 * * * *",
	  "minute field: 99999999999999999999 is out of range 0-59" },
	{ "1,2,60 * * * *", "minute field: 60 is out of range 0-59" },
	{ "0 5-24 * * *", "hour field: 24 is out of range 0-23" },

	{ "0 mon * * *", "hour field: 'mon' is not a number" },
	{ "5x * * * *", "minute field: '5x' is not a number" },
	{ "0 0 * foo *", "month field: 'foo' is not a month (1-12 or JAN-DEC)" },
	{ "0 0 * JANUARY *", "month field: 'JANUARY' is not a month (1-12 or JAN-DEC)" },
	{ "0 0 * * sunday", "day-of-week field: 'sunday' is not a day (0-7 or SUN-SAT)" },
	{ "0 0 * * JAN", "day-of-week field: 'JAN' is not a day (0-7 or SUN-SAT)" },
	{ "0 0 * MON *", "month field: 'MON' is not a month (1-12 or JAN-DEC)" },

	{ "0 22-2 * * *", "hour field: range 22-2 ends before it starts" },
	{ "0 0 * * FRI-MON", "day-of-week field: range FRI-MON ends before it starts" },
	{ "0 0 * DEC-JAN/2 *", "month field: range DEC-JAN ends before it starts" },

	{ "5/10 * * * *", "minute field: '5/10' has a step but no range (write */n or a-b/n)" },
	{ "*/0 * * * *", "minute field: step 0 is out of range 1-59" },
	{ "*/60 * * * *", "minute field: step 60 is out of range 1-59" },
	{ "0 */24 * * *", "hour field: step 24 is out of range 1-23" },
	{ "0 0 */31 * *", "day-of-month field: step 31 is out of range 1-30" },
	{ "0 0 * */12 *", "month field: step 12 is out of range 1-11" },
	{ "0 0 * * */8", "day-of-week field: step 8 is out of range 1-7" },
	{ "*/ * * * *", "minute field: missing step after '/' in '*/'" },
	{ "*/x * * * *", "minute field: step 'x' is not a number" },
	{ "*/5/2 * * * *", "minute field: unexpected '/' in '*/5/2'" },
	{ "0-10/2-3 * * * *", "minute field: unexpected '-' in '0-10/2-3'" },

	{ "1,,2 * * * *", "minute field: empty list item in '1,,2'" },
	{ "1, * * * *", "minute field: empty list item in '1,'" },
	{ ",1 * * * *", "minute field: empty list item in ',1'" },
	{ "5- * * * *", "minute field: missing value in '5-'" },
	{ "-5 * * * *", "minute field: missing value in '-5'" },
	{ "1-2-3 * * * *", "minute field: unexpected '-' in '1-2-3'" },
	{ "*-5 * * * *", "minute field: unexpected '-' in '*-5'" },
	{ "** * * * *", "minute field: unexpected '*' in '**'" },
	{ "0 0 ? * *", "day-of-month field: unexpected '?' in '?'" },
	{ "0 0 L * *", "day-of-month field: 'L' is not a number" },
	{ "0 0 * * 5#3", "day-of-week field: unexpected '#' in '5#3'" },
	{ "1.5 * * * *", "minute field: unexpected '.' in '1.5'" },
	{ "1\xE2\x80\x93" "5 * * * *", /* an en dash pasted from a document */
	  "minute field: unexpected '\xE2\x80\x93' in '1\xE2\x80\x93" "5'" },
	{ "1\xFF * * * *", "minute field: unexpected '\\xFF' in '1\\xFF'" },
	{ "0 0 * * *\n", "day-of-week field: unexpected '\\x0A' in '*\\x0A'" },

	{ "0 0 30 2 *", "day-of-month field: '30' never occurs in month '2'" },
	{ "0 0 30,31 FEB *", "day-of-month field: '30,31' never occurs in month 'FEB'" },
	{ "0 0 31 4,6,9,11 *", "day-of-month field: '31' never occurs in month '4,6,9,11'" },

	{ "@reboot", "unknown macro '@reboot' (expected @yearly, @annually, @monthly, "
		     "@weekly, @daily, @midnight or @hourly)" },
	{ "@Daily", "unknown macro '@Daily' (expected @yearly, @annually, @monthly, "
		    "@weekly, @daily, @midnight or @hourly)" },
	{ "@", "unknown macro '@' (expected @yearly, @annually, @monthly, "
	       "@weekly, @daily, @midnight or @hourly)" },
	{ "@daily 0 3", "unexpected '0 3' after @daily" },
};

static void rejects_with_exact_reason(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char why[256] = "";
		if (cron_check(bad[i].expr, strlen(bad[i].expr), why, sizeof why))
			fail_msg("'%s' accepted", bad[i].expr);
		assert_string_equal(why, bad[i].why);
	}
}

/* The first bad field is the one reported. */
static void first_error_wins(void **state)
{
	(void)state;
	char why[128];
	assert_false(cron_check("60 24 * * *", 11, why, sizeof why));
	assert_string_equal(why, "minute field: 60 is out of range 0-59");
	assert_false(cron_check("0 1,24,25 * * *", 15, why, sizeof why));
	assert_string_equal(why, "hour field: 24 is out of range 0-23");
}

/* Only `len` bytes are read: the expression need not be NUL-terminated,
 * and an embedded NUL is just another bad byte. */
static void reads_exactly_len_bytes(void **state)
{
	(void)state;
	char why[128];
	const char buf[] = "0 3 * * *99";
	assert_true(cron_check(buf, 9, why, sizeof why));
	assert_false(cron_check(buf, sizeof buf - 1, why, sizeof why));
	assert_string_equal(why, "day-of-week field: unexpected '9' in '*99'");
	assert_false(cron_check("0 3 * * \0", 9, why, sizeof why));
	assert_string_equal(why, "day-of-week field: unexpected '\\x00' in '\\x00'");
	assert_false(cron_check("@daily", 3, why, sizeof why));
	assert_string_equal(why, "unknown macro '@da' (expected @yearly, @annually, "
				 "@monthly, @weekly, @daily, @midnight or @hourly)");
}

static void truncates_the_reason(void **state)
{
	(void)state;
	char why[12];
	memset(why, 'x', sizeof why);
	assert_false(cron_check("0 24 * * *", 10, why, 8));
	assert_string_equal(why, "hour fi");
	assert_int_equal(why[8], 'x');
	why[0] = 'x';
	assert_false(cron_check("0 24 * * *", 10, why, 1));
	assert_int_equal(why[0], '\0');
	assert_int_equal(why[1], 'o');
	assert_false(cron_check("0 24 * * *", 10, NULL, 0));
	assert_true(cron_check("0 23 * * *", 10, NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_valid_expressions),
		cmocka_unit_test(rejects_with_exact_reason),
		cmocka_unit_test(first_error_wins),
		cmocka_unit_test(reads_exactly_len_bytes),
		cmocka_unit_test(truncates_the_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
