/*
 * wasm.c - fleets to what wasmiot supervisors run, under DIR/wasm/<fleet>/:
 *
 *   <module>.wasm                the checked binary, copied
 *   <module>.openapi.json        OpenAPI 3.0 description of its exports
 *   <module>.files/<path>        deployment-stage files of the module
 *   <deployment>/manifest.json   {name, sequence}: the orchestrator manifest
 *   <deployment>/<device>.json   the body of POST /deploy to that device
 *   <deployment>/<module>.files/<path>  files the deployment supplies
 *
 * Placement (`on any`) was decided by the checks (check_wasm.c): a step's
 * first device runs it, the others are failovers listed in the manifest.
 * Ids are UUIDv5 of qualified names, so a rebuild deploys the same ids.
 * Field names follow the orchestrator's DeploymentNode and the
 * supervisor's deployment_create (SEED-SYSTEMS.md, section 3b).
 */
#include <jansson.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "fleet.h"
#include "lex.h"
#include "model.h"
#include "orchc.h"
#include "output.h"
#include "paths.h"
#include "sha256.h"
#include "str.h"
#include "target.h"
#include "uuid5.h"

struct wasm {
	struct target_ctx *t;
	struct arena *a;
	const struct m_entity *fleet;
	const char *dir;     /* wasm/<fleet> */
	const char *package; /* package_url without a trailing '/' */
	char ns[37];         /* the fleet's UUID namespace */
};

static void add_json(struct wasm *w, const char *path, json_t *doc)
{
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addstr(&sb, text);
	strbuf_addch(&sb, '\n');
	output_add_buf(w->t->out, path, &sb, 0644);
	strbuf_release(&sb);
	free(text);
	json_decref(doc);
}

static const char *id_of(struct wasm *w, const char *kind, const char *name)
{
	char *id = arena_alloc(w->a, 37);
	const char *qualified = arena_printf(w->a, "%s/%s/%s", w->fleet->name->name, kind, name);
	uuid5(w->ns, qualified, strlen(qualified), id);
	return id;
}

/* ---- types ------------------------------------------------------------------- */

/* The OpenAPI schema of a declared type: integers and numbers with their
 * format (never wasmiot's invalid "float"), a file as binary. */
static json_t *type_schema(const char *type)
{
	static const struct { const char *name, *type, *format; } map[] = {
		{ "i32", "integer", "int32" }, { "i64", "integer", "int64" },
		{ "f32", "number", "float" }, { "f64", "number", "double" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(type, map[i].name) == 0)
			return json_pack("{s:s, s:s}", "type", map[i].type, "format", map[i].format);
	return json_pack("{s:s, s:s}", "type", "string", "format", "binary");
}

/* The media type of a result: a file's own, JSON for a number. */
static const char *result_media(struct wasm *w, const char *type)
{
	if (!type || !fleet_is_file(type))
		return "application/json";
	struct str media = fleet_file_media(type);
	return media.len ? arena_strndup(w->a, media.ptr, media.len) : "application/octet-stream";
}

/* ---- one export: OpenAPI operation and endpoint ------------------------------ */

/* The mounts of export `x`, then of its module, of `stage` (NULL: all),
 * as the supervisor lists them. */
static json_t *mounts_of(const struct m_entity *m, const struct m_entity *x, const char *stage)
{
	json_t *arr = json_array();
	const struct m_entity *owners[2] = { x, m };
	for (int o = 0; o < 2; o++)
		for (uint32_t i = 0; i < owners[o]->nchildren; i++) {
			const struct m_entity *mnt = owners[o]->children[i];
			if (mnt->kind != KIND_MOUNT || (stage && strcmp(fleet_mount_stage(mnt), stage) != 0))
				continue;
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "path", fleet_mount_path(mnt),
							     "media_type", m_string(mnt, "media_type"),
							     "stage", fleet_mount_stage(mnt)));
		}
	return arr;
}

static json_t *query_parameters(const struct m_entity *x)
{
	json_t *params = json_array();
	const struct m_value *ps = m_field(x, "params");
	for (uint32_t i = 0; ps && i < ps->u.map.len; i++) {
		const char *type = ps->u.map.entries[i].value->u.s.ptr;
		if (fleet_is_file(type))
			continue; /* a mount, in the request body */
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:o}", "name",
							ps->u.map.entries[i].key->name, "in", "query",
							"required", 1, "schema", type_schema(type)));
	}
	return params;
}

