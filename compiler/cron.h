/*
 * cron.h - validation of cron schedule expressions (the `cron` type).
 *
 * The checker accepts what Kubernetes CronJobs and Vixie cron agree on, so
 * a schedule that passes here runs the same way under every target.  It is
 * a pure function of its input: no allocation, no locale, no global state.
 */
#ifndef ORCHC_CRON_H
#define ORCHC_CRON_H

#include <stdbool.h>
#include <stddef.h>

/**
 * Checks the `len` bytes at `expr` (need not be NUL-terminated) as a cron
 * schedule and returns true when it is valid.
 *
 * Accepted: one of the macros @yearly @annually @monthly @weekly @daily
 * @midnight @hourly (lower case, alone), or five fields separated by spaces
 * or tabs (leading and trailing blanks are ignored):
 *
 *     minute 0-59   hour 0-23   day-of-month 1-31   month 1-12 or JAN-DEC
 *     day-of-week 0-7 or SUN-SAT (0 and 7 are both Sunday)
 *
 * Each field is a comma-separated list of items; an item is `*`, a value,
 * or a range `a-b` (a <= b), and `*` or a range may take a step `/n`.
 * Month and day names are three letters, any case, and may be range ends.
 * A step must lie in 1..(max - min) of its field: a minute step of 60 would
 * fire only at minute 0, which is never what its author meant.  When the
 * day-of-week field is `*`, a day-of-month list that no chosen month
 * reaches (`0 0 30 2 *`) is rejected because the schedule never fires.
 *
 * On failure a one-line reason naming the field and the offending text,
 * e.g. "hour field: 24 is out of range 0-23" or "expected 5 fields, found
 * 6", is written to `why`: at most `whylen` bytes including the NUL,
 * truncated if longer.  `why` may be NULL when `whylen` is 0.  On success
 * `why` is left untouched.
 */
bool cron_check(const char *expr, size_t len, char *why, size_t whylen);

#endif
