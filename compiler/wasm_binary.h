/*
 * wasm_binary.h - what a fleet needs to know about a WebAssembly module,
 * read from its binary: the function signatures it exports, the functions
 * it imports (which a device must offer) and the memory it starts with.
 *
 * The file is untrusted input.  The reader checks the magic and version,
 * every LEB128 (length and range), every size and count against the bytes
 * left, every type and export index against its table, memory sizes
 * against their limit and every name for UTF-8, and stops
 * at the first problem with its byte offset.  It reads the type, import,
 * function, memory and export sections and the count of the code section,
 * and skips the others by their size.  Names point into the caller's
 * buffer, which must outlive the module.
 */
#ifndef ORCHC_WASM_BINARY_H
#define ORCHC_WASM_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value types, as encoded. */
enum {
	WASM_I32 = 0x7f,
	WASM_I64 = 0x7e,
	WASM_F32 = 0x7d,
	WASM_F64 = 0x7c,
	WASM_V128 = 0x7b,
	WASM_FUNCREF = 0x70,
	WASM_EXTERNREF = 0x6f,
};

/* Import and export kinds, as encoded. */
enum { WASM_FUNC = 0, WASM_TABLE = 1, WASM_MEMORY = 2, WASM_GLOBAL = 3, WASM_TAG = 4 };

#define WASM_PAGE_SIZE 65536u

struct wasm_name {
	const char *ptr; /* into the binary: not NUL-terminated */
	uint32_t len;
};

struct wasm_functype {
	const uint8_t *params, *results; /* value types, into the binary */
	uint32_t nparams, nresults;
};

struct wasm_import {
	struct wasm_name module, name;
	uint8_t kind;
	uint32_t type; /* WASM_FUNC: index into types */
};

struct wasm_export {
	struct wasm_name name;
	uint8_t kind;
	uint32_t index; /* into the kind's index space (imports first) */
};

struct wasm_module {
	struct wasm_functype *types;
	uint32_t ntypes;
	struct wasm_import *imports;
	uint32_t nimports;
	uint32_t nfunc_imports;
	uint32_t *funcs; /* type index of each function defined in the module */
	uint32_t nfuncs;
	struct wasm_export *exports;
	uint32_t nexports;
	const struct wasm_export **by_name; /* the exports sorted by name */
	uint32_t count[WASM_TAG + 1]; /* functions, tables, ... imported and defined */
	bool has_memory;     /* declared or imported */
	uint64_t memory_min; /* the first memory's initial size, in pages */
};

struct wasm_error {
	size_t offset; /* of the byte that could not be read */
	char message[120];
};

/**
 * Reads `len` bytes of `bytes` into `m`.  Returns true, or false with the
 * problem in `err` (then `m` holds nothing to release).
 */
bool wasm_read(const uint8_t *bytes, size_t len, struct wasm_module *m, struct wasm_error *err);

void wasm_module_release(struct wasm_module *m);

/** The signature of function `index` (imports first), or NULL. */
const struct wasm_functype *wasm_func_type(const struct wasm_module *m, uint32_t index);

/** The export called `name`, or NULL. */
const struct wasm_export *wasm_find_export(const struct wasm_module *m, const char *name);

/** "i32", "i64", ... for a value type; "?" for none. */
const char *wasm_type_name(uint8_t type);

/** "function", "table", "memory", "global" or "tag". */
const char *wasm_kind_name(uint8_t kind);

#endif