/* The multipart body carrying the files each call sends (execution
 * mounts), or NULL when there are none.  Deployment-stage files come with
 * the deployment (urls.other), not with calls. */
static json_t *request_body(const struct m_entity *m, const struct m_entity *x)
{
	json_t *mounts = mounts_of(m, x, "execution"), *props = json_object(), *enc = json_object();
	size_t i;
	json_t *mnt;
	json_array_foreach(mounts, i, mnt) {
		const char *path = json_string_value(json_object_get(mnt, "path"));
		json_object_set_new(props, path, json_pack("{s:s, s:s}", "type", "string", "format", "binary"));
		json_object_set_new(enc, path, json_pack("{s:O}", "contentType",
							 json_object_get(mnt, "media_type")));
	}
	json_decref(mounts);
	if (!json_object_size(props)) {
		json_decref(props);
		json_decref(enc);
		return NULL;
	}
	return json_pack("{s:s, s:{s:s, s:o}, s:o}", "media_type", "multipart/form-data", "schema",
			 "type", "object", "properties", props, "encoding", enc);
}

static json_t *response_schema(const struct m_entity *x)
{
	const struct m_value *r = m_field(x, "result");
	return r ? type_schema(r->u.s.ptr) : json_object();
}

static const char *method_of(const struct m_entity *x)
{
	const struct m_value *v = m_field(x, "method");
	return v ? v->u.sym->name : "post";
}

static const char *doc_or(struct wasm *w, const struct m_entity *e, const char *fallback)
{
	const char *d = m_string(e, "description");
	if (d)
		return d;
	if (e->doc.hi > e->doc.lo) {
		struct strbuf sb;
		strbuf_init(&sb);
		lex_doc_text(w->t->ctx->sources.files[e->doc.file].text, e->doc, &sb);
		const char *s = arena_strndup(w->a, sb.buf, sb.len);
		strbuf_release(&sb);
		if (*s)
			return s;
	}
	return fallback;
}

static json_t *operation(struct wasm *w, const struct m_entity *m, const struct m_entity *x)
{
	const struct m_value *r = m_field(x, "result");
	const char *media = result_media(w, r ? r->u.s.ptr : NULL);
	json_t *op = json_pack("{s:s, s:s, s:o}", "summary",
			       doc_or(w, x, arena_printf(w->a, "Call %s", x->name->name)),
			       "operationId", x->name->name, "parameters", query_parameters(x));
	json_t *body = request_body(m, x);
	if (body) {
		json_t *content = json_pack("{s:{s:O, s:O}}", "multipart/form-data", "schema",
					    json_object_get(body, "schema"), "encoding",
					    json_object_get(body, "encoding"));
		json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 1,
								 "content", content));
		json_decref(body);
	}
	json_object_set_new(op, "responses",
			    json_pack("{s:{s:s, s:{s:{s:o}}}}", "200", "description",
				      r ? "The result" : "Done", "content", media, "schema",
				      response_schema(x)));
	return op;
}

/* ---- modules ----------------------------------------------------------------- */

static const char *call_path(const char *deployment, const struct m_entity *m,
			     const struct m_entity *x, struct arena *a)
{
	return arena_printf(a, "/%s/modules/%s/%s", deployment, m->name->name, x->name->name);
}

static void emit_openapi(struct wasm *w, const struct m_entity *m, const char *digest)
{
	json_t *paths = json_object();
	for (uint32_t i = 0; i < m->nchildren; i++) {
		const struct m_entity *x = m->children[i];
		if (x->kind != KIND_EXPORT)
			continue;
		json_t *item = json_pack("{s:[{s:s, s:s, s:s, s:b, s:{s:s}}]}", "parameters", "name",
					 "deployment", "in", "path", "description", "Deployment ID",
					 "required", 1, "schema", "type", "string");
		json_object_set_new(item, method_of(x), operation(w, m, x));
		json_object_set_new(paths, call_path("{deployment}", m, x, w->a), item);
	}
	json_t *doc = json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:[{s:s, s:{s:{s:s, s:s}, s:{s:s, s:s}}}], s:o}",
		"openapi", "3.0.3",
		"info", "title", m->name->name, "description",
		doc_or(w, m, "Calling microservices defined as WebAssembly functions"),
		"version", digest,
		"servers", "url", "http://{serverIp}:{port}", "variables",
		"serverIp", "default", "localhost", "description", "The supervisor's host",
		"port", "default", "5000", "description", "The supervisor's port",
		"paths", paths);
	add_json(w, arena_printf(w->a, "%s/%s.openapi.json", w->dir, m->name->name), doc);
}

