/*
 * test_wasm.c - the WebAssembly binary reader: what it reads from a valid
 * module, and that every malformed binary is refused cleanly with the
 * offset of the first bad byte.  Inputs are built here byte by byte; the
 * failing ones are copied into a buffer of exactly their size, so that a
 * read past the end shows under AddressSanitizer (make check-asan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_binary.h"

#define HDR 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00

/* One type, () -> (), at offsets 8..13. */
#define TYPE_VOID 0x01, 0x04, 0x01, 0x60, 0x00, 0x00
/* One function of type 0, at offsets 14..17 (after TYPE_VOID). */
#define FUNC_ONE 0x03, 0x02, 0x01, 0x00
/* One body for it. */
#define CODE_ONE 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b

/*
 * A module with a custom section before, between and after the others:
 * two types, a function and a memory import, two functions, a second
 * memory (multi-memory), three exports and the code.  The offsets are in
 * the comments; wasm-validate --enable-multi-memory accepts it.
 */
static const uint8_t valid[] = {
	HDR,
	/* 8: custom "note" */
	0x00, 0x05, 0x04, 'n', 'o', 't', 'e',
	/* 15: type section: 0 (i32) -> (i32), 1 (i64, f32) -> () */
	0x01, 0x0b, 0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7e, 0x7d, 0x00,
	/* 28: import section: env.log (function, type 1), env.mem (memory, min 2) */
	0x02, 0x16, 0x02,
	0x03, 'e', 'n', 'v', 0x03, 'l', 'o', 'g', 0x00, 0x01,
	0x03, 'e', 'n', 'v', 0x03, 'm', 'e', 'm', 0x02, 0x00, 0x02,
	/* 52: function section: function 1 has type 0, function 2 type 1 */
	0x03, 0x03, 0x02, 0x00, 0x01,
	/* 57: custom "mid" with two bytes of payload */
	0x00, 0x06, 0x03, 'm', 'i', 'd', 0xaa, 0xbb,
	/* 65: memory section: one memory, min 1 max 4 */
	0x05, 0x04, 0x01, 0x01, 0x01, 0x04,
	/* 71: export section: add = function 1, log = function 0, memory = memory 0 */
	0x07, 0x16, 0x03,
	0x03, 'a', 'd', 'd', 0x00, 0x01,
	0x03, 'l', 'o', 'g', 0x00, 0x00,
	0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00,
	/* 95: code section: (local.get 0), () */
	0x0a, 0x09, 0x02, 0x04, 0x00, 0x20, 0x00, 0x0b, 0x02, 0x00, 0x0b,
	/* 106: custom "end" */
	0x00, 0x04, 0x03, 'e', 'n', 'd',
	/* 112 */
};

static bool name_is(struct wasm_name n, const char *s)
{
	return n.len == strlen(s) && memcmp(n.ptr, s, n.len) == 0;
}

/* `m` after a failed read: nothing to release. */
static bool is_empty(const struct wasm_module *m)
{
	return !m->types && !m->ntypes && !m->imports && !m->nimports && !m->nfunc_imports &&
	       !m->funcs && !m->nfuncs && !m->exports && !m->nexports && !m->has_memory &&
	       !m->memory_min;
}

/*
 * Reads `n` bytes from a heap copy of exactly that size and checks the
 * read fails at `offset` with a message containing `want`.
 */
static void expect_error_at(const uint8_t *bytes, size_t n, size_t offset, const char *want,
			    int line)
{
	uint8_t *copy = malloc(n ? n : 1);
	if (!copy) {
		_fail(__FILE__, line);
		return;
	}
	if (n)
		memcpy(copy, bytes, n);
	struct wasm_module m;
	struct wasm_error err = { .offset = (size_t)-1 };
	bool ok = wasm_read(n ? copy : NULL, n, &m, &err);
	bool empty = ok || is_empty(&m);
	if (ok)
		wasm_module_release(&m);
	free(copy);
	if (ok) {
		print_error("read succeeded, wanted \"%s\" at offset %zu\n", want, offset);
		_fail(__FILE__, line);
	} else if (err.offset != offset || !strstr(err.message, want) || !empty) {
		print_error("got \"%s\" at offset %zu%s, wanted \"%s\" at offset %zu\n", err.message,
			    err.offset, empty ? "" : " (module not empty)", want, offset);
		_fail(__FILE__, line);
	}
}

#define expect_error(arr, offset, want) expect_error_at(arr, sizeof arr, offset, want, __LINE__)

/* Reads `arr`, which must succeed (it stays the caller's: names point in). */
#define read_ok(arr, m)                                                                       \
	do {                                                                                  \
		struct wasm_error err_ = { 0 };                                               \
		bool ok_ = wasm_read(arr, sizeof arr, m, &err_);                              \
		if (!ok_)                                                                     \
			print_error("unexpected error at %zu: %s\n", err_.offset, err_.message); \
		assert_true(ok_);                                                             \
	} while (0)

