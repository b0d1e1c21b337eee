/*
 * check_wasm.c - a fleet checked against its WebAssembly binaries: every
 * declared export exists in the module's binary with the declared
 * signature, every step runs on a device that offers the functions its
 * module imports and has the memory it starts with, and `on any` is
 * resolved here, once, so that every target sees the same placement.
 *
 * Placement of `on any`: the first device in declaration order that offers
 * the module's imports, has its memory (a device without `memory` is not
 * limited) and does not already run the same function in the deployment
 * (a supervisor keeps one endpoint and one next step per function of a
 * deployment).  The chosen device becomes the step's `devices`.
 */
#include "sema_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "paths.h"
#include "wasm_binary.h"

/* A module and what its binary says (ok false: unreadable, reported). */
struct binary {
	const struct m_entity *module;
	const char *path;
	struct strbuf bytes;
	struct wasm_module wm;
	bool ok;
};

static void load(struct sema *s, struct binary *b)
{
	const struct m_value *v = m_field(b->module, "wasm");
	strbuf_init(&b->bytes);
	if (!v || v->kind != V_STRING)
		return;
	b->path = path_in_source(&s->ctx->arena, &s->ctx->sources, v->span, v->u.s.ptr);
	int err = strbuf_read_file(&b->bytes, b->path);
	if (err) {
		struct diag *d = diag_report(&s->ctx->diags, E0414, v->span,
					     "cannot read the binary of module '%s': %s: %s",
					     b->module->name->name, v->u.s.ptr, strerror(err));
		diag_help(&s->ctx->diags, d, "the path is relative to the directory of the file "
					     "that declares the module");
		return;
	}
	struct wasm_error we = { 0, "" };
	if (!wasm_read((const uint8_t *)b->bytes.buf, b->bytes.len, &b->wm, &we)) {
		diag_report(&s->ctx->diags, E0415, v->span,
			    "%s is not a valid WebAssembly module: at byte %zu (0x%zx): %s",
			    v->u.s.ptr, we.offset, we.offset, we.message);
		return;
	}
	b->ok = true;
}

/* The wasm value type of a declared parameter or result type: 0 for a
 * file (passed as a mount, not as an argument), -1 for a type no wasm
 * value carries. */
static int value_type(const struct m_value *t)
{
	static const struct { const char *name; uint8_t type; } map[] = {
		{ "i32", WASM_I32 }, { "i64", WASM_I64 }, { "f32", WASM_F32 }, { "f64", WASM_F64 },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(t->u.s.ptr, map[i].name) == 0)
			return map[i].type;
	return fleet_is_file(t->u.s.ptr) ? 0 : -1;
}