/* Copies a file of the source tree (checked readable by the checks). */
static bool copy_source(struct wasm *w, const struct m_value *src, const char *to, char *digest)
{
	struct strbuf sb;
	strbuf_init(&sb);
	int err = strbuf_read_file(&sb, path_in_source(w->a, &w->t->ctx->sources, src->span,
						       src->u.s.ptr));
	if (err) {
		diag_report(&w->t->ctx->diags, E0414, src->span, "cannot read %s: %s", src->u.s.ptr,
			    strerror(err));
		strbuf_release(&sb);
		return false;
	}
	if (digest) {
		char hex[65];
		sha256_hex(sb.buf, sb.len, hex);
		memcpy(digest, hex, 12);
		digest[12] = '\0';
	}
	output_add_buf(w->t->out, to, &sb, 0644);
	strbuf_release(&sb);
	return true;
}

/* The deployment-stage files with a source that `owner` (module `m` or one
 * of its exports) mounts, under <module>.files/. */
static void emit_module_files(struct wasm *w, const struct m_entity *m, const struct m_entity *owner)
{
	for (uint32_t i = 0; i < owner->nchildren; i++) {
		const struct m_entity *c = owner->children[i];
		const struct m_value *src = c->kind == KIND_MOUNT ? m_field(c, "source") : NULL;
		if (c->kind == KIND_EXPORT)
			emit_module_files(w, m, c);
		else if (src)
			copy_source(w, src, arena_printf(w->a, "%s/%s.files/%s", w->dir, m->name->name,
							 fleet_mount_path(c)), NULL);
	}
}

static void emit_module(struct wasm *w, const struct m_entity *m)
{
	const struct m_value *bin = m_field(m, "wasm");
	char digest[13] = "";
	if (!bin || !copy_source(w, bin, arena_printf(w->a, "%s/%s.wasm", w->dir, m->name->name),
				 digest))
		return;
	emit_openapi(w, m, digest);
	emit_module_files(w, m, m);
}

/* ---- deployments --------------------------------------------------------------- */

struct step {
	const struct m_entity *e, *module, *export, *device;
};

static json_t *endpoint(struct wasm *w, const char *dep_id, const struct step *st)
{
	const struct m_value *r = m_field(st->export, "result");
	json_t *request = json_pack("{s:o}", "parameters", query_parameters(st->export));
	json_t *body = request_body(st->module, st->export);
	if (body)
		json_object_set_new(request, "request_body", body);
	return json_pack("{s:s, s:s, s:s, s:o, s:{s:s, s:o}}", "url",
			 arena_printf(w->a, "http://%s", m_string(st->device, "address")), "path",
			 call_path(dep_id, st->module, st->export, w->a), "method", method_of(st->export),
			 "request", request, "response", "media_type",
			 result_media(w, r ? r->u.s.ptr : NULL), "schema", response_schema(st->export));
}

/* The deployment-stage files module `m` needs in a deployment are those of
 * the module and of the exports the deployment's steps call: the ones the
 * checks demand a source for. */
static bool needs_file(const struct step *steps, uint32_t n, const struct m_entity *m,
		       const char *path)
{
	if (fleet_deployment_mount(m, path))
		return true;
	for (uint32_t k = 0; k < n; k++)
		if (steps[k].module == m && fleet_deployment_mount(steps[k].export, path))
			return true;
	return false;
}

/* Adds to urls.other the deployment-stage files `owner` (module `m` or one
 * of its exports) mounts: from the deployment's directory when it
 * supplies the file, else the module's. */