static void reads_a_valid_module(void **state)
{
	(void)state;
	struct wasm_module m;
	read_ok(valid, &m);

	assert_int_equal(m.ntypes, 2);
	assert_int_equal(m.types[0].nparams, 1);
	assert_int_equal(m.types[0].params[0], WASM_I32);
	assert_int_equal(m.types[0].nresults, 1);
	assert_int_equal(m.types[0].results[0], WASM_I32);
	assert_int_equal(m.types[1].nparams, 2);
	assert_int_equal(m.types[1].params[0], WASM_I64);
	assert_int_equal(m.types[1].params[1], WASM_F32);
	assert_int_equal(m.types[1].nresults, 0);

	assert_int_equal(m.nimports, 2);
	assert_int_equal(m.nfunc_imports, 1);
	assert_true(name_is(m.imports[0].module, "env"));
	assert_true(name_is(m.imports[0].name, "log"));
	assert_int_equal(m.imports[0].kind, WASM_FUNC);
	assert_int_equal(m.imports[0].type, 1);
	assert_true(name_is(m.imports[1].module, "env"));
	assert_true(name_is(m.imports[1].name, "mem"));
	assert_int_equal(m.imports[1].kind, WASM_MEMORY);
	/* Names point into the binary. */
	assert_ptr_equal(m.imports[0].name.ptr, (const char *)valid + 36);

	assert_int_equal(m.nfuncs, 2);
	assert_int_equal(m.funcs[0], 0);
	assert_int_equal(m.funcs[1], 1);

	/* The first memory is the imported one (2 pages), not the declared (1). */
	assert_true(m.has_memory);
	assert_int_equal(m.memory_min, 2);

	assert_int_equal(m.nexports, 3);
	assert_true(name_is(m.exports[0].name, "add"));
	assert_int_equal(m.exports[0].kind, WASM_FUNC);
	assert_int_equal(m.exports[0].index, 1);
	assert_true(name_is(m.exports[1].name, "log"));
	assert_int_equal(m.exports[1].kind, WASM_FUNC);
	assert_int_equal(m.exports[1].index, 0);
	assert_true(name_is(m.exports[2].name, "memory"));
	assert_int_equal(m.exports[2].kind, WASM_MEMORY);
	assert_int_equal(m.exports[2].index, 0);

	/* Function 0 is the import: (i64, f32) -> (). */
	const struct wasm_functype *f = wasm_func_type(&m, 0);
	assert_ptr_equal(f, &m.types[1]);
	assert_int_equal(f->nparams, 2);
	assert_int_equal(f->params[0], WASM_I64);
	assert_int_equal(f->params[1], WASM_F32);
	assert_int_equal(f->nresults, 0);
	/* Function 1 is the first defined: (i32) -> (i32). */
	f = wasm_func_type(&m, 1);
	assert_ptr_equal(f, &m.types[0]);
	assert_int_equal(f->nparams, 1);
	assert_int_equal(f->params[0], WASM_I32);
	assert_int_equal(f->nresults, 1);
	assert_int_equal(f->results[0], WASM_I32);
	assert_ptr_equal(wasm_func_type(&m, 2), &m.types[1]);
	assert_null(wasm_func_type(&m, 3));
	assert_null(wasm_func_type(&m, UINT32_MAX));

	assert_ptr_equal(wasm_find_export(&m, "add"), &m.exports[0]);
	assert_ptr_equal(wasm_find_export(&m, "log"), &m.exports[1]);
	assert_ptr_equal(wasm_find_export(&m, "memory"), &m.exports[2]);
	assert_null(wasm_find_export(&m, "ad"));
	assert_null(wasm_find_export(&m, "addx"));
	assert_null(wasm_find_export(&m, "mem"));
	assert_null(wasm_find_export(&m, ""));
	assert_null(wasm_find_export(&m, "ADD"));

	wasm_module_release(&m);
	assert_true(is_empty(&m));
	wasm_module_release(&m); /* released twice: harmless */
}

/* Functions are numbered over function imports only, whatever else is
 * imported between them. */
static void numbers_functions_over_mixed_imports(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		HDR,
		/* 0 () -> (), 1 (i32) -> () */
		0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x00,
		0x02, 0x2a, 0x06,
		0x01, 'a', 0x01, 'm', 0x02, 0x00, 0x01,       /* memory, min 1 */
		0x01, 'a', 0x01, 'f', 0x00, 0x01,             /* function 0: type 1 */
		0x01, 'a', 0x01, 'g', 0x03, 0x7f, 0x01,       /* global mut i32 */
		0x01, 'a', 0x01, 't', 0x01, 0x70, 0x00, 0x00, /* table funcref */
		0x01, 'a', 0x01, 'h', 0x00, 0x00,             /* function 1: type 0 */
		0x01, 'a', 0x01, 'x', 0x04, 0x00, 0x00,       /* tag of type 0 */
		0x07, 0x09, 0x02, 0x01, 'h', 0x00, 0x01, 0x01, 'x', 0x04, 0x00,
	};
	struct wasm_module m;
	read_ok(b, &m);
	assert_int_equal(m.nimports, 6);
	assert_int_equal(m.nfunc_imports, 2);
	assert_int_equal(m.nfuncs, 0);
	assert_int_equal(m.imports[2].kind, WASM_GLOBAL);
	assert_int_equal(m.imports[3].kind, WASM_TABLE);
	assert_int_equal(m.imports[5].kind, WASM_TAG);
	assert_true(m.has_memory);
	assert_int_equal(m.memory_min, 1);
	assert_ptr_equal(wasm_func_type(&m, 0), &m.types[1]);
	assert_ptr_equal(wasm_func_type(&m, 1), &m.types[0]);
	assert_null(wasm_func_type(&m, 2));
	const struct wasm_export *x = wasm_find_export(&m, "h");
	assert_non_null(x);
	assert_int_equal(x->index, 1);
	assert_ptr_equal(wasm_func_type(&m, x->index), &m.types[0]);
	x = wasm_find_export(&m, "x");
	assert_non_null(x);
	assert_int_equal(x->kind, WASM_TAG);
	wasm_module_release(&m);

	/* A memory import is not a function: with one function import, an
	 * export of function 1 is out of range. */
	static const uint8_t bad[] = {
		HDR, TYPE_VOID,
		0x02, 0x0e, 0x02,
		0x01, 'a', 0x01, 'm', 0x02, 0x00, 0x01,
		0x01, 'a', 0x01, 'f', 0x00, 0x00,
		0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x01,
	};
	expect_error(bad, 36, "export f: function index 1 out of range (1 functions)");
}

static void header_only_module_is_empty(void **state)
{
	(void)state;
	static const uint8_t b[] = { HDR };
	struct wasm_module m;
	read_ok(b, &m);
	assert_true(is_empty(&m));
	assert_null(wasm_func_type(&m, 0));
	assert_null(wasm_find_export(&m, "x"));
	wasm_module_release(&m);
}

