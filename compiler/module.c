/*
 * module.c - loading a program: the root file and, transitively, its
 * imports, each parsed once per compilation however often it is imported.
 *
 * `import "std/NAME"` searches the -I directories, then ORCHC_PATH, then the
 * standard library of the source tree (found from the executable's place)
 * and of the installation; `import "./x.orch"` is relative to the importing
 * file.  The import stack detects cycles and prints them.
 */
#define _DEFAULT_SOURCE /* realpath, readlink */
#include "sema_impl.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ORCHC_STDLIB_DIR
#define ORCHC_STDLIB_DIR "/usr/local/share/orchc/stdlib"
#endif

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Formats a path; false when it does not fit (then it is not a candidate). */
__attribute__((format(printf, 3, 4))) static bool path_of(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < cap;
}

/* The source tree's stdlib/, found upwards from the executable (bin/orchc
 * and build/MODE/bin/orchc both reach it). */
static bool tree_stdlib(char *out, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return false;
		*slash = '\0';
		if (path_of(out, cap, "%s/stdlib/orchestrator-core.orch", exe) && is_file(out))
			return path_of(out, cap, "%s/stdlib", exe);
	}
	return false;
}

/* Finds std/NAME; fills `found` and returns true. */
static bool find_std(struct sema *s, const char *name, char *found, size_t cap)
{
	struct orchc_ctx *ctx = s->ctx;
	for (uint32_t i = 0; i < ctx->ninclude_dirs; i++) {
		if (path_of(found, cap, "%s/%s.orch", ctx->include_dirs[i], name) && is_file(found))
			return true;
	}
	const char *env = getenv("ORCHC_PATH");
	while (env && *env) {
		const char *colon = strchr(env, ':');
		int n = colon ? (int)(colon - env) : (int)strlen(env);
		if (n > 0 && path_of(found, cap, "%.*s/%s.orch", n, env, name) && is_file(found))
			return true;
		env = colon ? colon + 1 : NULL;
	}
	char dir[PATH_MAX];
	if (tree_stdlib(dir, sizeof dir) && path_of(found, cap, "%s/%s.orch", dir, name) &&
	    is_file(found))
		return true;
	return path_of(found, cap, "%s/%s.orch", ORCHC_STDLIB_DIR, name) && is_file(found);
}

static bool is_type_decl(const struct decl *d)
{
	return d->node->kind == AST_TYPEDEF || d->node->kind == AST_RECORD ||
	       d->node->kind == AST_ENUM;
}

static bool same_namespace(const struct decl *a, const struct decl *b)
{
	if (is_type_decl(a) || is_type_decl(b))
		return is_type_decl(a) && is_type_decl(b);
	if (a->node->kind != b->node->kind)
		return false;
	if (a->node->kind == AST_BLOCK)
		return a->node->decl->kw == b->node->decl->kw;
	return true;
}

/* Collects the named declarations of `m`, reporting duplicates. */
static void collect_decls(struct sema *s, struct module *m)
{
	const struct ast_list *l = &m->ast->list;
	m->decls = arena_zalloc(&s->ctx->arena, (l->len ? l->len : 1) * sizeof *m->decls);
	for (uint32_t i = 0; i < l->len; i++) {
		struct ast_node *n = l->items[i];
		if (n->kind == AST_IMPORT || n->kind == AST_ERROR || !n->name)
			continue;
		struct decl d = { n->name, n, m, NULL, false, false, NULL };
		for (uint32_t j = 0; j < m->ndecls; j++) {
			if (m->decls[j].name != n->name || !same_namespace(&m->decls[j], &d))
				continue;
			struct diag *dg = diag_report(&s->ctx->diags, E0204, n->span,
						      "'%s' is declared twice", n->name->name);
			diag_note(&s->ctx->diags, dg, m->decls[j].node->span, "first declared here");
			break;
		}
		m->decls[m->ndecls++] = d;
	}
}

static struct module *load(struct sema *s, const char *path, const char *shown,
			   struct span from);