static void add_other_urls(struct wasm *w, const struct m_entity *dep, const struct m_entity *m,
			   const struct m_entity *owner, json_t *other)
{
	for (uint32_t i = 0; i < owner->nchildren; i++) {
		const struct m_entity *c = owner->children[i];
		if (c->kind != KIND_MOUNT || strcmp(fleet_mount_stage(c), "deployment") != 0)
			continue;
		const char *path = fleet_mount_path(c);
		const char *url = fleet_supplied(dep, path)
			? arena_printf(w->a, "%s/%s/%s.files/%s", w->package, dep->name->name,
				       m->name->name, path)
			: arena_printf(w->a, "%s/%s.files/%s", w->package, m->name->name, path);
		json_object_set_new(other, path, json_string(url));
	}
}

static json_t *module_entry(struct wasm *w, const struct m_entity *dep, const struct step *steps,
			    uint32_t n, const struct m_entity *m)
{
	json_t *other = json_object();
	add_other_urls(w, dep, m, m, other);
	for (uint32_t k = 0; k < n; k++)
		if (steps[k].module == m)
			add_other_urls(w, dep, m, steps[k].export, other);
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:o}}", "id", id_of(w, "module", m->name->name),
			 "name", m->name->name, "urls", "binary",
			 arena_printf(w->a, "%s/%s.wasm", w->package, m->name->name), "description",
			 arena_printf(w->a, "%s/%s.openapi.json", w->package, m->name->name), "other",
			 other);
}

static json_t *step_mounts(const struct step *st)
{
	static const char *const stages[] = { "execution", "deployment", "output" };
	json_t *o = json_object();
	for (int i = 0; i < 3; i++)
		json_object_set_new(o, stages[i], mounts_of(st->module, st->export, stages[i]));
	return o;
}

/* obj[key], created as an empty object when missing. */
static json_t *member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!v) {
		v = json_object();
		json_object_set_new(obj, key, v);
	}
	return v;
}

/* The /deploy body of the device of steps[i], built on first use. */
static json_t *body_of(json_t *bodies, const char *dep_id, const struct m_entity *device)
{
	json_t *b = json_object_get(bodies, device->name->name);
	if (!b) {
		b = json_pack("{s:s, s:[], s:{}, s:{s:{}}, s:{}}", "deploymentId", dep_id, "modules",
			      "endpoints", "instructions", "modules", "mounts");
		json_object_set_new(bodies, device->name->name, b);
	}
	return b;
}

static bool has_module(json_t *modules, const char *name)
{
	size_t i;
	json_t *m;
	json_array_foreach(modules, i, m)
		if (strcmp(json_string_value(json_object_get(m, "name")), name) == 0)
			return true;
	return false;
}

/* The steps in order; false (reported) when the target cannot express
 * the deployment. */
static bool collect_steps(struct wasm *w, const struct m_entity *dep, struct step *steps,
			  uint32_t *n)
{
	*n = 0;
	for (uint32_t i = 0; i < dep->nchildren; i++) {
		const struct m_entity *e = dep->children[i];
		if (e->kind != KIND_STEP)
			continue;
		const struct m_value *devs = m_field(e, "devices");
		struct step st = { e, m_field(e, "module")->u.ref.ref, NULL, NULL };
		st.export = m_child(st.module, KIND_EXPORT, m_field(e, "function")->u.sym);
		st.device = devs && devs->u.list.len ? devs->u.list.items[0]->u.ref.ref : NULL;
		if (!st.export || !st.device)
			return false; /* reported by the checks */
		if (m_field(e, "chain")->u.i != 0) {
			diag_report(&w->t->ctx->diags, E0903, e->span,
				    "deployment '%s' has more than one chain, and a wasmiot manifest "
				    "is one sequence: split it into deployments", dep->name->name);
			return false;
		}
		if (strcmp(st.device->name->name, "manifest") == 0) {
			diag_report(&w->t->ctx->diags, E0903, e->span,
				    "a device named 'manifest' would write its deployment body over "
				    "the deployment's manifest.json: rename the device");
			return false;
		}
		steps[(*n)++] = st;
	}
	return true;
}