static void memory_from_the_memory_section(void **state)
{
	(void)state;
	static const uint8_t mem[] = { HDR, 0x05, 0x03, 0x01, 0x00, 0x03 };
	struct wasm_module m;
	read_ok(mem, &m);
	assert_true(m.has_memory);
	assert_int_equal(m.memory_min, 3);
	wasm_module_release(&m);

	/* Zero memories, and zero pages, are not "no memory". */
	static const uint8_t none[] = { HDR, 0x05, 0x01, 0x00 };
	read_ok(none, &m);
	assert_false(m.has_memory);
	wasm_module_release(&m);
	static const uint8_t zero[] = { HDR, 0x05, 0x03, 0x01, 0x00, 0x00 };
	read_ok(zero, &m);
	assert_true(m.has_memory);
	assert_int_equal(m.memory_min, 0);
	wasm_module_release(&m);
}

static void reads_memory64_limits(void **state)
{
	(void)state;
	struct wasm_module m;
	/* Flag 0x04: a 64-bit minimum of 2^40 pages (six LEB128 bytes). */
	static const uint8_t m64[] = {
		HDR, 0x05, 0x08, 0x01, 0x04, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20,
	};
	read_ok(m64, &m);
	assert_true(m.has_memory);
	assert_int_equal(m.memory_min, (uint64_t)1 << 40);
	wasm_module_release(&m);

	/* Flag 0x05: with a 64-bit maximum. */
	static const uint8_t m64max[] = {
		HDR, 0x05, 0x09, 0x01, 0x05, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,
	};
	read_ok(m64max, &m);
	assert_int_equal(m.memory_min, 1);
	wasm_module_release(&m);

	/* The largest 64-bit minimum, 2^48 pages, and one more. */
	static const uint8_t m64top[] = {
		HDR, 0x05, 0x09, 0x01, 0x04, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40,
	};
	read_ok(m64top, &m);
	assert_int_equal(m.memory_min, (uint64_t)1 << 48);
	wasm_module_release(&m);
	static const uint8_t m64over[] = {
		HDR, 0x05, 0x09, 0x01, 0x04, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40,
	};
	struct wasm_error err = { 0, "" };
	assert_false(wasm_read(m64over, sizeof m64over, &m, &err));
	assert_non_null(strstr(err.message, "281474976710657 pages of 64 KiB exceed"));
	assert_int_equal(err.offset, 11);
	/* The largest LEB128 minimum, which would wrap a byte count. */
	static const uint8_t m64max_leb[] = {
		HDR, 0x05, 0x0c, 0x01, 0x04,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
	};
	assert_false(wasm_read(m64max_leb, sizeof m64max_leb, &m, &err));
	assert_non_null(strstr(err.message, "exceed"));
	/* 32-bit limits: at most 65536 pages. */
	static const uint8_t m32over[] = { HDR, 0x05, 0x05, 0x01, 0x00, 0x81, 0x80, 0x04 };
	assert_false(wasm_read(m32over, sizeof m32over, &m, &err));
	assert_non_null(strstr(err.message, "65537 pages of 64 KiB exceed the 65536"));

	/* Imported 64-bit memory. */
	static const uint8_t imp[] = {
		HDR, 0x02, 0x0d, 0x01, 0x01, 'a', 0x01, 'm', 0x02, 0x04,
		0x80, 0x80, 0x80, 0x80, 0x80, 0x20,
	};
	read_ok(imp, &m);
	assert_true(m.has_memory);
	assert_int_equal(m.memory_min, (uint64_t)1 << 40);
	wasm_module_release(&m);

	/* The same minimum with 32-bit limits is too long. */
	static const uint8_t m32[] = {
		HDR, 0x05, 0x08, 0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20,
	};
	expect_error(m32, 12, "memory section: LEB128 longer than 5 bytes");
	/* A 64-bit LEB128 of eleven bytes. */
	static const uint8_t m64long[] = {
		HDR, 0x05, 0x0c, 0x01, 0x04,
		0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
	};
	expect_error(m64long, 12, "memory section: LEB128 longer than 10 bytes");
	/* Ten bytes, but bit 1 of the last is past 64 bits. */
	static const uint8_t m64big[] = {
		HDR, 0x05, 0x0c, 0x01, 0x04,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
	};
	expect_error(m64big, 12, "memory section: integer too large for 64 bits");
	/* The maximum is checked too. */
	static const uint8_t maxbig[] = { HDR, 0x05, 0x08, 0x01, 0x01, 0x00,
					  0xff, 0xff, 0xff, 0xff, 0x1f };
	expect_error(maxbig, 13, "memory section: integer too large for 32 bits");
	/* Flags above 7 are not defined. */
	static const uint8_t flag8[] = { HDR, 0x05, 0x03, 0x01, 0x08, 0x00 };
	expect_error(flag8, 11, "memory section: limits flag 0x08 is not defined");
	static const uint8_t flagimp[] = { HDR, 0x02, 0x08, 0x01, 0x01, 'a', 0x01, 'm', 0x02,
					   0x80, 0x00 };
	expect_error(flagimp, 16, "memory import: limits flag 0x80 is not defined");
}