static void format_types(struct strbuf *sb, const uint8_t *types, uint32_t n)
{
	strbuf_addch(sb, '(');
	for (uint32_t i = 0; i < n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", wasm_type_name(types[i]));
	strbuf_addch(sb, ')');
}

/* What the binary's function looks like: "(i32, i32) -> i32". */
static void format_functype(struct strbuf *sb, const struct wasm_functype *f)
{
	format_types(sb, f->params, f->nparams);
	strbuf_addstr(sb, " -> ");
	if (f->nresults == 1)
		strbuf_addstr(sb, wasm_type_name(f->results[0]));
	else
		format_types(sb, f->results, f->nresults);
}

/* The declared signature in wasm terms; false (reported) when a type has
 * no wasm value.  A file parameter is a mount, not an argument; a file or
 * missing result may come back as nothing or as an i32 status. */
static bool declared_types(struct sema *s, const struct m_entity *x, uint8_t **params,
			   uint32_t *nparams, int *result)
{
	const struct m_value *ps = m_field(x, "params"), *r = m_field(x, "result");
	*nparams = 0;
	*params = arena_alloc(&s->ctx->arena, (ps ? ps->u.map.len : 0) + 1);
	for (uint32_t i = 0; ps && i < ps->u.map.len; i++) {
		const struct m_value *t = ps->u.map.entries[i].value;
		int vt = value_type(t);
		if (vt < 0) {
			struct diag *d = diag_report(&s->ctx->diags, E0417, t->span,
						     "parameter '%s' of export '%s' is %s, which no "
						     "WebAssembly value carries",
						     ps->u.map.entries[i].key->name, x->name->name, t->u.s.ptr);
			diag_help(&s->ctx->diags, d, "use i32, i64, f32 or f64, or file(\"media/type\") "
						     "for a file passed as a mount");
			return false;
		}
		if (vt)
			(*params)[(*nparams)++] = (uint8_t)vt;
	}
	*result = r ? value_type(r) : 0;
	if (*result < 0) {
		struct diag *d = diag_report(&s->ctx->diags, E0417, r->span,
					     "export '%s' returns %s, which no WebAssembly value carries",
					     x->name->name, r->u.s.ptr);
		diag_help(&s->ctx->diags, d, "use i32, i64, f32 or f64, or file(\"media/type\") for "
					     "a file written to an output mount");
		return false;
	}
	return true;
}

static bool signature_matches(const struct wasm_functype *f, const uint8_t *params,
			      uint32_t nparams, int result)
{
	if (f->nparams != nparams || memcmp(f->params, params, nparams) != 0)
		return false;
	if (result > 0)
		return f->nresults == 1 && f->results[0] == result;
	return f->nresults == 0 || (f->nresults == 1 && f->results[0] == WASM_I32);
}

static void missing_export(struct sema *s, const struct binary *b, const struct m_entity *x,
			   const struct wasm_export *found)
{
	const char *file = m_field(b->module, "wasm")->u.s.ptr;
	if (found) {
		diag_report(&s->ctx->diags, E0416, x->span,
			    "module '%s' declares the function '%s', but %s exports '%s' as a %s",
			    b->module->name->name, x->name->name, file, x->name->name,
			    wasm_kind_name(found->kind));
		return;
	}
	struct diag *d = diag_report(&s->ctx->diags, E0416, x->span,
				     "module '%s' declares export '%s', but %s exports no function '%s'",
				     b->module->name->name, x->name->name, file, x->name->name);
	struct strbuf names;
	strbuf_init(&names);
	const char *best = NULL;
	size_t best_dist = 3;
	for (uint32_t i = 0; i < b->wm.nexports; i++) {
		const struct wasm_export *e = &b->wm.exports[i];
		if (e->kind != WASM_FUNC)
			continue;
		strbuf_addf(&names, "%s%.*s", names.len ? ", " : "", (int)e->name.len, e->name.ptr);
		size_t dist = name_distance((struct str){ x->name->name, strlen(x->name->name) },
					    (struct str){ e->name.ptr, e->name.len });
		if (dist < best_dist) {
			best_dist = dist;
			best = arena_strndup(&s->ctx->arena, e->name.ptr, e->name.len);
		}
	}
	if (best)
		diag_help(&s->ctx->diags, d, "did you mean '%s'?", best);
	else
		diag_help(&s->ctx->diags, d, "the binary exports %s",
			  names.len ? names.buf : "no functions");
	strbuf_release(&names);
}

static void check_export(struct sema *s, const struct binary *b, const struct m_entity *x)
{
	const struct wasm_export *e = wasm_find_export(&b->wm, x->name->name);
	if (!e || e->kind != WASM_FUNC) {
		missing_export(s, b, x, e);
		return;
	}
	uint8_t *params;
	uint32_t nparams;
	int result;
	if (!declared_types(s, x, &params, &nparams, &result))
		return;
	const struct wasm_functype *f = wasm_func_type(&b->wm, e->index);
	if (signature_matches(f, params, nparams, result))
		return;
	struct strbuf want, have;
	strbuf_init(&want);
	strbuf_init(&have);
	format_types(&want, params, nparams);
	strbuf_addf(&want, " -> %s", result > 0 ? wasm_type_name((uint8_t)result) : "() or i32");
	format_functype(&have, f);
	struct diag *d = diag_report(&s->ctx->diags, E0417, x->span,
				     "export '%s' is declared %s in wasm terms, but the binary's '%s' is %s",
				     x->name->name, want.buf, x->name->name, have.buf);
	diag_help(&s->ctx->diags, d, "a file parameter is a mount, not an argument; a file or "
				     "missing result comes back as nothing or an i32 status");
	strbuf_release(&want);
	strbuf_release(&have);
}

/* ---- mounts ---------------------------------------------------------------- */

/* Every mount: its path stays in the function's directory, its source can
 * be read. */
static void check_mount(struct sema *s, const struct m_entity *mnt)
{
	const struct m_value *path = m_field(mnt, "path"), *src = m_field(mnt, "source");
	if (path && !path_stays_inside(path->u.s.ptr))
		diag_report(&s->ctx->diags, E0422, path->span,
			    "mount path '%s' leaves the function's directory: it is a relative "
			    "path without '.' or '..'", path->u.s.ptr);
	if (!src || src->kind != V_STRING)
		return;
	struct strbuf sb;
	strbuf_init(&sb);
	int err = strbuf_read_file(&sb, path_in_source(&s->ctx->arena, &s->ctx->sources, src->span,
						       src->u.s.ptr));
	if (err) {
		struct diag *d = diag_report(&s->ctx->diags, E0414, src->span,
					     "cannot read the source of mount '%s': %s: %s",
					     mnt->name->name, src->u.s.ptr, strerror(err));
		diag_help(&s->ctx->diags, d, "the path is relative to the directory of the file "
					     "that declares the mount");
	}
	strbuf_release(&sb);
}

/* Calls check_mount for the mounts among `e`'s children. */
static void check_mounts(struct sema *s, const struct m_entity *e)
{
	for (uint32_t i = 0; i < e->nchildren; i++)
		if (e->children[i]->kind == KIND_MOUNT)
			check_mount(s, e->children[i]);
}

/* Whether export `x` of module `m` (or `m` itself) mounts a file of `stage`
 * and media type `media` (any when empty). */
static bool has_mount(const struct m_entity *m, const struct m_entity *x, const char *stage,
		      struct str media)
{
	const struct m_entity *owners[2] = { x, m };
	for (int o = 0; o < 2; o++)
		for (uint32_t i = 0; i < owners[o]->nchildren; i++) {
			const struct m_entity *mnt = owners[o]->children[i];
			if (mnt->kind != KIND_MOUNT || strcmp(fleet_mount_stage(mnt), stage) != 0)
				continue;
			const char *mt = m_string(mnt, "media_type");
			if (!media.len || (mt && strlen(mt) == media.len &&
					   memcmp(mt, media.ptr, media.len) == 0))
				return true;
		}
	return false;
}

/* A file crosses into or out of a function only through a mount: its
 * parameter is an execution mount, its result the output mount. */
static void check_file_mounts(struct sema *s, const struct m_entity *m, const struct m_entity *x)
{
	const struct m_value *ps = m_field(x, "params"), *r = m_field(x, "result");
	for (uint32_t i = 0; ps && i < ps->u.map.len; i++) {
		const struct m_value *t = ps->u.map.entries[i].value;
		if (value_type(t) != 0)
			continue;
		struct str media = fleet_file_media(t->u.s.ptr);
		if (has_mount(m, x, "execution", media))
			continue;
		struct diag *d = diag_report(&s->ctx->diags, E0418, t->span,
					     "parameter '%s' of '%s' is a file, but '%s' mounts no "
					     "execution-stage file of media type %.*s",
					     ps->u.map.entries[i].key->name, x->name->name, x->name->name,
					     (int)media.len, media.ptr);
		diag_help(&s->ctx->diags, d, "the supervisor hands a file to a function as a mount: "
					     "mount input { stage = execution, path = \"input\", "
					     "media_type = \"%.*s\" }", (int)media.len, media.ptr);
	}
	if (r && value_type(r) == 0) {
		struct str media = fleet_file_media(r->u.s.ptr);
		if (has_mount(m, x, "output", media))
			return;
		struct diag *d = diag_report(&s->ctx->diags, E0418, r->span,
					     "'%s' returns a file, but mounts no output-stage file of "
					     "media type %.*s", x->name->name, (int)media.len, media.ptr);
		diag_help(&s->ctx->diags, d, "the file the function writes is its result: mount "
					     "output { stage = output, path = \"output\", "
					     "media_type = \"%.*s\" }", (int)media.len, media.ptr);
	}
}

/* ---- placement --------------------------------------------------------------- */

static bool offers(const struct m_entity *dev, const struct wasm_name *name)
{
	const struct m_value *ifs = m_field(dev, "interfaces");
	for (uint32_t i = 0; ifs && i < ifs->u.list.len; i++) {
		const char *w = ifs->u.list.items[i]->u.sym->name;
		if (strlen(w) == name->len && memcmp(w, name->ptr, name->len) == 0)
			return true;
	}
	return false;
}

/* A memory size as people write it: 64 MiB, or bytes. */
static void add_size(struct strbuf *sb, uint64_t bytes)
{
	static const char *const units[] = { "GiB", "MiB", "KiB" };
	for (int i = 0; i < 3; i++) {
		uint64_t unit = 1ull << (10 * (3 - i));
		if (bytes >= unit && bytes % unit == 0) {
			strbuf_addf(sb, "%llu %s", (unsigned long long)(bytes / unit), units[i]);
			return;
		}
	}
	strbuf_addf(sb, "%llu bytes", (unsigned long long)bytes);
}

/* Why `dev` cannot run the binary (appended to `why`), or true. */
static bool fits(const struct binary *b, const struct m_entity *dev, struct strbuf *why)
{
	size_t start = why->len;
	unsigned missing = 0;
	for (uint32_t i = 0; i < b->wm.nimports; i++) {
		const struct wasm_import *im = &b->wm.imports[i];
		if (im->kind != WASM_FUNC || offers(dev, &im->name))
			continue;
		strbuf_addf(why, "%s%.*s.%.*s", missing++ ? ", " : "lacks ", (int)im->module.len,
			    im->module.ptr, (int)im->name.len, im->name.ptr);
	}
	const struct m_value *mem = m_field(dev, "memory");
	/* 2^48 pages (the memory64 limit) are 2^64 bytes: saturate. */
	uint64_t pages = b->wm.has_memory ? b->wm.memory_min : 0;
	uint64_t need = pages > UINT64_MAX / WASM_PAGE_SIZE ? UINT64_MAX : pages * WASM_PAGE_SIZE;
	if (mem && (uint64_t)mem->u.i < need) {
		strbuf_addstr(why, missing ? "; has " : "has ");
		add_size(why, (uint64_t)mem->u.i);
		strbuf_addstr(why, " of memory, and the module starts with ");
		add_size(why, need);
		strbuf_addf(why, " (%llu pages of 64 KiB)", (unsigned long long)b->wm.memory_min);
	}
	return why->len == start;
}

static const struct binary *binary_of(const struct binary *bins, uint32_t n,
				      const struct m_entity *module)
{
	for (uint32_t i = 0; i < n; i++)
		if (bins[i].module == module)
			return &bins[i];
	return NULL;
}

/* Whether an earlier step of the deployment runs the same function on `dev`. */
static const struct m_entity *placed_before(const struct m_entity *dep, const struct m_entity *step,
					     const struct m_entity *dev)
{
	const struct m_value *mod = m_field(step, "module"), *fn = m_field(step, "function");
	for (uint32_t i = 0; i < dep->nchildren && dep->children[i] != step; i++) {
		const struct m_entity *o = dep->children[i];
		if (o->kind != KIND_STEP)
			continue;
		const struct m_value *omod = m_field(o, "module"), *ofn = m_field(o, "function");
		const struct m_value *devs = m_field(o, "devices");
		if (!omod || !ofn || !devs || !devs->u.list.len || omod->u.ref.ref != mod->u.ref.ref ||
		    ofn->u.sym != fn->u.sym)
			continue;
		if (devs->u.list.items[0]->u.ref.ref == dev)
			return o;
	}
	return NULL;
}

static void place_any(struct sema *s, const struct m_entity *fleet, const struct m_entity *dep,
		      struct m_entity *step, const struct binary *b)
{
	struct strbuf why;
	strbuf_init(&why);
	for (uint32_t i = 0; i < fleet->nchildren; i++) {
		struct m_entity *dev = fleet->children[i];
		if (dev->kind != KIND_DEVICE)
			continue;
		size_t mark = why.len;
		strbuf_addf(&why, "\n  '%s' ", dev->name->name);
		size_t reason = why.len;
		if (placed_before(dep, step, dev))
			strbuf_addstr(&why, "runs this function already in the deployment");
		else if (fits(b, dev, &why)) {
			struct m_value *list = value_new(s, V_LIST, step->span);
			struct m_value *ref = value_new(s, V_REF, step->span);
			ref->u.ref.ref = dev;
			list->u.list.items = arena_alloc(&s->ctx->arena, sizeof *list->u.list.items);
			list->u.list.items[0] = ref;
			list->u.list.len = 1;
			for (uint32_t f = 0; f < step->nfields; f++)
				if (strcmp(step->field_names[f]->name, "devices") == 0)
					step->fields[f] = list;
			strbuf_release(&why);
			return;
		}
		if (why.len == reason)
			strbuf_setlen(&why, mark);
	}
	struct diag *d = diag_report(&s->ctx->diags, E0420, step->span,
				     "no device of fleet '%s' can run '%s.%s'", fleet->name->name,
				     b->module->name->name, m_field(step, "function")->u.sym->name);
	diag_help(&s->ctx->diags, d, "the devices in declaration order:%s",
		  why.len ? why.buf : " none is declared");
	strbuf_release(&why);
}

static void check_placed(struct sema *s, const struct m_entity *dep, const struct m_entity *step,
			 const struct binary *b)
{
	const struct m_value *devs = m_field(step, "devices");
	for (uint32_t i = 0; devs && i < devs->u.list.len; i++) {
		const struct m_value *ref = devs->u.list.items[i];
		const struct m_entity *dev = ref->u.ref.ref;
		struct strbuf why;
		strbuf_init(&why);
		if (!fits(b, dev, &why)) {
			struct diag *d = diag_report(&s->ctx->diags, E0419, ref->span,
						     "device '%s' cannot run module '%s': it %s",
						     dev->name->name, b->module->name->name, why.buf);
			diag_note(&s->ctx->diags, d, dev->span, "device '%s' is declared here",
				  dev->name->name);
		}
		strbuf_release(&why);
	}
	const struct m_entity *first = devs && devs->u.list.len
					       ? placed_before(dep, step, devs->u.list.items[0]->u.ref.ref)
					       : NULL;
	if (first) {
		struct diag *d = diag_report(&s->ctx->diags, E0421, step->span,
					     "'%s.%s' runs on '%s' twice in deployment '%s'",
					     b->module->name->name, m_field(step, "function")->u.sym->name,
					     devs->u.list.items[0]->u.ref.ref->name->name, dep->name->name);
		diag_note(&s->ctx->diags, d, first->span, "first placed here");
		diag_help(&s->ctx->diags, d, "a supervisor keeps one endpoint and one next step per "
					     "function of a deployment: place the second step on "
					     "another device");
	}
}

/* A deployment's mount supplies the deployment-stage file of that path to
 * the modules of its steps: it has a source, and some step's module or
 * function mounts the path. */
static void check_supply(struct sema *s, const struct m_entity *dep, const struct m_entity *mnt)
{
	if (strcmp(fleet_mount_stage(mnt), "deployment") || !m_field(mnt, "source")) {
		diag_report(&s->ctx->diags, E0422, mnt->span,
			    "mount '%s' of deployment '%s' supplies no file: a deployment's mount "
			    "has stage = deployment and a source", mnt->name->name, dep->name->name);
		return;
	}
	const char *path = fleet_mount_path(mnt);
	for (uint32_t i = 0; i < dep->nchildren; i++) {
		const struct m_entity *step = dep->children[i];
		const struct m_value *mod = m_field(step, "module"), *fn = m_field(step, "function");
		if (step->kind != KIND_STEP || !mod || !fn)
			continue;
		const struct m_entity *m = mod->u.ref.ref, *x = m_child(m, KIND_EXPORT, fn->u.sym);
		if (fleet_deployment_mount(m, path) || (x && fleet_deployment_mount(x, path)))
			return;
	}
	diag_report(&s->ctx->diags, E0422, mnt->span,
		    "mount '%s' of deployment '%s' supplies '%s', which no function of the "
		    "deployment mounts at the deployment stage", mnt->name->name, dep->name->name, path);
}

/* The deployment-stage mounts of `owner` (the step's module or export)
 * without a source of their own must be supplied by the deployment. */
static void check_supplied(struct sema *s, const struct m_entity *dep, const struct m_entity *step,
			   const struct m_entity *module, const struct m_entity *owner)
{
	for (uint32_t i = 0; i < owner->nchildren; i++) {
		const struct m_entity *mnt = owner->children[i];
		if (mnt->kind != KIND_MOUNT || strcmp(fleet_mount_stage(mnt), "deployment") ||
		    m_field(mnt, "source") || fleet_supplied(dep, fleet_mount_path(mnt)))
			continue;
		struct diag *d = diag_report(&s->ctx->diags, E0422, step->span,
					     "module '%s' needs its deployment-stage file '%s', and "
					     "neither the mount nor deployment '%s' gives its source",
					     module->name->name, fleet_mount_path(mnt), dep->name->name);
		diag_note(&s->ctx->diags, d, mnt->span, "the mount");
	}
}

static void check_deployment(struct sema *s, const struct m_entity *fleet, struct m_entity *dep,
			     const struct binary *bins, uint32_t nbins)
{
	for (uint32_t i = 0; i < dep->nchildren; i++) {
		struct m_entity *step = dep->children[i];
		const struct m_value *mod = m_field(step, "module");
		if (step->kind == KIND_MOUNT)
			check_supply(s, dep, step);
		if (step->kind != KIND_STEP || !mod || !m_field(step, "function"))
			continue;
		const struct binary *b = binary_of(bins, nbins, mod->u.ref.ref);
		if (!b || !b->ok)
			continue;
		if (m_flag(step, "any"))
			place_any(s, fleet, dep, step, b);
		else
			check_placed(s, dep, step, b);
		check_supplied(s, dep, step, b->module, b->module);
		const struct m_entity *x = m_child(b->module, KIND_EXPORT, m_field(step, "function")->u.sym);
		if (x)
			check_supplied(s, dep, step, b->module, x);
	}
}

void check_wasm(struct sema *s, const struct m_entity *fleet)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < fleet->nchildren; i++)
		n += fleet->children[i]->kind == KIND_MODULE;
	struct binary *bins = calloc(n ? n : 1, sizeof *bins);
	if (!bins)
		return;
	n = 0;
	for (uint32_t i = 0; i < fleet->nchildren; i++) {
		const struct m_entity *m = fleet->children[i];
		if (m->kind != KIND_MODULE)
			continue;
		struct binary *b = &bins[n++];
		b->module = m;
		load(s, b);
		check_mounts(s, m);
		for (uint32_t k = 0; k < m->nchildren; k++) {
			const struct m_entity *x = m->children[k];
			if (x->kind != KIND_EXPORT)
				continue;
			check_mounts(s, x);
			check_file_mounts(s, m, x);
			if (b->ok)
				check_export(s, b, x);
		}
	}
	for (uint32_t i = 0; i < fleet->nchildren; i++)
		if (fleet->children[i]->kind == KIND_DEPLOYMENT) {
			check_mounts(s, fleet->children[i]);
			check_deployment(s, fleet, fleet->children[i], bins, n);
		}
	for (uint32_t i = 0; i < n; i++) {
		wasm_module_release(&bins[i].wm);
		strbuf_release(&bins[i].bytes);
	}
	free(bins);
}
