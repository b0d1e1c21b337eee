/*
 * deploy.c - the bundles orch-apply reads (orch-bundle(5)), under DIR/deploy/:
 *
 *   stack-<stack>.json              its compose files, run as one project
 *   catalog-<catalog>.json          its migrations, per dialect, in order
 *   device-<fleet>.<device>.json    the modules and /deploy bodies of a device
 *   schema/orchestrator-core.<dialect>.sql   the base schema catalogs need
 *
 * A bundle describes files other targets wrote: this target runs last, on
 * the whole output set (files of targets not built now included), and
 * lists each file with its sha256 so the applier can verify before it
 * changes anything.  A unit none of whose files were built has no bundle.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "model.h"
#include "orchc.h"
#include "output.h"
#include "pods.h"
#include "sha256.h"
#include "str.h"
#include "target.h"
#include "text.h"
#include "vec.h"

extern const char orchc_base_schema_postgres[], orchc_base_schema_sqlite[];
extern const unsigned orchc_base_schema_postgres_length, orchc_base_schema_sqlite_length;

static const struct dialect {
	const char *name;
	const char *schema;
	const unsigned *length;
} dialects[] = {
	{ "postgres", orchc_base_schema_postgres, &orchc_base_schema_postgres_length },
	{ "sqlite", orchc_base_schema_sqlite, &orchc_base_schema_sqlite_length },
};
enum { NDIALECTS = sizeof dialects / sizeof *dialects };

/* What the bundles add; added to the set only at the end, so the set
 * stays sorted (and searchable) while bundles are built. */
struct deploy {
	struct target_ctx *t;
	struct arena *a;
	VEC(struct out_file) added;
	bool schema_added[NDIALECTS];
};

static const char *name_of(const struct m_entity *e) { return e->name->name; }

static void add_later(struct deploy *d, const char *path, const char *data, size_t len)
{
	struct out_file f = { arena_strndup(d->a, path, strlen(path)), data, len, 0644, NULL };
	vec_push(&d->added, f);
}

static json_t *file_entry(const struct out_file *f)
{
	char hex[65];
	sha256_hex(f->data, f->len, hex);
	return json_pack("{s:s, s:s, s:I, s:s}", "path", f->path, "sha256", hex, "size",
			 (json_int_t)f->len, "mode", (f->mode & 0111) ? "0755" : "0644");
}

static json_t *file_ref(const struct out_file *f)
{
	char hex[65];
	sha256_hex(f->data, f->len, hex);
	return json_pack("{s:s, s:s}", "path", f->path, "sha256", hex);
}

/* The files of the (sorted) set below `dir`/: indices [*first, return). */
static size_t files_under(struct deploy *d, const char *dir, size_t *first)
{
	const struct output_set *o = d->t->out;
	const char *prefix = arena_printf(d->a, "%s/", dir);
	size_t n = strlen(prefix), i = output_lower_bound(o, prefix);
	*first = i;
	while (i < o->files.len && strncmp(o->files.items[i].path, prefix, n) == 0)
		i++;
	return i;
}

/* Appends every file of the set under `dir`/ to `files`. */
static void add_tree(struct deploy *d, json_t *files, const char *dir)
{
	size_t i, end = files_under(d, dir, &i);
	for (; i < end; i++)
		json_array_append_new(files, file_entry(&d->t->out->files.items[i]));
}

static bool has_files_under(struct deploy *d, const char *dir)
{
	size_t first;
	return files_under(d, dir, &first) > first;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "path")),
		      json_string_value(json_object_get(*(json_t *const *)b, "path")));
}

/* `files` sorted by path; entries for one path kept once. */
static json_t *sorted_unique(json_t *files)
{
	size_t n = json_array_size(files);
	json_t **items = xmalloc((n ? n : 1) * sizeof *items);
	for (size_t i = 0; i < n; i++)
		items[i] = json_incref(json_array_get(files, i));
	qsort(items, n, sizeof *items, by_path);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		if (i && by_path(&items[i - 1], &items[i]) == 0)
			json_decref(items[i]);
		else
			json_array_append_new(out, items[i]);
	}
	free(items);
	json_decref(files);
	return out;
}

static void write_bundle(struct deploy *d, const char *unit, const char *kind, const char *name,
			 json_t *files, json_t *compose, json_t *migrations, json_t *modules,
			 json_t *deployments)
{
	json_t *doc = json_pack("{s:i, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}",
				"bundle_version", 1, "unit", unit, "kind", kind, "name", name,
				"compiler", "orchc " ORCHC_VERSION, "files", sorted_unique(files),
				"compose", compose, "migrations", migrations, "wasm_modules", modules,
				"device_deployments", deployments);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(doc);
	size_t len = strlen(text);
	char *copy = arena_alloc(d->a, len + 2);
	memcpy(copy, text, len);
	copy[len] = '\n';
	copy[len + 1] = '\0';
	free(text);
	add_later(d, arena_printf(d->a, "deploy/%s.json", unit), copy, len + 1);
}

