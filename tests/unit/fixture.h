/*
 * fixture.h - the cmocka fixture every unit test shares: a fresh
 * compilation context per test (setup) and its release (teardown).
 * Include after <cmocka.h>.
 */
#ifndef ORCHC_TEST_FIXTURE_H
#define ORCHC_TEST_FIXTURE_H

#include <stdlib.h>

#include "orchc.h"

static int setup(void **state)
{
	struct orchc_ctx *ctx = malloc(sizeof *ctx);
	if (!ctx)
		return -1;
	orchc_ctx_init(ctx);
	*state = ctx;
	return 0;
}

static int teardown(void **state)
{
	orchc_ctx_release(*state);
	free(*state);
	return 0;
}

/* How many diagnostics with `code` were reported. */
static inline unsigned count_code(const struct orchc_ctx *ctx, enum diag_code code)
{
	unsigned n = 0;
	for (size_t i = 0; i < ctx->diags.items.len; i++)
		n += ctx->diags.items.items[i]->code == code;
	return n;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

#endif