static void skips_custom_sections_anywhere(void **state)
{
	(void)state;
	/* Only custom sections, one of them empty but for its name. */
	static const uint8_t only[] = {
		HDR, 0x00, 0x01, 0x00, 0x00, 0x03, 0x01, 'x', 0xff, 0x00, 0x02, 0x01, 'y',
	};
	struct wasm_module m;
	read_ok(only, &m);
	assert_true(is_empty(&m));
	wasm_module_release(&m);

	/* A custom section whose payload looks like a lying type section. */
	static const uint8_t payload[] = {
		HDR, 0x00, 0x07, 0x01, 'x', 0x01, 0xff, 0xff, 0xff, 0x0f, TYPE_VOID,
	};
	read_ok(payload, &m);
	assert_int_equal(m.ntypes, 1);
	wasm_module_release(&m);

	/* Custom sections between each of the others do not disturb the order. */
	static const uint8_t between[] = {
		HDR, 0x00, 0x01, 0x00, TYPE_VOID, 0x00, 0x01, 0x00, FUNC_ONE, 0x00, 0x01, 0x00,
		0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00, 0x00, 0x01, 0x00, CODE_ONE,
		0x00, 0x01, 0x00,
	};
	read_ok(between, &m);
	assert_int_equal(m.nfuncs, 1);
	assert_non_null(wasm_find_export(&m, "f"));
	wasm_module_release(&m);

	/* But a custom section still needs a name, and it must be UTF-8. */
	static const uint8_t empty[] = { HDR, 0x00, 0x00 };
	expect_error(empty, 10, "unexpected end of custom section");
	static const uint8_t badname[] = { HDR, 0x00, 0x03, 0x02, 0xff, 'a' };
	expect_error(badname, 11, "custom section: name is not valid UTF-8");
	static const uint8_t longname[] = { HDR, 0x00, 0x02, 0x05, 'a', TYPE_VOID };
	expect_error(longname, 10, "custom section: name of 5 bytes runs past the end");
	/* ... and does not reset the order of the others. */
	static const uint8_t again[] = {
		HDR, 0x01, 0x01, 0x00, 0x00, 0x02, 0x01, 'x', 0x01, 0x01, 0x00,
	};
	expect_error(again, 15, "type section out of order or repeated");
}

static void rejects_bad_magic(void **state)
{
	(void)state;
	static const uint8_t asn[] = { 0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00 };
	expect_error(asn, 0, "not a WebAssembly binary");
	static const uint8_t elf[] = { 0x7f, 'E', 'L', 'F', 0x02, 0x01, 0x01, 0x00, 0x00 };
	expect_error(elf, 0, "not a WebAssembly binary");
	static const uint8_t text[] = { '(', 'm', 'o', 'd', 'u', 'l', 'e', ')' };
	expect_error(text, 0, "does not start with \\0asm");
	static const uint8_t three[] = { 0x00, 0x61, 0x73 };
	expect_error(three, 0, "not a WebAssembly binary");
	expect_error_at(three, 0, 0, "not a WebAssembly binary", __LINE__);
}

static void rejects_other_versions(void **state)
{
	(void)state;
	static const uint8_t v2[] = { 0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00 };
	expect_error(v2, 4, "version 2 is not 1");
	static const uint8_t v0[] = { 0x00, 0x61, 0x73, 0x6d, 0x00, 0x00, 0x00, 0x00 };
	expect_error(v0, 4, "version 0 is not 1");
	/* A component: version 0x0d, layer 1. */
	static const uint8_t component[] = { 0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00 };
	expect_error(component, 4, "version 65549 is not 1");
	static const uint8_t high[] = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x80 };
	expect_error(high, 4, "version 2147483649 is not 1");
	static const uint8_t shortv[] = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00 };
	expect_error(shortv, 4, "unexpected end of the version");
	expect_error_at(shortv, 4, 4, "unexpected end of the version", __LINE__);
}

/*
 * Every prefix of the valid module either fails inside what was given, or
 * ends exactly where a section does with nothing missing: the header alone,
 * or up to the custom, type or import section (no functions declared yet),
 * and the module up to its code section.  Those are valid modules.
 */
static void every_truncation_fails_cleanly(void **state)
{
	(void)state;
	static const size_t complete[] = { 8, 15, 28, 52, 106, sizeof valid };
	for (size_t len = 0; len <= sizeof valid; len++) {
		bool whole = false;
		for (size_t k = 0; k < sizeof complete / sizeof complete[0]; k++)
			whole |= complete[k] == len;
		uint8_t *copy = malloc(len ? len : 1);
		assert_non_null(copy);
		memcpy(copy, valid, len);
		struct wasm_module m;
		struct wasm_error err = { .offset = (size_t)-1 };
		bool ok = wasm_read(copy, len, &m, &err);
		if (ok != whole)
			print_error("prefix of %zu bytes: %s\n", len, ok ? "read" : err.message);
		assert_int_equal(ok, whole);
		if (ok) {
			assert_int_equal(m.ntypes, len >= 28 ? 2 : 0);
			assert_int_equal(m.nfunc_imports, len >= 52 ? 1 : 0);
			assert_int_equal(m.nexports, len >= 106 ? 3 : 0);
			wasm_module_release(&m);
		} else {
			assert_true(is_empty(&m));
			assert_in_range(err.offset, 0, len);
			assert_true(err.message[0] != '\0');
		}
		free(copy);
	}
	/* Some exact ones: in the header, at a section's id, in its size, in
	 * its contents, and after the function section. */
	expect_error_at(valid, 3, 0, "not a WebAssembly binary", __LINE__);
	expect_error_at(valid, 7, 4, "unexpected end of the version", __LINE__);
	expect_error_at(valid, 16, 16, "unexpected end of section size", __LINE__);
	expect_error_at(valid, 40, 28, "import section of 22 bytes runs past the end of the file",
			__LINE__);
	expect_error_at(valid, 57, 57, "2 functions are declared but the code section is missing",
			__LINE__);
	expect_error_at(valid, 100, 95, "code section of 9 bytes runs past the end of the file (3 left)",
			__LINE__);
}

