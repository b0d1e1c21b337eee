/*
 * bundle.c - reading bundles strictly (jansson).
 */
#include "bundle.h"

#include <stdarg.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include "arena.h"
#include "str.h"

struct reader {
	struct arena *a;
	struct strbuf *err;
	const char *origin;
	bool failed;
};

static void fail(struct reader *r, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct reader *r, const char *where, const char *fmt, ...)
{
	if (r->failed)
		return; /* the first problem is the one to fix */
	r->failed = true;
	va_list ap;
	va_start(ap, fmt);
	strbuf_addf(r->err, "%s: %s: ", r->origin, *where ? where : "/");
	strbuf_vaddf(r->err, fmt, ap);
	va_end(ap);
}

bool bundle_path_safe(const char *path)
{
	if (!*path || *path == '/')
		return false;
	for (const char *p = path; *p;) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if (p[i] == '\\' || (unsigned char)p[i] < 0x20)
				return false;
		if (!end)
			break;
		p = end + 1;
		if (!*p)
			return false; /* a trailing '/' */
	}
	return true;
}

static bool is_hex64(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == 64;
}

/* An object whose keys are all in `keys` (NULL-terminated). */
static json_t *object(struct reader *r, json_t *v, const char *where, const char *const *keys)
{
	if (!json_is_object(v)) {
		fail(r, where, "expected an object");
		return NULL;
	}
	const char *key;
	json_t *value;
	json_object_foreach(v, key, value) {
		size_t i = 0;
		while (keys[i] && strcmp(keys[i], key) != 0)
			i++;
		if (!keys[i])
			fail(r, where, "unknown key '%s'", key);
	}
	return r->failed ? NULL : v;
}

static json_t *array(struct reader *r, json_t *obj, const char *key, const char *where)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_array(v)) {
		fail(r, where, "'%s' must be an array", key);
		return NULL;
	}
	return v;
}

static const char *string(struct reader *r, json_t *obj, const char *key, const char *where)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_string(v) || !*json_string_value(v)) {
		fail(r, where, "'%s' must be a non-empty string", key);
		return NULL;
	}
	return json_string_value(v);
}

static const char *path_of(struct reader *r, json_t *obj, const char *key, const char *where)
{
	const char *p = string(r, obj, key, where);
	if (p && !bundle_path_safe(p))
		fail(r, where, "path '%s' is not inside the root (absolute, '.', '..' or empty parts)",
		     p);
	return p;
}

static const char *digest(struct reader *r, json_t *obj, const char *where)
{
	const char *s = string(r, obj, "sha256", where);
	if (s && !is_hex64(s))
		fail(r, where, "'sha256' must be 64 lowercase hexadecimal digits");
	return s;
}

static const char *at(struct reader *r, const char *where, const char *key, size_t i)
{
	return arena_printf(r->a, "%s/%s/%zu", where, key, i);
}

static const struct b_file *find(const struct b_file *files, size_t n, const char *path)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(files[mid].path, path);
		if (c == 0)
			return &files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A {path, sha256} reference to a file the bundle lists with that digest. */
static void ref(struct reader *r, struct bundle *b, json_t *v, const char *where,
		const char *const *keys, struct b_ref *out)
{
	if (!object(r, v, where, keys))
		return;
	out->path = path_of(r, v, "path", where);
	out->sha256 = digest(r, v, where);
	if (r->failed)
		return;
	const struct b_file *f = find(b->files, b->nfiles, out->path);
	if (!f)
		fail(r, where, "'%s' is not in the bundle's files", out->path);
	else if (strcmp(f->sha256, out->sha256) != 0)
		fail(r, where, "the sha256 of '%s' differs from its entry in files", out->path);
}

static const char *const ref_keys[] = { "path", "sha256", NULL };