static void emit_deployment(struct wasm *w, const struct m_entity *dep)
{
	struct step *steps = arena_alloc(w->a, (dep->nchildren + 1) * sizeof *steps);
	uint32_t n;
	if (!collect_steps(w, dep, steps, &n))
		return;
	const char *dep_id = id_of(w, "deployment", dep->name->name);
	json_t *bodies = json_object(), *sequence = json_array();
	json_t **endpoints = arena_alloc(w->a, (n + 1) * sizeof *endpoints);
	for (uint32_t i = 0; i < n; i++) {
		const struct step *st = &steps[i];
		const char *mod = st->module->name->name, *fn = st->export->name->name;
		json_t *body = body_of(bodies, dep_id, st->device);
		if (!has_module(json_object_get(body, "modules"), mod))
			json_array_append_new(json_object_get(body, "modules"),
					      module_entry(w, dep, steps, n, st->module));
		endpoints[i] = endpoint(w, dep_id, st);
		json_object_set_new(member(json_object_get(body, "endpoints"), mod), fn, endpoints[i]);
		json_object_set_new(member(json_object_get(body, "mounts"), mod), fn, step_mounts(st));
		json_t *seq = json_pack("{s:s, s:s, s:s}", "device", st->device->name->name, "module",
					mod, "func", fn);
		const struct m_value *devs = m_field(st->e, "devices");
		if (devs->u.list.len > 1 && !m_flag(st->e, "any")) {
			json_t *fo = json_array();
			for (uint32_t k = 1; k < devs->u.list.len; k++)
				json_array_append_new(fo, json_string(devs->u.list.items[k]->u.ref.ref->name->name));
			json_object_set_new(seq, "failovers", fo);
		}
		json_array_append_new(sequence, seq);
	}
	/* Each step forwards its result to the next step's endpoint. */
	for (uint32_t i = 0; i < n; i++) {
		json_t *body = json_object_get(bodies, steps[i].device->name->name);
		json_t *mods = json_object_get(json_object_get(body, "instructions"), "modules");
		json_object_set_new(member(mods, steps[i].module->name->name), steps[i].export->name->name,
				    json_pack("{s:O, s:O}", "from", endpoints[i], "to",
					      i + 1 < n ? endpoints[i + 1] : json_null()));
	}
	const char *dir = arena_printf(w->a, "%s/%s", w->dir, dep->name->name);
	const char *name;
	json_t *body;
	json_object_foreach(bodies, name, body)
		add_json(w, arena_printf(w->a, "%s/%s.json", dir, name), json_incref(body));
	json_decref(bodies);
	add_json(w, arena_printf(w->a, "%s/manifest.json", dir),
		 json_pack("{s:s, s:o}", "name", dep->name->name, "sequence", sequence));
	/* Files the deployment supplies, for each module of it that mounts them. */
	for (uint32_t i = 0; i < dep->nchildren; i++) {
		const struct m_entity *mnt = dep->children[i];
		const struct m_value *src = mnt->kind == KIND_MOUNT ? m_field(mnt, "source") : NULL;
		for (uint32_t k = 0; src && k < n; k++) {
			bool first = true;
			for (uint32_t j = 0; j < k; j++)
				first &= steps[j].module != steps[k].module;
			if (first && needs_file(steps, n, steps[k].module, fleet_mount_path(mnt)))
				copy_source(w, src, arena_printf(w->a, "%s/%s.files/%s", dir,
								 steps[k].module->name->name,
								 fleet_mount_path(mnt)), NULL);
		}
	}
}

static void emit(struct target_ctx *t)
{
	for (uint32_t f = 0; f < t->prog->nentities; f++) {
		const struct m_entity *fleet = t->prog->entities[f];
		if (fleet->kind != KIND_FLEET)
			continue;
		struct wasm w = { t, &t->ctx->arena, fleet, NULL, NULL, "" };
		static const char ns_name[] = "orch:wasmiot";
		uuid5(UUID_NAMESPACE_URL, ns_name, sizeof ns_name - 1, w.ns);
		w.dir = arena_printf(w.a, "wasm/%s", fleet->name->name);
		const char *pkg = m_string(fleet, "package_url");
		size_t len = pkg ? strlen(pkg) : 0;
		while (len && pkg[len - 1] == '/')
			len--;
		w.package = arena_strndup(w.a, pkg ? pkg : "", len);
		for (uint32_t i = 0; i < fleet->nchildren; i++)
			if (fleet->children[i]->kind == KIND_MODULE)
				emit_module(&w, fleet->children[i]);
		for (uint32_t i = 0; i < fleet->nchildren; i++)
			if (fleet->children[i]->kind == KIND_DEPLOYMENT)
				emit_deployment(&w, fleet->children[i]);
	}
}

const struct target target_wasm = { "wasm", "wasm", emit, false };
