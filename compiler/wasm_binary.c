/*
 * wasm_binary.c - a bounds-checked reader of the sections of a WebAssembly
 * binary a fleet is checked against (WebAssembly core specification,
 * chapter 5, "Binary Format").
 *
 * Every read goes through struct reader, whose cursor never passes `end`:
 * a section is read with `end` set to the section's own end, so a count or
 * size that lies is caught at the section boundary, not past the buffer.
 */
#include "wasm_binary.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "str.h"

struct reader {
	const uint8_t *base, *p, *end;
	struct wasm_error *err;
	bool failed;
};

static bool fail(struct reader *r, const uint8_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(struct reader *r, const uint8_t *at, const char *fmt, ...)
{
	if (!r->failed) {
		r->failed = true;
		r->err->offset = (size_t)(at - r->base);
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->err->message, sizeof r->err->message, fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool read_byte(struct reader *r, uint8_t *out, const char *what)
{
	if (r->p >= r->end) {
		*out = 0;
		return fail(r, r->p, "unexpected end of %s", what);
	}
	*out = *r->p++;
	return true;
}

/* An unsigned LEB128 of at most `bits` bits: at most ceil(bits / 7) bytes,
 * and the unused bits of the last byte zero. */
static bool read_leb(struct reader *r, unsigned bits, uint64_t *out, const char *what)
{
	const uint8_t *start = r->p;
	uint64_t v = 0;
	unsigned shift = 0, max_bytes = (bits + 6) / 7;
	for (unsigned i = 0;; i++) {
		uint8_t b;
		if (i == max_bytes)
			return fail(r, start, "%s: LEB128 longer than %u bytes", what, max_bytes);
		if (!read_byte(r, &b, what))
			return false;
		if (shift + 7 > bits && (b & 0x7f) >> (bits - shift))
			return fail(r, start, "%s: integer too large for %u bits", what, bits);
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	*out = v;
	return true;
}

static bool read_u32(struct reader *r, uint32_t *out, const char *what)
{
	uint64_t v;
	if (!read_leb(r, 32, &v, what))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* A vector's length, which cannot exceed the bytes left when every element
 * takes at least `min_size` bytes: the allocation is bounded by the file. */
static bool read_count(struct reader *r, uint32_t *n, size_t min_size, const char *what)
{
	const uint8_t *at = r->p;
	if (!read_u32(r, n, what))
		return false;
	if ((size_t)(r->end - r->p) / min_size < *n)
		return fail(r, at, "%s: %u entries do not fit in the %zu bytes left", what, *n,
			    (size_t)(r->end - r->p));
	return true;
}

static bool read_name(struct reader *r, struct wasm_name *out, const char *what)
{
	uint32_t len;
	const uint8_t *at = r->p;
	if (!read_u32(r, &len, what))
		return false;
	if ((size_t)(r->end - r->p) < len)
		return fail(r, at, "%s: name of %u bytes runs past the end of its section", what, len);
	for (uint32_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_decode(r->p + i, len - i, &cp);
		if (!n)
			return fail(r, r->p + i, "%s: name is not valid UTF-8", what);
		i += (uint32_t)n;
	}
	out->ptr = (const char *)r->p;
	out->len = len;
	r->p += len;
	return true;
}

static bool is_value_type(uint8_t t)
{
	return (t >= WASM_V128 && t <= WASM_I32) || t == WASM_FUNCREF || t == WASM_EXTERNREF;
}

static bool read_types(struct reader *r, const char *what, const uint8_t **out, uint32_t *n)
{
	if (!read_count(r, n, 1, what))
		return false;
	*out = r->p;
	for (uint32_t i = 0; i < *n; i++, r->p++)
		if (!is_value_type(*r->p))
			return fail(r, r->p, "%s: 0x%02x is not a value type", what, *r->p);
	return true;
}

static bool type_section(struct reader *r, struct wasm_module *m)
{
	if (!read_count(r, &m->ntypes, 3, "type section"))
		return false;
	m->types = calloc(m->ntypes ? m->ntypes : 1, sizeof *m->types);
	if (!m->types)
		return fail(r, r->p, "out of memory");
	for (uint32_t i = 0; i < m->ntypes; i++) {
		uint8_t form;
		const uint8_t *at = r->p;
		if (!read_byte(r, &form, "type section"))
			return false;
		if (form != 0x60)
			return fail(r, at, "type %u: form 0x%02x is not a function type (0x60)", i, form);
		struct wasm_functype *t = &m->types[i];
		if (!read_types(r, "parameter types", &t->params, &t->nparams) ||
		    !read_types(r, "result types", &t->results, &t->nresults))
			return false;
	}
	return true;
}

/* Table and memory limits: a flag byte (bit 0: a maximum follows; bit 1:
 * shared; bit 2: 64-bit indices), the minimum, maybe the maximum. */
static bool read_limits(struct reader *r, uint64_t *min, const char *what)
{
	uint8_t flags;
	uint64_t max;
	const uint8_t *at = r->p;
	if (!read_byte(r, &flags, what))
		return false;
	if (flags > 7)
		return fail(r, at, "%s: limits flag 0x%02x is not defined", what, flags);
	unsigned bits = flags & 4 ? 64 : 32;
	return read_leb(r, bits, min, what) && (!(flags & 1) || read_leb(r, bits, &max, what));
}

/* A memory's limits: at most 2^16 pages of 64 KiB with 32-bit indices,
 * 2^48 with 64-bit ones (the whole address space). */
static bool read_memory(struct reader *r, struct wasm_module *m, const char *what)
{
	const uint8_t *at = r->p;
	uint64_t min;
	if (!read_limits(r, &min, what))
		return false;
	uint64_t limit = *at & 4 ? (uint64_t)1 << 48 : (uint64_t)1 << 16;
	if (min > limit)
		return fail(r, at, "%s: %llu pages of 64 KiB exceed the %llu a memory can have", what,
			    (unsigned long long)min, (unsigned long long)limit);
	if (!m->has_memory)
		m->has_memory = true, m->memory_min = min;
	m->count[WASM_MEMORY]++;
	return true;
}

static bool import_section(struct reader *r, struct wasm_module *m)
{
	if (!read_count(r, &m->nimports, 4, "import section"))
		return false;
	m->imports = calloc(m->nimports ? m->nimports : 1, sizeof *m->imports);
	if (!m->imports)
		return fail(r, r->p, "out of memory");
	for (uint32_t i = 0; i < m->nimports; i++) {
		struct wasm_import *im = &m->imports[i];
		uint8_t b;
		uint64_t min;
		const uint8_t *at;
		if (!read_name(r, &im->module, "import module name") ||
		    !read_name(r, &im->name, "import name"))
			return false;
		at = r->p;
		if (!read_byte(r, &im->kind, "import"))
			return false;
		switch (im->kind) {
		case WASM_FUNC:
		case WASM_TAG:
			if (im->kind == WASM_TAG && !read_byte(r, &b, "tag import"))
				return false;
			at = r->p;
			if (!read_u32(r, &im->type, "import type index"))
				return false;
			if (im->type >= m->ntypes)
				return fail(r, at, "import %.*s.%.*s: type index %u out of range (%u types)",
					    (int)im->module.len, im->module.ptr, (int)im->name.len,
					    im->name.ptr, im->type, m->ntypes);
			break;
		case WASM_TABLE:
			if (!read_byte(r, &b, "table import") || !read_limits(r, &min, "table import"))
				return false;
			break;
		case WASM_MEMORY:
			if (!read_memory(r, m, "memory import"))
				return false;
			m->count[WASM_MEMORY]--; /* counted below, with the others */
			break;
		case WASM_GLOBAL:
			if (!read_byte(r, &b, "global import") || !read_byte(r, &b, "global import"))
				return false;
			break;
		default:
			return fail(r, at, "import %u: kind 0x%02x is not defined", i, im->kind);
		}
		m->count[im->kind]++;
	}
	m->nfunc_imports = m->count[WASM_FUNC];
	return true;
}

static bool function_section(struct reader *r, struct wasm_module *m)
{
	if (!read_count(r, &m->nfuncs, 1, "function section"))
		return false;
	m->count[WASM_FUNC] += m->nfuncs;
	m->funcs = calloc(m->nfuncs ? m->nfuncs : 1, sizeof *m->funcs);
	if (!m->funcs)
		return fail(r, r->p, "out of memory");
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		const uint8_t *at = r->p;
		if (!read_u32(r, &m->funcs[i], "function section"))
			return false;
		if (m->funcs[i] >= m->ntypes)
			return fail(r, at, "function %u: type index %u out of range (%u types)",
				    m->nfunc_imports + i, m->funcs[i], m->ntypes);
	}
	return true;
}

static bool memory_section(struct reader *r, struct wasm_module *m)
{
	uint32_t n;
	if (!read_count(r, &n, 2, "memory section"))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!read_memory(r, m, "memory section"))
			return false;
	return true;
}

/* Tables, globals and tags: only their number, for export indices. */
static bool count_section(struct reader *r, struct wasm_module *m, uint8_t kind, const char *what)
{
	uint32_t n;
	if (!read_count(r, &n, 1, what))
		return false;
	m->count[kind] += n;
	r->p = r->end;
	return true;
}

static int name_cmp(const struct wasm_name *a, const struct wasm_name *b)
{
	int c = memcmp(a->ptr, b->ptr, a->len < b->len ? a->len : b->len);
	return c ? c : a->len == b->len ? 0 : a->len < b->len ? -1 : 1;
}

static int by_name(const void *a, const void *b)
{
	const struct wasm_export *x = *(const struct wasm_export *const *)a;
	const struct wasm_export *y = *(const struct wasm_export *const *)b;
	int c = name_cmp(&x->name, &y->name);
	return c ? c : x < y ? -1 : x > y; /* equal names: in file order */
}

/* Export names are unique, checked on the exports sorted by name (kept
 * for wasm_find_export), so that a module of many exports costs n log n.
 * The second of two is reported. */
static bool unique_exports(struct reader *r, struct wasm_module *m)
{
	const struct wasm_export **sorted = malloc((m->nexports ? m->nexports : 1) * sizeof *sorted);
	if (!sorted)
		return fail(r, r->p, "out of memory");
	for (uint32_t i = 0; i < m->nexports; i++)
		sorted[i] = &m->exports[i];
	qsort(sorted, m->nexports, sizeof *sorted, by_name);
	m->by_name = sorted;
	const struct wasm_export *dup = NULL;
	for (uint32_t i = 1; i < m->nexports && !dup; i++)
		if (name_cmp(&sorted[i]->name, &sorted[i - 1]->name) == 0)
			dup = sorted[i];
	if (dup)
		return fail(r, (const uint8_t *)dup->name.ptr, "export %.*s: name exported twice",
			    (int)dup->name.len, dup->name.ptr);
	return true;
}

static bool export_section(struct reader *r, struct wasm_module *m)
{
	if (!read_count(r, &m->nexports, 3, "export section"))
		return false;
	m->exports = calloc(m->nexports ? m->nexports : 1, sizeof *m->exports);
	if (!m->exports)
		return fail(r, r->p, "out of memory");
	for (uint32_t i = 0; i < m->nexports; i++) {
		struct wasm_export *x = &m->exports[i];
		const uint8_t *at;
		if (!read_name(r, &x->name, "export name"))
			return false;
		at = r->p;
		if (!read_byte(r, &x->kind, "export"))
			return false;
		if (x->kind > WASM_TAG)
			return fail(r, at, "export %.*s: kind 0x%02x is not defined", (int)x->name.len,
				    x->name.ptr, x->kind);
		at = r->p;
		if (!read_u32(r, &x->index, "export index"))
			return false;
		if (x->index >= m->count[x->kind])
			return fail(r, at, "export %.*s: %s index %u out of range (%u %ss)",
				    (int)x->name.len, x->name.ptr, wasm_kind_name(x->kind), x->index,
				    m->count[x->kind], wasm_kind_name(x->kind));
	}
	return unique_exports(r, m);
}

/* The code section must hold one body per function the function section
 * declares; the bodies themselves are not read. */
static bool code_section(struct reader *r, struct wasm_module *m)
{
	uint32_t n;
	const uint8_t *at = r->p;
	if (!read_u32(r, &n, "code section"))
		return false;
	if (n != m->nfuncs)
		return fail(r, at, "code section has %u function bodies for %u declared functions", n,
			    m->nfuncs);
	r->p = r->end;
	return true;
}

/* Section ids in the order a module must list them (custom sections, id 0,
 * may stand anywhere). */
static int section_rank(uint8_t id)
{
	/* type import function table memory global export start element code data datacount tag */
	static const int rank[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6 };
	return id < sizeof rank / sizeof rank[0] ? rank[id] : -1;
}

static const char *const section_names[] = {
	"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "element", "code", "data", "data count", "tag",
};

static bool read_section(struct reader *r, uint8_t id, struct wasm_module *m)
{
	switch (id) {
	case 0: {
		struct wasm_name name;
		if (!read_name(r, &name, "custom section"))
			return false;
		r->p = r->end;
		return true;
	}
	case 1: return type_section(r, m);
	case 2: return import_section(r, m);
	case 3: return function_section(r, m);
	case 4: return count_section(r, m, WASM_TABLE, "table section");
	case 5: return memory_section(r, m);
	case 6: return count_section(r, m, WASM_GLOBAL, "global section");
	case 7: return export_section(r, m);
	case 13: return count_section(r, m, WASM_TAG, "tag section");
	case 10: return code_section(r, m);
	default:
		r->p = r->end; /* tables, globals, data...: not needed */
		return true;
	}
}

bool wasm_read(const uint8_t *bytes, size_t len, struct wasm_module *m, struct wasm_error *err)
{
	static const uint8_t magic[4] = { 0, 'a', 's', 'm' };
	struct reader r = { bytes, bytes, bytes + len, err, false };
	memset(m, 0, sizeof *m);
	if (len < 4 || memcmp(bytes, magic, 4) != 0)
		return fail(&r, bytes, "not a WebAssembly binary: it does not start with \\0asm");
	if (len < 8)
		return fail(&r, bytes + 4, "unexpected end of the version");
	if (bytes[4] != 1 || bytes[5] || bytes[6] || bytes[7])
		return fail(&r, bytes + 4, "version %u is not 1 (a component or a newer format?)",
			    bytes[4] | bytes[5] << 8 | bytes[6] << 16 | (unsigned)bytes[7] << 24);
	r.p = bytes + 8;
	int last = 0;
	bool has_funcs = false, has_code = false;
	while (r.p < r.end && !r.failed) {
		const uint8_t *at = r.p;
		uint8_t id;
		uint32_t size;
		read_byte(&r, &id, "section id");
		int rank = section_rank(id);
		if (rank < 0) {
			fail(&r, at, "unknown section id %u", id);
			break;
		}
		if (id && rank <= last) {
			fail(&r, at, "%s section out of order or repeated", section_names[id]);
			break;
		}
		if (!read_u32(&r, &size, "section size"))
			break;
		if ((size_t)(r.end - r.p) < size) {
			fail(&r, at, "%s section of %u bytes runs past the end of the file (%zu left)",
			     section_names[id], size, (size_t)(r.end - r.p));
			break;
		}
		struct reader sec = { bytes, r.p, r.p + size, err, false };
		if (!read_section(&sec, id, m)) {
			r.failed = true;
			break;
		}
		if (sec.p != sec.end) {
			fail(&r, sec.p, "%s section has %zu bytes after its contents", section_names[id],
			     (size_t)(sec.end - sec.p));
			break;
		}
		r.p = sec.end;
		if (id) {
			last = rank;
			has_funcs |= id == 3;
			has_code |= id == 10;
		}
	}
	if (!r.failed && has_funcs && m->nfuncs && !has_code)
		fail(&r, r.end, "%u functions are declared but the code section is missing", m->nfuncs);
	if (r.failed) {
		wasm_module_release(m);
		return false;
	}
	return true;
}

void wasm_module_release(struct wasm_module *m)
{
	free(m->types);
	free(m->imports);
	free(m->funcs);
	free(m->exports);
	free(m->by_name);
	memset(m, 0, sizeof *m);
}

const struct wasm_functype *wasm_func_type(const struct wasm_module *m, uint32_t index)
{
	if (index < m->nfunc_imports) {
		for (uint32_t i = 0; i < m->nimports; i++)
			if (m->imports[i].kind == WASM_FUNC && index-- == 0)
				return &m->types[m->imports[i].type];
		return NULL;
	}
	index -= m->nfunc_imports;
	return index < m->nfuncs ? &m->types[m->funcs[index]] : NULL;
}

const struct wasm_export *wasm_find_export(const struct wasm_module *m, const char *name)
{
	struct wasm_name key = { name, (uint32_t)strlen(name) };
	uint32_t lo = 0, hi = m->nexports;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct wasm_export *x = m->by_name[mid];
		int c = name_cmp(&x->name, &key);
		if (!c)
			return x;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *wasm_type_name(uint8_t type)
{
	switch (type) {
	case WASM_I32: return "i32";
	case WASM_I64: return "i64";
	case WASM_F32: return "f32";
	case WASM_F64: return "f64";
	case WASM_V128: return "v128";
	case WASM_FUNCREF: return "funcref";
	case WASM_EXTERNREF: return "externref";
	default: return "?";
	}
}

const char *wasm_kind_name(uint8_t kind)
{
	static const char *const names[] = { "function", "table", "memory", "global", "tag" };
	return kind <= WASM_TAG ? names[kind] : "?";
}