static void rejects_bad_leb128(void **state)
{
	(void)state;
	/* Six bytes for a u32 (the section size). */
	static const uint8_t six[] = { HDR, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
	expect_error(six, 9, "section size: LEB128 longer than 5 bytes");
	/* Five bytes with bits past 32 set. */
	static const uint8_t big[] = { HDR, 0x01, 0xff, 0xff, 0xff, 0xff, 0x1f };
	expect_error(big, 9, "section size: integer too large for 32 bits");
	static const uint8_t big70[] = { HDR, 0x01, 0x80, 0x80, 0x80, 0x80, 0x70 };
	expect_error(big70, 9, "section size: integer too large for 32 bits");
	/* 2^32 - 1 is a u32, but no section is that long here. */
	static const uint8_t max[] = { HDR, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f };
	expect_error(max, 8, "custom section of 4294967295 bytes runs past the end of the file (0 left)");
	/* A padded five-byte LEB128 is fine. */
	static const uint8_t padded[] = {
		HDR, 0x01, 0x85, 0x80, 0x80, 0x80, 0x00, 0x01, 0x60, 0x01, 0x7f, 0x00,
	};
	struct wasm_module m;
	read_ok(padded, &m);
	assert_int_equal(m.ntypes, 1);
	assert_int_equal(m.types[0].nparams, 1);
	wasm_module_release(&m);
	/* Inside a section: the type count. */
	static const uint8_t count[] = { HDR, 0x01, 0x07, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00 };
	expect_error(count, 10, "type section: LEB128 longer than 5 bytes");
	/* A LEB128 that would continue past its section stops at the section. */
	static const uint8_t cut[] = { HDR, 0x01, 0x01, 0x80, 0x00, 0x00 };
	expect_error(cut, 11, "unexpected end of type section");
	/* ... and at the end of the file. */
	static const uint8_t eof[] = { HDR, 0x01, 0x80 };
	expect_error(eof, 10, "unexpected end of section size");
	/* An export index of six bytes. */
	static const uint8_t idx[] = {
		HDR, TYPE_VOID, FUNC_ONE,
		0x07, 0x0a, 0x01, 0x01, 'f', 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
		CODE_ONE,
	};
	expect_error(idx, 24, "export index: LEB128 longer than 5 bytes");
}

static void rejects_section_past_end(void **state)
{
	(void)state;
	static const uint8_t b[] = { HDR, 0x01, 0x05, 0x01, 0x60, 0x00 };
	expect_error(b, 8, "type section of 5 bytes runs past the end of the file (3 left)");
	static const uint8_t later[] = { HDR, TYPE_VOID, 0x07, 0x02, 0x01 };
	expect_error(later, 14, "export section of 2 bytes runs past the end of the file (1 left)");
	/* One byte short of the valid module's last section. */
	expect_error_at(valid, sizeof valid - 1, 106, "custom section of 4 bytes runs past the end",
			__LINE__);
}

static void rejects_trailing_bytes(void **state)
{
	(void)state;
	static const uint8_t type[] = { HDR, 0x01, 0x06, 0x01, 0x60, 0x00, 0x00, 0xaa, 0xbb };
	expect_error(type, 14, "type section has 2 bytes after its contents");
	static const uint8_t mem[] = { HDR, 0x05, 0x04, 0x01, 0x00, 0x01, 0xff };
	expect_error(mem, 13, "memory section has 1 bytes after its contents");
	static const uint8_t exports[] = { HDR, 0x07, 0x02, 0x00, 0x00 };
	expect_error(exports, 11, "export section has 1 bytes after its contents");
	static const uint8_t imports[] = {
		HDR, 0x02, 0x0a, 0x01, 0x01, 'a', 0x01, 'm', 0x02, 0x00, 0x01, 0x00, 0x00,
	};
	expect_error(imports, 18, "import section has 2 bytes after its contents");
	static const uint8_t funcs[] = { HDR, TYPE_VOID, 0x03, 0x03, 0x01, 0x00, 0x00, CODE_ONE };
	expect_error(funcs, 18, "function section has 1 bytes after its contents");
}

static void rejects_sections_out_of_order(void **state)
{
	(void)state;
	static const uint8_t type_after_memory[] = {
		HDR, 0x05, 0x03, 0x01, 0x00, 0x01, TYPE_VOID,
	};
	expect_error(type_after_memory, 13, "type section out of order or repeated");
	static const uint8_t repeated[] = { HDR, 0x01, 0x01, 0x00, 0x01, 0x01, 0x00 };
	expect_error(repeated, 11, "type section out of order or repeated");
	static const uint8_t export_twice[] = { HDR, 0x07, 0x01, 0x00, 0x07, 0x01, 0x00 };
	expect_error(export_twice, 11, "export section out of order or repeated");
	static const uint8_t import_after_function[] = { HDR, 0x03, 0x01, 0x00, 0x02, 0x01, 0x00 };
	expect_error(import_after_function, 11, "import section out of order or repeated");
	/* Skipped sections are ordered too. */
	static const uint8_t global_after_export[] = { HDR, 0x07, 0x01, 0x00, 0x06, 0x01, 0x00 };
	expect_error(global_after_export, 11, "global section out of order or repeated");
	static const uint8_t data_before_code[] = { HDR, 0x0b, 0x01, 0x00, 0x0a, 0x01, 0x00 };
	expect_error(data_before_code, 11, "code section out of order or repeated");
	/* The data count (12) stands before the code (10), the tag (13)
	 * between memory (5) and global (6). */
	static const uint8_t datacount_after_code[] = { HDR, 0x0a, 0x01, 0x00, 0x0c, 0x01, 0x00 };
	expect_error(datacount_after_code, 11, "data count section out of order or repeated");
	static const uint8_t tag_after_global[] = { HDR, 0x06, 0x01, 0x00, 0x0d, 0x01, 0x00 };
	expect_error(tag_after_global, 11, "tag section out of order or repeated");
	static const uint8_t tag_before_memory[] = { HDR, 0x0d, 0x01, 0x00, 0x05, 0x01, 0x00 };
	expect_error(tag_before_memory, 11, "memory section out of order or repeated");

	static const uint8_t all[] = {
		HDR,
		0x01, 0x01, 0x00, 0x02, 0x01, 0x00, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00,
		0x05, 0x01, 0x00, 0x0d, 0x01, 0x00, 0x06, 0x01, 0x00, 0x07, 0x01, 0x00,
		0x08, 0x01, 0x00, 0x09, 0x01, 0x00, 0x0c, 0x01, 0x00, 0x0a, 0x01, 0x00,
		0x0b, 0x01, 0x00,
	};
	struct wasm_module m;
	read_ok(all, &m);
	assert_int_equal(m.ntypes + m.nimports + m.nfuncs + m.nexports, 0);
	assert_false(m.has_memory);
	wasm_module_release(&m);
}

static void rejects_unknown_section_id(void **state)
{
	(void)state;
	static const uint8_t id14[] = { HDR, 0x0e, 0x00 };
	expect_error(id14, 8, "unknown section id 14");
	static const uint8_t id255[] = { HDR, TYPE_VOID, 0xff, 0x00 };
	expect_error(id255, 14, "unknown section id 255");
}

static void rejects_bad_types(void **state)
{
	(void)state;
	static const uint8_t form[] = { HDR, 0x01, 0x04, 0x01, 0x5f, 0x00, 0x00 };
	expect_error(form, 11, "type 0: form 0x5f is not a function type (0x60)");
	static const uint8_t second[] = {
		HDR, 0x01, 0x07, 0x02, 0x60, 0x00, 0x00, 0x50, 0x00, 0x00,
	};
	expect_error(second, 14, "type 1: form 0x50 is not a function type");
	static const uint8_t param[] = { HDR, 0x01, 0x05, 0x01, 0x60, 0x01, 0x40, 0x00 };
	expect_error(param, 13, "parameter types: 0x40 is not a value type");
	static const uint8_t result[] = { HDR, 0x01, 0x06, 0x01, 0x60, 0x00, 0x02, 0x7f, 0x7a };
	expect_error(result, 15, "result types: 0x7a is not a value type");
	static const uint8_t ref[] = { HDR, 0x01, 0x05, 0x01, 0x60, 0x01, 0x71, 0x00 };
	expect_error(ref, 13, "parameter types: 0x71 is not a value type");
	static const uint8_t toomany[] = { HDR, 0x01, 0x05, 0x01, 0x60, 0x05, 0x7f, 0x00 };
	expect_error(toomany, 12, "parameter types: 5 entries do not fit in the 2 bytes left");
	/* Every value type there is. */
	static const uint8_t every[] = {
		HDR, 0x01, 0x0b, 0x01, 0x60, 0x07, 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f, 0x00,
	};
	struct wasm_module m;
	read_ok(every, &m);
	assert_int_equal(m.types[0].nparams, 7);
	assert_memory_equal(m.types[0].params, every + 13, 7);
	wasm_module_release(&m);
}

static void rejects_undefined_kinds(void **state)
{
	(void)state;
	static const uint8_t import[] = {
		HDR, TYPE_VOID, 0x02, 0x07, 0x01, 0x01, 'a', 0x01, 'b', 0x05, 0x00,
	};
	expect_error(import, 21, "import 0: kind 0x05 is not defined");
	static const uint8_t export[] = { HDR, 0x07, 0x05, 0x01, 0x01, 'a', 0x05, 0x00 };
	expect_error(export, 13, "export a: kind 0x05 is not defined");
}

static void rejects_type_index_out_of_range(void **state)
{
	(void)state;
	static const uint8_t func[] = { HDR, TYPE_VOID, 0x03, 0x02, 0x01, 0x01 };
	expect_error(func, 17, "function 0: type index 1 out of range (1 types)");
	static const uint8_t notypes[] = { HDR, 0x03, 0x02, 0x01, 0x00 };
	expect_error(notypes, 11, "function 0: type index 0 out of range (0 types)");
	/* A defined function is numbered after the function imports. */
	static const uint8_t after_import[] = {
		HDR, TYPE_VOID, 0x02, 0x07, 0x01, 0x01, 'a', 0x01, 'b', 0x00, 0x00,
		0x03, 0x03, 0x02, 0x00, 0x02,
	};
	expect_error(after_import, 27, "function 2: type index 2 out of range (1 types)");
	static const uint8_t import[] = {
		HDR, TYPE_VOID, 0x02, 0x07, 0x01, 0x01, 'a', 0x01, 'b', 0x00, 0x07,
	};
	expect_error(import, 22, "import a.b: type index 7 out of range (1 types)");
	static const uint8_t import_notypes[] = {
		HDR, 0x02, 0x07, 0x01, 0x01, 'a', 0x01, 'b', 0x00, 0x00,
	};
	expect_error(import_notypes, 16, "type index 0 out of range (0 types)");
}

static void rejects_export_index_out_of_range(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		HDR, TYPE_VOID, FUNC_ONE, 0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x01, CODE_ONE,
	};
	expect_error(b, 24, "export f: function index 1 out of range (1 functions)");
	static const uint8_t none[] = { HDR, 0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00 };
	expect_error(none, 14, "export f: function index 0 out of range (0 functions)");
	/* The largest index there is. */
	static const uint8_t top[] = {
		HDR, TYPE_VOID, FUNC_ONE,
		0x07, 0x09, 0x01, 0x01, 'f', 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f, CODE_ONE,
	};
	expect_error(top, 24, "function index 4294967295 out of range");
}