/* ---- stacks ------------------------------------------------------------------ */

struct pod_list {
	const char **names;
	size_t len, cap;
};

static void collect_pod(void *ctx, const char *pod)
{
	struct pod_list *pods = ctx;
	if (pods->len == pods->cap) {
		pods->cap = pods->cap ? 2 * pods->cap : 8;
		pods->names = xrealloc(pods->names, pods->cap * sizeof *pods->names);
	}
	pods->names[pods->len++] = pod;
}

/* The variables .env.example requires: its uncommented NAME= lines. */
static json_t *required_variables(const struct out_file *env)
{
	json_t *vars = json_array();
	const char *p = env ? env->data : "";
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		if (*p != '#' && eq && eq > p)
			json_array_append_new(vars, json_stringn(p, (size_t)(eq - p)));
		p += n + (end != NULL);
	}
	return vars;
}

static void stack_bundle(struct deploy *d, const struct m_entity *stack)
{
	const char *dir = arena_printf(d->a, "compose/%s", name_of(stack));
	if (!has_files_under(d, dir))
		return;
	const struct m_entity *settings = target_settings_of(d->t->prog, "compose");
	const char *project = settings ? m_string(settings, "project") : NULL;
	struct pod_list pods = { 0 };
	pods_each_selected_pod(d->t, stack, collect_pod, &pods);
	json_t *compose_files = json_array();
	const struct out_file *single = output_find(d->t->out, arena_printf(d->a, "%s/compose.yaml", dir));
	if (single)
		json_array_append_new(compose_files, json_string(single->path));
	for (size_t i = 0; i < pods.len && !single; i++) {
		const struct out_file *f = output_find(
			d->t->out, arena_printf(d->a, "%s/docker-compose-%s.yml", dir, pods.names[i]));
		if (f)
			json_array_append_new(compose_files, json_string(f->path));
	}
	free(pods.names);
	json_t *files = json_array();
	add_tree(d, files, dir);
	json_t *project_doc = json_pack(
		"{s:s, s:s, s:o, s:o}", "project", text_project_name(d->a, project, name_of(stack)), "directory", dir,
		"files", compose_files, "variables",
		required_variables(output_find(d->t->out, arena_printf(d->a, "%s/.env.example", dir))));
	write_bundle(d, arena_printf(d->a, "stack-%s", name_of(stack)), "stack", name_of(stack), files,
		     json_pack("[o]", project_doc), json_array(), json_array(), json_array());
}

/* ---- catalogs ---------------------------------------------------------------- */

/* The environment variable naming a catalog's database on the host. */
static const char *connection_env(struct deploy *d, const char *catalog)
{
	char *env = arena_printf(d->a, "ORCH_DB_%s", catalog);
	for (char *p = env + 7; *p; p++)
		*p = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A')
		     : ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) ? *p : '_';
	return env;
}

static json_t *base_schema(struct deploy *d, size_t k, json_t *files)
{
	struct out_file f = { arena_printf(d->a, "deploy/schema/orchestrator-core.%s.sql",
					   dialects[k].name),
			      dialects[k].schema, *dialects[k].length, 0644, NULL };
	if (!d->schema_added[k]) {
		add_later(d, f.path, f.data, f.len);
		d->schema_added[k] = true;
	}
	json_array_append_new(files, file_entry(&f));
	json_t *ref = file_ref(&f);
	json_object_set_new(ref, "unless_table", json_string("products"));
	return ref;
}

/* The steps of one dialect: NNNN_<slug>.up.sql with its .down.sql, in
 * number order (the numbers are zero-padded, so path order). */
static json_t *steps_of(struct deploy *d, const char *dir)
{
	const struct output_set *o = d->t->out;
	json_t *steps = json_array();
	size_t n = strlen(dir) + 1, i, end = files_under(d, dir, &i);
	for (; i < end; i++) {
		const struct out_file *up = &o->files.items[i];
		size_t len = strlen(up->path);
		if (len < n + 7 || strcmp(up->path + len - 7, ".up.sql") != 0)
			continue;
		const char *id = arena_strndup(d->a, up->path + n, len - n - 7);
		const struct out_file *down =
			output_find(o, arena_printf(d->a, "%s/%s.down.sql", dir, id));
		if (!down)
			continue; /* the migrations target writes both or neither */
		json_array_append_new(steps, json_pack("{s:s, s:o, s:o}", "id", id, "up", file_ref(up),
						       "down", file_ref(down)));
	}
	return steps;
}