static void read_files(struct reader *r, struct bundle *b)
{
	static const char *const keys[] = { "path", "sha256", "size", "mode", NULL };
	json_t *list = array(r, b->doc, "files", ""), *v;
	size_t i;
	b->nfiles = json_array_size(list);
	b->files = arena_zalloc(r->a, (b->nfiles + 1) * sizeof *b->files);
	json_array_foreach(list, i, v) {
		const char *where = at(r, "", "files", i);
		struct b_file *f = &b->files[i];
		if (!object(r, v, where, keys))
			return;
		f->path = path_of(r, v, "path", where);
		f->sha256 = digest(r, v, where);
		json_t *size = json_object_get(v, "size");
		const char *mode = string(r, v, "mode", where);
		if (!json_is_integer(size) || json_integer_value(size) < 0)
			fail(r, where, "'size' must be a non-negative integer");
		else
			f->size = (size_t)json_integer_value(size);
		if (mode && strcmp(mode, "0644") != 0 && strcmp(mode, "0755") != 0)
			fail(r, where, "'mode' must be \"0644\" or \"0755\"");
		f->mode = mode && strcmp(mode, "0755") == 0 ? 0755 : 0644;
		if (!r->failed && i && strcmp(b->files[i - 1].path, f->path) >= 0)
			fail(r, where, "files must be sorted by path, each once ('%s')", f->path);
		if (r->failed)
			return;
	}
}

static const char **strings(struct reader *r, json_t *obj, const char *key, const char *where,
			    size_t *n)
{
	json_t *list = array(r, obj, key, where), *v;
	size_t i;
	*n = json_array_size(list);
	const char **out = arena_zalloc(r->a, (*n + 1) * sizeof *out);
	json_array_foreach(list, i, v) {
		if (!json_is_string(v) || !*json_string_value(v)) {
			fail(r, at(r, where, key, i), "expected a non-empty string");
			return out;
		}
		out[i] = json_string_value(v);
	}
	return out;
}