static void rejects_duplicate_export_names(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		HDR, TYPE_VOID, FUNC_ONE,
		0x07, 0x09, 0x02, 0x01, 'f', 0x00, 0x00, 0x01, 'f', 0x00, 0x00, CODE_ONE,
	};
	struct wasm_module m;
	struct wasm_error err = { 0, "" };
	assert_false(wasm_read(b, sizeof b, &m, &err));
	assert_non_null(strstr(err.message, "export f: name exported twice"));
	assert_in_range(err.offset, 25, 28); /* within the second export */
	assert_true(is_empty(&m));

	/* Names are unique whatever the kinds. */
	static const uint8_t kinds[] = {
		HDR, TYPE_VOID, FUNC_ONE, 0x05, 0x03, 0x01, 0x00, 0x01,
		0x07, 0x0b, 0x02, 0x02, 'm', 'e', 0x00, 0x00, 0x02, 'm', 'e', 0x02, 0x00,
		CODE_ONE,
	};
	assert_false(wasm_read(kinds, sizeof kinds, &m, &err));
	assert_non_null(strstr(err.message, "export me: name exported twice"));

	/* A prefix is another name. */
	static const uint8_t prefix[] = {
		HDR, TYPE_VOID, FUNC_ONE,
		0x07, 0x0a, 0x02, 0x02, 'f', 'f', 0x00, 0x00, 0x01, 'f', 0x00, 0x00, CODE_ONE,
	};
	read_ok(prefix, &m);
	assert_ptr_equal(wasm_find_export(&m, "f"), &m.exports[1]);
	assert_ptr_equal(wasm_find_export(&m, "ff"), &m.exports[0]);
	wasm_module_release(&m);
}