static void catalog_bundle(struct deploy *d, const struct m_entity *catalog)
{
	const char *dir = arena_printf(d->a, "migrations/%s", name_of(catalog));
	if (!has_files_under(d, dir))
		return;
	json_t *files = json_array();
	add_tree(d, files, dir);
	json_t *migrations = json_array();
	for (size_t k = 0; k < NDIALECTS; k++) {
		const char *sub = arena_printf(d->a, "%s/%s", dir, dialects[k].name);
		if (!has_files_under(d, sub))
			continue;
		json_array_append_new(
			migrations,
			json_pack("{s:s, s:s, s:s, s:o, s:o}", "database", name_of(catalog), "dialect",
				  dialects[k].name, "connection_env", connection_env(d, name_of(catalog)),
				  "base_schema", base_schema(d, k, files), "steps", steps_of(d, sub)));
	}
	write_bundle(d, arena_printf(d->a, "catalog-%s", name_of(catalog)), "catalog",
		     name_of(catalog), files, json_array(), migrations, json_array(), json_array());
}

/* ---- devices ----------------------------------------------------------------- */

/* The names of the modules a /deploy body lists. */
static json_t *body_modules(const struct out_file *body)
{
	json_t *doc = json_loadb(body->data, body->len, 0, NULL);
	json_t *names = json_array(), *m;
	size_t i;
	json_array_foreach(json_object_get(doc, "modules"), i, m)
		json_array_append(names, json_object_get(m, "name"));
	json_decref(doc);
	return names;
}

static void add_module(struct deploy *d, const char *fleet_dir, const char *dep_dir,
		       const char *module, json_t *files, json_t *modules)
{
	const struct out_file *wasm =
		output_find(d->t->out, arena_printf(d->a, "%s/%s.wasm", fleet_dir, module));
	const struct out_file *api =
		output_find(d->t->out, arena_printf(d->a, "%s/%s.openapi.json", fleet_dir, module));
	if (!wasm || !api)
		return;
	json_array_append_new(files, file_entry(wasm));
	json_array_append_new(files, file_entry(api));
	add_tree(d, files, arena_printf(d->a, "%s/%s.files", fleet_dir, module));
	add_tree(d, files, arena_printf(d->a, "%s/%s.files", dep_dir, module));
	char hex[65];
	sha256_hex(wasm->data, wasm->len, hex);
	json_array_append_new(modules, json_pack("{s:s, s:s, s:s}", "name", module, "path",
						 wasm->path, "sha256", hex));
}

static void device_bundle(struct deploy *d, const struct m_entity *fleet,
			  const struct m_entity *device)
{
	const char *fleet_dir = arena_printf(d->a, "wasm/%s", name_of(fleet));
	json_t *files = json_array(), *modules = json_array(), *deployments = json_array();
	for (uint32_t i = 0; i < fleet->nchildren; i++) {
		const struct m_entity *dep = fleet->children[i];
		if (dep->kind != KIND_DEPLOYMENT)
			continue;
		const char *dep_dir = arena_printf(d->a, "%s/%s", fleet_dir, name_of(dep));
		const struct out_file *body = output_find(
			d->t->out, arena_printf(d->a, "%s/%s.json", dep_dir, name_of(device)));
		if (!body)
			continue;
		json_t *names = body_modules(body), *name;
		size_t k;
		json_array_foreach(names, k, name)
			add_module(d, fleet_dir, dep_dir, json_string_value(name), files, modules);
		json_decref(names);
		json_t *doc = json_loadb(body->data, body->len, 0, NULL);
		json_array_append_new(files, file_entry(body));
		json_array_append_new(
			deployments,
			json_pack("{s:s, s:O, s:s, s:o}", "deployment", name_of(dep), "id",
				  json_object_get(doc, "deploymentId"), "supervisor",
				  arena_printf(d->a, "http://%s/deploy", m_string(device, "address")),
				  "body", file_ref(body)));
		json_decref(doc);
	}
	if (!json_array_size(deployments)) {
		json_decref(files);
		json_decref(modules);
		json_decref(deployments);
		return;
	}
	write_bundle(d, arena_printf(d->a, "device-%s.%s", name_of(fleet), name_of(device)), "device",
		     arena_printf(d->a, "%s/%s", name_of(fleet), name_of(device)), files, json_array(),
		     json_array(), sorted_unique(modules), deployments);
}

static void emit(struct target_ctx *t)
{
	struct deploy d = { .t = t, .a = &t->ctx->arena };
	for (uint32_t i = 0; i < t->prog->nentities; i++) {
		const struct m_entity *e = t->prog->entities[i];
		if (e->kind == KIND_STACK)
			stack_bundle(&d, e);
		else if (e->kind == KIND_CATALOG)
			catalog_bundle(&d, e);
		else if (e->kind == KIND_FLEET)
			for (uint32_t k = 0; k < e->nchildren; k++)
				if (e->children[k]->kind == KIND_DEVICE)
					device_bundle(&d, e, e->children[k]);
	}
	for (size_t i = 0; i < d.added.len; i++)
		output_add(t->out, d.added.items[i].path, d.added.items[i].data, d.added.items[i].len,
			   d.added.items[i].mode);
	vec_free(&d.added);
}

const struct target target_deploy = { "deploy", "deploy", emit, true };