static bool env_name(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static void read_compose(struct reader *r, struct bundle *b)
{
	static const char *const keys[] = { "project", "directory", "files", "variables", NULL };
	json_t *list = array(r, b->doc, "compose", ""), *v;
	size_t i;
	b->ncompose = json_array_size(list);
	b->compose = arena_zalloc(r->a, (b->ncompose + 1) * sizeof *b->compose);
	json_array_foreach(list, i, v) {
		const char *where = at(r, "", "compose", i);
		struct b_compose *c = &b->compose[i];
		if (!object(r, v, where, keys))
			return;
		c->project = string(r, v, "project", where);
		c->directory = path_of(r, v, "directory", where);
		c->files = strings(r, v, "files", where, &c->nfiles);
		c->variables = strings(r, v, "variables", where, &c->nvariables);
		for (size_t k = 0; !r->failed && k < c->nfiles; k++)
			if (!bundle_path_safe(c->files[k]) || !find(b->files, b->nfiles, c->files[k]))
				fail(r, at(r, where, "files", k), "'%s' is not in the bundle's files",
				     c->files[k]);
		for (size_t k = 0; !r->failed && k < c->nvariables; k++)
			if (!env_name(c->variables[k]))
				fail(r, at(r, where, "variables", k),
				     "'%s' is not an environment variable name", c->variables[k]);
		if (!r->failed && !c->nfiles)
			fail(r, where, "a compose project needs at least one file");
		if (r->failed)
			return;
	}
}

static void read_migrations(struct reader *r, struct bundle *b)
{
	static const char *const keys[] = { "database", "dialect", "connection_env", "base_schema",
					    "steps", NULL };
	static const char *const base_keys[] = { "path", "sha256", "unless_table", NULL };
	static const char *const step_keys[] = { "id", "up", "down", NULL };
	json_t *list = array(r, b->doc, "migrations", ""), *v;
	size_t i;
	b->nmigrations = json_array_size(list);
	b->migrations = arena_zalloc(r->a, (b->nmigrations + 1) * sizeof *b->migrations);
	json_array_foreach(list, i, v) {
		const char *where = at(r, "", "migrations", i);
		struct b_migrations *m = &b->migrations[i];
		if (!object(r, v, where, keys))
			return;
		m->database = string(r, v, "database", where);
		m->dialect = string(r, v, "dialect", where);
		m->connection_env = string(r, v, "connection_env", where);
		if (m->dialect && strcmp(m->dialect, "sqlite") != 0 && strcmp(m->dialect, "postgres") != 0)
			fail(r, where, "unknown dialect '%s' (sqlite or postgres)", m->dialect);
		if (m->connection_env && !env_name(m->connection_env))
			fail(r, where, "'%s' is not an environment variable name", m->connection_env);
		for (size_t k = 0; !r->failed && k < i; k++)
			if (strcmp(b->migrations[k].database, m->database) == 0 &&
			    strcmp(b->migrations[k].dialect, m->dialect) == 0)
				fail(r, where, "database '%s' has two %s entries", m->database, m->dialect);
		json_t *base = json_object_get(v, "base_schema");
		if (base && !r->failed) {
			const char *bw = arena_printf(r->a, "%s/base_schema", where);
			ref(r, b, base, bw, base_keys, &m->base);
			m->unless_table = string(r, base, "unless_table", bw);
			m->has_base = true;
		}
		json_t *steps = array(r, v, "steps", where), *s;
		size_t k;
		m->nsteps = json_array_size(steps);
		m->steps = arena_zalloc(r->a, (m->nsteps + 1) * sizeof *m->steps);
		json_array_foreach(steps, k, s) {
			const char *sw = at(r, where, "steps", k);
			struct b_step *st = &m->steps[k];
			if (r->failed || !object(r, s, sw, step_keys))
				return;
			st->id = string(r, s, "id", sw);
			ref(r, b, json_object_get(s, "up"), arena_printf(r->a, "%s/up", sw), ref_keys, &st->up);
			ref(r, b, json_object_get(s, "down"), arena_printf(r->a, "%s/down", sw), ref_keys,
			    &st->down);
			for (size_t j = 0; !r->failed && j < k; j++)
				if (strcmp(m->steps[j].id, st->id) == 0)
					fail(r, sw, "step '%s' is listed twice", st->id);
		}
		if (r->failed)
			return;
	}
}

static void read_devices(struct reader *r, struct bundle *b)
{
	static const char *const module_keys[] = { "name", "path", "sha256", NULL };
	static const char *const dep_keys[] = { "deployment", "id", "supervisor", "body", NULL };
	json_t *list = array(r, b->doc, "wasm_modules", ""), *v;
	size_t i;
	b->nmodules = json_array_size(list);
	b->modules = arena_zalloc(r->a, (b->nmodules + 1) * sizeof *b->modules);
	json_array_foreach(list, i, v) {
		const char *where = at(r, "", "wasm_modules", i);
		if (r->failed || !object(r, v, where, module_keys))
			return;
		b->modules[i].name = string(r, v, "name", where);
		ref(r, b, v, where, module_keys, &b->modules[i].file);
	}
	list = array(r, b->doc, "device_deployments", "");
	b->ndeployments = json_array_size(list);
	b->deployments = arena_zalloc(r->a, (b->ndeployments + 1) * sizeof *b->deployments);
	json_array_foreach(list, i, v) {
		const char *where = at(r, "", "device_deployments", i);
		struct b_deployment *d = &b->deployments[i];
		if (r->failed || !object(r, v, where, dep_keys))
			return;
		d->deployment = string(r, v, "deployment", where);
		d->id = string(r, v, "id", where);
		d->supervisor = string(r, v, "supervisor", where);
		if (d->supervisor && strncmp(d->supervisor, "http://", 7) != 0 &&
		    strncmp(d->supervisor, "https://", 8) != 0)
			fail(r, where, "'supervisor' must be an http:// or https:// URL");
		for (const char *p = d->id; p && *p && !r->failed; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || *p == '-'))
				fail(r, where, "'id' must be a UUID");
		ref(r, b, json_object_get(v, "body"), arena_printf(r->a, "%s/body", where), ref_keys,
		    &d->body);
	}
}

