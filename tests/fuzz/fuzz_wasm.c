/*
 * fuzz_wasm.c - the libFuzzer target of the WebAssembly binary reader: any
 * bytes are read as a module.  On success every type's parameters and
 * results are touched, and every export is looked up again by its name and,
 * for a function, its signature is fetched, so an index or pointer the
 * reader let through unchecked shows as an out-of-bounds read.  Crashes,
 * leaks, undefined behaviour and broken invariants (abort) are findings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_binary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What was read goes here, so that the reads are not optimised away. */
static volatile unsigned sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wasm_module m;
	struct wasm_error err = { 0, "" };
	if (!wasm_read(data, size, &m, &err)) {
		if (err.offset > size || !memchr(err.message, '\0', sizeof err.message))
			abort();
		return 0;
	}
	unsigned sum = 0;
	for (uint32_t i = 0; i < m.ntypes; i++) {
		const struct wasm_functype *t = &m.types[i];
		for (uint32_t k = 0; k < t->nparams; k++)
			sum += wasm_type_name(t->params[k])[0];
		for (uint32_t k = 0; k < t->nresults; k++)
			sum += wasm_type_name(t->results[k])[0];
	}
	if (m.nfunc_imports > m.nimports)
		abort();
	/* The first and last import and defined function, and one past. */
	uint32_t nf = m.nfunc_imports + m.nfuncs;
	const uint32_t probe[] = { 0, m.nfunc_imports - 1, m.nfunc_imports, nf - 1 };
	for (size_t i = 0; i < sizeof probe / sizeof probe[0]; i++)
		if (probe[i] < nf && !wasm_func_type(&m, probe[i]))
			abort();
	if (wasm_func_type(&m, nf))
		abort();
	for (uint32_t i = 0; i < m.nexports; i++) {
		const struct wasm_export *x = &m.exports[i];
		sum += wasm_kind_name(x->kind)[0];
		if (x->kind == WASM_FUNC) {
			const struct wasm_functype *t = wasm_func_type(&m, x->index);
			if (!t)
				abort();
			sum += t->nparams + t->nresults;
		}
		char *name = malloc((size_t)x->name.len + 1);
		if (!name)
			abort();
		memcpy(name, x->name.ptr, x->name.len);
		name[x->name.len] = '\0';
		/* A name with U+0000 in it cannot be asked for as a C string. */
		if (!memchr(name, '\0', x->name.len) && wasm_find_export(&m, name) != x)
			abort();
		free(name);
	}
	sink = sum;
	wasm_module_release(&m);
	return 0;
}