static void checks_names_are_utf8(void **state)
{
	(void)state;
	static const uint8_t export[] = {
		HDR, TYPE_VOID, FUNC_ONE, 0x07, 0x06, 0x01, 0x02, 0xc3, 0x28, 0x00, 0x00, CODE_ONE,
	};
	expect_error(export, 22, "export name: name is not valid UTF-8");
	/* Overlong encoding of NUL in a module name. */
	static const uint8_t overlong[] = {
		HDR, 0x02, 0x09, 0x01, 0x02, 0xc0, 0x80, 0x01, 'b', 0x02, 0x00, 0x00,
	};
	expect_error(overlong, 12, "import module name: name is not valid UTF-8");
	/* A surrogate in an import name, after a valid byte. */
	static const uint8_t surrogate[] = {
		HDR, 0x02, 0x0b, 0x01, 0x01, 'a', 0x04, 'x', 0xed, 0xa0, 0x80, 0x02, 0x00, 0x00,
	};
	expect_error(surrogate, 15, "import name: name is not valid UTF-8");
	/* A sequence cut by the name's end (the next byte would complete it). */
	static const uint8_t cut[] = {
		HDR, 0x07, 0x06, 0x01, 0x01, 0xc3, 0xa9, 0x00, 0x00,
	};
	expect_error(cut, 12, "export name: name is not valid UTF-8");
	/* Beyond U+10FFFF. */
	static const uint8_t beyond[] = {
		HDR, 0x07, 0x08, 0x01, 0x04, 0xf4, 0x90, 0x80, 0x80, 0x02, 0x00,
	};
	expect_error(beyond, 12, "export name: name is not valid UTF-8");
	static const uint8_t past[] = { HDR, 0x07, 0x05, 0x01, 0x05, 'a', 'b', 'c' };
	expect_error(past, 11, "export name: name of 5 bytes runs past the end of its section");

	/* Two, three and four bytes, and U+0000, are names. */
	static const uint8_t good[] = {
		HDR, TYPE_VOID, FUNC_ONE,
		0x07, 0x17, 0x04,
		0x02, 0xc3, 0xa9, 0x00, 0x00,
		0x03, 0xe2, 0x82, 0xac, 0x00, 0x00,
		0x04, 0xf0, 0x9f, 0x98, 0x80, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00,
		CODE_ONE,
	};
	struct wasm_module m;
	read_ok(good, &m);
	assert_ptr_equal(wasm_find_export(&m, "\xc3\xa9"), &m.exports[0]);
	assert_ptr_equal(wasm_find_export(&m, "\xe2\x82\xac"), &m.exports[1]);
	assert_ptr_equal(wasm_find_export(&m, "\xf0\x9f\x98\x80"), &m.exports[2]);
	assert_int_equal(m.exports[3].name.len, 1);
	assert_int_equal(m.exports[3].name.ptr[0], 0);
	assert_null(wasm_find_export(&m, ""));
	wasm_module_release(&m);
}

/* A count the section cannot hold fails before anything is allocated for
 * it (under ASan a 4G-entry calloc would abort the test). */
static void rejects_counts_larger_than_the_bytes_left(void **state)
{
	(void)state;
	static const uint8_t types[] = { HDR, 0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f };
	expect_error(types, 10, "type section: 4294967295 entries do not fit in the 0 bytes left");
	static const uint8_t imports[] = { HDR, 0x02, 0x06, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00 };
	expect_error(imports, 10, "import section: 4294967295 entries do not fit in the 1 bytes left");
	static const uint8_t funcs[] = { HDR, 0x03, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f };
	expect_error(funcs, 10, "function section: 4294967295 entries do not fit");
	static const uint8_t mems[] = { HDR, 0x05, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f };
	expect_error(mems, 10, "memory section: 4294967295 entries do not fit");
	static const uint8_t exports[] = { HDR, 0x07, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f };
	expect_error(exports, 10, "export section: 4294967295 entries do not fit");
	/* The bound is the section, not the file. */
	static const uint8_t section[] = {
		HDR, TYPE_VOID, 0x03, 0x02, 0x03, 0x00, 0x00, 0x00, CODE_ONE,
	};
	expect_error(section, 16, "function section: 3 entries do not fit in the 1 bytes left");
	/* Each entry's least size: three types of three bytes need nine. */
	static const uint8_t least[] = { HDR, 0x01, 0x09, 0x03, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00,
					 0x60, 0x00 };
	expect_error(least, 10, "type section: 3 entries do not fit in the 8 bytes left");
}