bool bundle_from_json(struct bundle *b, json_t *doc, const char *origin, struct arena *a,
		      struct strbuf *err)
{
	static const char *const keys[] = { "bundle_version", "unit", "kind", "name", "compiler",
					    "files", "compose", "migrations", "wasm_modules",
					    "device_deployments", NULL };
	memset(b, 0, sizeof *b);
	b->doc = json_incref(doc);
	struct reader r = { a, err, origin, false };
	json_t *version = json_is_object(doc) ? json_object_get(doc, "bundle_version") : NULL;
	if (!json_is_integer(version)) {
		fail(&r, "", "not a bundle: no integer 'bundle_version'");
		return false;
	}
	if (json_integer_value(version) != BUNDLE_VERSION) {
		fail(&r, "/bundle_version",
		     "bundle version %" JSON_INTEGER_FORMAT " is not supported (this orch-apply reads "
		     "version %d); use the orch-apply of the orchc that built it",
		     json_integer_value(version), BUNDLE_VERSION);
		return false;
	}
	if (!object(&r, doc, "", keys))
		return false;
	b->unit = string(&r, doc, "unit", "");
	b->kind = string(&r, doc, "kind", "");
	b->name = string(&r, doc, "name", "");
	string(&r, doc, "compiler", "");
	if (b->kind && strcmp(b->kind, "stack") != 0 && strcmp(b->kind, "catalog") != 0 &&
	    strcmp(b->kind, "device") != 0)
		fail(&r, "/kind", "unknown kind '%s' (stack, catalog or device)", b->kind);
	if (b->unit && (!bundle_path_safe(b->unit) || strchr(b->unit, '/')))
		fail(&r, "/unit", "'%s' is not a unit name", b->unit);
	if (!r.failed)
		read_files(&r, b);
	if (!r.failed)
		read_compose(&r, b);
	if (!r.failed)
		read_migrations(&r, b);
	if (!r.failed)
		read_devices(&r, b);
	return !r.failed;
}

bool bundle_load(struct bundle *b, const char *path, struct arena *a, struct strbuf *err)
{
	json_error_t je;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		memset(b, 0, sizeof *b);
		if (je.line < 0) /* not read at all */
			strbuf_addf(err, "cannot read the bundle %s: %s", path, strerror(errno));
		else
			strbuf_addf(err, "%s:%d:%d: not a bundle: %s", path, je.line, je.column, je.text);
		return false;
	}
	bool ok = bundle_from_json(b, doc, path, a, err);
	json_decref(doc);
	return ok;
}

void bundle_release(struct bundle *b)
{
	json_decref(b->doc);
	b->doc = NULL;
}

const struct b_file *bundle_file(const struct bundle *b, const char *path)
{
	return find(b->files, b->nfiles, path);
}

const struct b_compose *bundle_project(const struct bundle *b, const char *project)
{
	for (size_t i = 0; b && i < b->ncompose; i++)
		if (strcmp(b->compose[i].project, project) == 0)
			return &b->compose[i];
	return NULL;
}

const struct b_deployment *bundle_deployment(const struct bundle *b, const char *deployment)
{
	for (size_t i = 0; b && i < b->ndeployments; i++)
		if (strcmp(b->deployments[i].deployment, deployment) == 0)
			return &b->deployments[i];
	return NULL;
}

const struct b_migrations *bundle_migrations(const struct bundle *b, const char *database,
					     const char *dialect)
{
	for (size_t i = 0; b && i < b->nmigrations; i++)
		if (strcmp(b->migrations[i].database, database) == 0 &&
		    strcmp(b->migrations[i].dialect, dialect) == 0)
			return &b->migrations[i];
	return NULL;
}