/* Resolves and loads the imports of `m`. */
static void load_imports(struct sema *s, struct module *m)
{
	const struct ast_list *l = &m->ast->list;
	uint32_t count = 0;
	for (uint32_t i = 0; i < l->len; i++)
		count += l->items[i]->kind == AST_IMPORT;
	m->imports = arena_zalloc(&s->ctx->arena, (count ? count : 1) * sizeof *m->imports);
	for (uint32_t i = 0; i < l->len; i++) {
		struct ast_node *n = l->items[i];
		if (n->kind != AST_IMPORT || n->a->kind != AST_STRING)
			continue;
		const char *spec = n->a->v.s.ptr;
		char path[PATH_MAX], shown[PATH_MAX];
		bool found;
		if (strncmp(spec, "std/", 4) == 0) {
			found = find_std(s, spec + 4, path, sizeof path) &&
				path_of(shown, sizeof shown, "%s.orch", spec);
		} else {
			const char *slash = strrchr(m->path, '/');
			const char *shown_slash = strrchr(s->ctx->sources.files[m->file].path, '/');
			const char *rel = strncmp(spec, "./", 2) == 0 ? spec + 2 : spec;
			const char *importer = s->ctx->sources.files[m->file].path;
			found = (spec[0] == '/'
					 ? path_of(path, sizeof path, "%s", spec)
					 : path_of(path, sizeof path, "%.*s/%s",
						   (int)(slash ? slash - m->path : 1),
						   slash ? m->path : ".", rel)) &&
				(spec[0] == '/' || !shown_slash
					 ? path_of(shown, sizeof shown, "%s", rel)
					 : path_of(shown, sizeof shown, "%.*s/%s",
						   (int)(shown_slash - importer), importer, rel)) &&
				is_file(path);
		}
		if (!found) {
			struct diag *d = diag_report(&s->ctx->diags, E0202, n->a->span,
						     "module '%s' not found", spec);
			if (strncmp(spec, "std/", 4) == 0)
				diag_help(&s->ctx->diags, d,
					  "the standard library has postgres, redis, rabbitmq, mongodb, "
					  "nginx, orchestrator-core and wasm; -I DIR and ORCHC_PATH add "
					  "directories");
			continue;
		}
		struct module *dep = load(s, path, shown, n->a->span);
		if (!dep)
			continue;
		const struct sym *alias = n->name;
		if (!alias) {
			/* The last path segment without .orch: std/postgres -> postgres. */
			const char *base = strrchr(spec, '/');
			base = base ? base + 1 : spec;
			size_t len = strlen(base);
			if (len > 5 && strcmp(base + len - 5, ".orch") == 0)
				len -= 5;
			alias = intern(&s->ctx->names, (struct str){ base, len });
		}
		for (uint32_t j = 0; j < m->nimports; j++)
			if (m->imports[j].alias == alias) {
				struct diag *d = diag_report(&s->ctx->diags, E0204, n->span,
							     "two imports are both called '%s'", alias->name);
				diag_note(&s->ctx->diags, d, m->imports[j].span, "first import here");
				diag_help(&s->ctx->diags, d, "give one of them another name with 'as'");
			}
		m->imports[m->nimports++] = (struct module_import){ alias, dep, n->span };
	}
}

/* Parses a loaded file as module `canon` and loads its imports. */
static struct module *start(struct sema *s, const char *canon, uint32_t file)
{
	struct module *m = arena_zalloc(&s->ctx->arena, sizeof *m);
	m->path = arena_strndup(&s->ctx->arena, canon, strlen(canon));
	m->file = file;
	m->ast = orchc_parse(s->ctx, file);
	m->loading = true;
	vec_push(&s->modules, m);
	collect_decls(s, m);
	load_imports(s, m);
	m->loading = false;
	return m;
}

static struct module *load(struct sema *s, const char *path, const char *shown,
			   struct span from)
{
	char canon[PATH_MAX];
	if (!realpath(path, canon) && !path_of(canon, sizeof canon, "%s", path))
		return NULL;
	for (size_t i = 0; i < s->modules.len; i++) {
		struct module *m = s->modules.items[i];
		if (strcmp(m->path, canon) != 0)
			continue;
		if (m->loading) {
			struct strbuf cycle;
			strbuf_init(&cycle);
			bool in = false;
			for (size_t j = 0; j < s->modules.len; j++) {
				struct module *k = s->modules.items[j];
				in |= k == m;
				if (in && k->loading)
					strbuf_addf(&cycle, "%s -> ", s->ctx->sources.files[k->file].path);
			}
			strbuf_addstr(&cycle, s->ctx->sources.files[m->file].path);
			diag_report(&s->ctx->diags, E0201, from, "import cycle: %s", cycle.buf);
			strbuf_release(&cycle);
			return NULL;
		}
		return m;
	}
	int file = orchc_load_file_as(s->ctx, path, shown);
	if (file < 0)
		return NULL;
	return start(s, canon, (uint32_t)file);
}

struct module *module_load_root(struct sema *s, const char *path)
{
	return load(s, path, path, (struct span){ 0, 0, 0 });
}

struct module *module_load_file(struct sema *s, uint32_t file)
{
	return start(s, s->ctx->sources.files[file].path, file);
}

struct decl *module_find(struct module *m, const struct sym *name, bool (*want)(const struct decl *))
{
	for (uint32_t i = 0; i < m->ndecls; i++)
		if (m->decls[i].name == name && (!want || want(&m->decls[i])))
			return &m->decls[i];
	return NULL;
}

struct module *module_import(struct module *m, const struct sym *alias)
{
	for (uint32_t i = 0; i < m->nimports; i++)
		if (m->imports[i].alias == alias)
			return m->imports[i].mod;
	return NULL;
}