static void checks_code_section_count(void **state)
{
	(void)state;
	static const uint8_t fewer[] = { HDR, TYPE_VOID, FUNC_ONE, 0x0a, 0x01, 0x00 };
	expect_error(fewer, 20, "code section has 0 function bodies for 1 declared functions");
	static const uint8_t more[] = { HDR, 0x0a, 0x01, 0x01 };
	expect_error(more, 10, "code section has 1 function bodies for 0 declared functions");
	static const uint8_t missing[] = { HDR, TYPE_VOID, FUNC_ONE };
	expect_error(missing, 18, "1 functions are declared but the code section is missing");
	static const uint8_t missing_later[] = {
		HDR, TYPE_VOID, FUNC_ONE, 0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00, 0x00, 0x01, 0x00,
	};
	expect_error(missing_later, 28, "1 functions are declared but the code section is missing");
	static const uint8_t count[] = { HDR, TYPE_VOID, FUNC_ONE, 0x0a, 0x01, 0x81 };
	expect_error(count, 21, "unexpected end of code section");

	/* No functions, no code section needed; an empty one is fine. */
	static const uint8_t nofuncs[] = { HDR, TYPE_VOID, 0x03, 0x01, 0x00 };
	struct wasm_module m;
	read_ok(nofuncs, &m);
	assert_int_equal(m.nfuncs, 0);
	wasm_module_release(&m);
	static const uint8_t emptycode[] = { HDR, 0x0a, 0x01, 0x00 };
	read_ok(emptycode, &m);
	wasm_module_release(&m);
	/* The bodies are not read. */
	static const uint8_t bodies[] = { HDR, TYPE_VOID, FUNC_ONE, 0x0a, 0x04, 0x01, 0xff, 0xff, 0xff };
	read_ok(bodies, &m);
	assert_int_equal(m.nfuncs, 1);
	wasm_module_release(&m);
}

/* Any single byte of the valid module changed to any value: the read either
 * succeeds with a consistent module or fails inside the input. */
static void survives_every_single_byte_change(void **state)
{
	(void)state;
	uint8_t *copy = malloc(sizeof valid);
	assert_non_null(copy);
	for (size_t i = 0; i < sizeof valid; i++) {
		for (unsigned v = 0; v < 256; v++) {
			memcpy(copy, valid, sizeof valid);
			copy[i] = (uint8_t)v;
			struct wasm_module m;
			struct wasm_error err = { .offset = (size_t)-1 };
			if (!wasm_read(copy, sizeof valid, &m, &err)) {
				assert_in_range(err.offset, 0, sizeof valid);
				assert_true(is_empty(&m));
				continue;
			}
			assert_in_range(m.nfunc_imports, 0, m.nimports);
			for (uint32_t k = 0; k < m.nexports; k++) {
				const struct wasm_export *x = &m.exports[k];
				if (x->kind == WASM_FUNC)
					assert_non_null(wasm_func_type(&m, x->index));
				char name[64];
				assert_in_range(x->name.len, 0, sizeof name - 1);
				memcpy(name, x->name.ptr, x->name.len);
				name[x->name.len] = '\0';
				if (!memchr(name, 0, x->name.len))
					assert_ptr_equal(wasm_find_export(&m, name), x);
			}
			wasm_module_release(&m);
		}
	}
	free(copy);
}

static void names_types_and_kinds(void **state)
{
	(void)state;
	assert_string_equal(wasm_type_name(WASM_I32), "i32");
	assert_string_equal(wasm_type_name(WASM_I64), "i64");
	assert_string_equal(wasm_type_name(WASM_F32), "f32");
	assert_string_equal(wasm_type_name(WASM_F64), "f64");
	assert_string_equal(wasm_type_name(WASM_V128), "v128");
	assert_string_equal(wasm_type_name(WASM_FUNCREF), "funcref");
	assert_string_equal(wasm_type_name(WASM_EXTERNREF), "externref");
	assert_string_equal(wasm_type_name(0x40), "?");
	assert_string_equal(wasm_type_name(0), "?");
	assert_string_equal(wasm_type_name(0xff), "?");

	assert_string_equal(wasm_kind_name(WASM_FUNC), "function");
	assert_string_equal(wasm_kind_name(WASM_TABLE), "table");
	assert_string_equal(wasm_kind_name(WASM_MEMORY), "memory");
	assert_string_equal(wasm_kind_name(WASM_GLOBAL), "global");
	assert_string_equal(wasm_kind_name(WASM_TAG), "tag");
	assert_string_equal(wasm_kind_name(5), "?");
	assert_string_equal(wasm_kind_name(0xff), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_a_valid_module),
		cmocka_unit_test(numbers_functions_over_mixed_imports),
		cmocka_unit_test(header_only_module_is_empty),
		cmocka_unit_test(memory_from_the_memory_section),
		cmocka_unit_test(reads_memory64_limits),
		cmocka_unit_test(skips_custom_sections_anywhere),
		cmocka_unit_test(rejects_bad_magic),
		cmocka_unit_test(rejects_other_versions),
		cmocka_unit_test(every_truncation_fails_cleanly),
		cmocka_unit_test(rejects_bad_leb128),
		cmocka_unit_test(rejects_section_past_end),
		cmocka_unit_test(rejects_trailing_bytes),
		cmocka_unit_test(rejects_sections_out_of_order),
		cmocka_unit_test(rejects_unknown_section_id),
		cmocka_unit_test(rejects_bad_types),
		cmocka_unit_test(rejects_undefined_kinds),
		cmocka_unit_test(rejects_type_index_out_of_range),
		cmocka_unit_test(rejects_export_index_out_of_range),
		cmocka_unit_test(rejects_duplicate_export_names),
		cmocka_unit_test(checks_names_are_utf8),
		cmocka_unit_test(rejects_counts_larger_than_the_bytes_left),
		cmocka_unit_test(checks_code_section_count),
		cmocka_unit_test(survives_every_single_byte_change),
		cmocka_unit_test(names_types_and_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
