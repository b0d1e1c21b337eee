/*
 * compose.c - stacks to docker compose files.
 *
 * DIR/compose/<stack>/ holds one docker-compose-<pod>.yml per pod (layout
 * per-pod, laconic's convention; services outside a pod form the pod named
 * after the stack) or one compose.yaml (layout single), the config files
 * the services mount (config/), and .env.example, the variables the host
 * provides.  The files of a stack run as one project:
 * `docker compose -p PROJECT -f a.yml -f b.yml up`.
 *
 * Lowering, field by field, is documented in orchc(1) under COMPOSE.
 */
#include <string.h>

#include "arena.h"
#include "compose_names.h"
#include "compose_text.h"
#include "diag.h"
#include "model.h"
#include "orchc.h"
#include "output.h"
#include "paths.h"
#include "pods.h"
#include "str.h"
#include "target.h"
#include "yaml_out.h"

/* One compose file being built: its services and the top-level volumes,
 * networks and secrets they use (each once, first use first). */
struct doc {
	const char *pod;   /* the pod, or the stack name */
	const char *file;  /* docker-compose-<pod>.yml or compose.yaml */
	struct ynode *services;
	VEC(const struct m_entity *) shared; /* stack volumes, networks, secrets */
	VEC(const char *) own_volumes;
	uint32_t mark;     /* scratch value of the entities in `shared` */
	bool finished;     /* handed to the output */
};

struct compose {
	struct target_ctx *t;
	struct arena *a;
	struct diag_list *diags;
	struct compose_text text;
	const struct m_entity *stack;
	const char *dir;      /* compose/<stack> */
	const char *dir_abs;  /* DIR/compose/<stack>, for relative host paths */
	const char *project;
	const char *repo_base;
	bool per_pod;
	VEC(struct doc) docs;
	struct pod_order pods; /* a doc per pod, in this order */
	uint32_t next_mark;
	const char *header;    /* of every file */
};

static const char *name_of(const struct m_entity *e) { return e->name->name; }


static struct ynode *text_node(struct compose *c, const struct m_value *v)
{
	return y_str(c->a, compose_string(&c->text, v, true));
}

/* `s` as compose text: a `$` of the program is written `$$`. */
static const char *escaped(struct compose *c, const char *s)
{
	struct strbuf sb;
	strbuf_init(&sb);
	compose_escape(&sb, s, strlen(s));
	char *out = arena_strndup(c->a, sb.buf, sb.len);
	strbuf_release(&sb);
	return out;
}

static struct ynode *literal(struct compose *c, const char *s)
{
	return y_str(c->a, escaped(c, s));
}

/* A host path of the program (relative to the file that wrote it) as the
 * compose file sees it (relative to the compose file's directory). */
static const char *host_path(struct compose *c, const struct m_value *v)
{
	const char *p = v->u.s.ptr;
	if (p[0] == '/')
		return p;
	const char *abs = path_in_source(c->a, &c->t->ctx->sources, v->span, p);
	const char *rel = path_relative(c->a, c->dir_abs, abs);
	return rel[0] == '.' ? rel : arena_printf(c->a, "./%s", rel);
}

static struct ynode *text_list(struct compose *c, const struct m_value *list)
{
	struct ynode *seq = y_seq(c->a);
	for (uint32_t i = 0; i < list->u.list.len; i++)
		y_push(seq, text_node(c, list->u.list.items[i]));
	return seq;
}

static struct ynode *text_map(struct compose *c, const struct m_value *map)
{
	struct ynode *m = y_map(c->a);
	for (uint32_t i = 0; i < map->u.map.len; i++)
		y_put(m, map->u.map.entries[i].key->name, text_node(c, map->u.map.entries[i].value));
	return m;
}

/* Marks a stack volume, network or secret as used by the current file. */
static void use_shared(struct doc *d, const struct m_entity *e)
{
	struct m_entity *m = (struct m_entity *)e; /* scratch belongs to the walk */
	if (m->scratch == d->mark)
		return;
	m->scratch = d->mark;
	vec_push(&d->shared, e);
}

/* ---- image and build ----------------------------------------------------- */

/* The checkout directory of a repo: host/org/NAME@ref -> NAME. */
static const char *repo_dir(struct compose *c, const struct m_entity *repo)
{
	const struct m_value *src = m_get(repo, "source");
	const char *s = src->u.s.ptr;
	const char *at = strchr(s, '@');
	size_t end = at ? (size_t)(at - s) : strlen(s);
	size_t start = end;
	while (start > 0 && s[start - 1] != '/')
		start--;
	return arena_strndup(c->a, s + start, end - start);
}

static void image(struct compose *c, struct ynode *svc, const struct m_value *v)
{
	if (v->kind != V_REF) {
		y_put(svc, "image", text_node(c, v));
		return;
	}
	const struct m_entity *img = v->u.ref.ref;
	y_put(svc, "image", text_node(c, m_get(img, "tag")));
	const struct m_value *repo = m_get(img, "repo"), *context = m_get(img, "context");
	if (!m_is_set(repo) && !m_is_set(context))
		return; /* pulled, not built */
	struct ynode *build = y_map(c->a);
	const char *ctx_dir;
	if (m_is_set(repo)) {
		/* laconic: $CERC_REPO_BASE_DIR/<repo>; repo_base is compose text. */
		ctx_dir = arena_printf(c->a, "%s/%s", c->repo_base,
				       escaped(c, repo_dir(c, repo->u.ref.ref)));
		compose_note_vars(&c->text, c->repo_base);
		if (m_is_set(context))
			ctx_dir = arena_printf(c->a, "%s/%s", ctx_dir, escaped(c, context->u.s.ptr));
	} else {
		ctx_dir = escaped(c, host_path(c, context));
	}
	y_put(build, "context", y_str(c->a, ctx_dir));
	y_put(build, "dockerfile", literal(c, m_get(img, "dockerfile")->u.s.ptr));
	const struct m_value *args = m_get(img, "args");
	if (args->u.map.len)
		y_put(build, "args", text_map(c, args));
	y_put(svc, "build", build);
}

/* ---- mounts ------------------------------------------------------------------ */

static const char *config_file(struct compose *c, const char *name)
{
	return arena_printf(c->a, "%s/config/%s", c->dir, name);
}

/* A config's text as a file beside the compose file. */
static void write_config_text(struct compose *c, const char *path, const struct m_value *v,
			      unsigned mode)
{
	struct strbuf sb;
	strbuf_init(&sb);
	compose_render(&c->text, v, false, &sb);
	output_add_buf(c->t->out, path, &sb, mode);
	strbuf_release(&sb);
}

/* Writes a stack config once; returns the path to mount, relative to the
 * compose file. */
static const char *stack_config(struct compose *c, const struct m_entity *cfg)
{
	const char *rel = arena_printf(c->a, "./config/%s", name_of(cfg));
	struct m_entity *m = (struct m_entity *)cfg;
	if (m->scratch == 1)
		return rel;
	m->scratch = 1;
	unsigned mode = (unsigned)m_get(cfg, "mode")->u.i;
	const struct m_value *content = m_get(cfg, "content"), *files = m_get(cfg, "files");
	if (m_is_set(content))
		write_config_text(c, config_file(c, name_of(cfg)), content, mode);
	for (uint32_t i = 0; i < files->u.map.len; i++) {
		const char *fname = files->u.map.entries[i].key->name;
		if (!path_stays_inside(fname)) {
			diag_report(c->diags, E0903, files->u.map.entries[i].value->span,
				    "config file name '%s' must be a relative path inside the config",
				    fname);
			c->text.failed = true;
			continue;
		}
		write_config_text(c, arena_printf(c->a, "%s/config/%s/%s", c->dir, name_of(cfg), fname),
				  files->u.map.entries[i].value, mode);
	}
	return rel;
}

static void mounts(struct compose *c, struct doc *d, const struct m_entity *svc, struct ynode *node)
{
	struct ynode *volumes = y_seq(c->a), *secrets = y_seq(c->a);
	for (uint32_t i = 0; i < svc->nchildren; i++) {
		const struct m_entity *m = svc->children[i];
		const struct m_value *path = m_get(m, "path");
		const struct m_value *shared = m_get(m, "shared");
		const char *source = NULL;
		bool read_only = true;
		if (m->kind == KIND_VOLUME) {
			read_only = m_get(m, "read_only")->u.b;
			if (!m_is_set(shared)) {
				source = compose_own_name(c->a, svc, m);
				vec_push(&d->own_volumes, source);
			} else if (m_is_set(m_get(shared->u.ref.ref, "host_path"))) {
				source = host_path(c, m_get(shared->u.ref.ref, "host_path"));
			} else {
				source = name_of(shared->u.ref.ref);
				use_shared(d, shared->u.ref.ref);
			}
		} else if (m->kind == KIND_CONFIG) {
			if (m_is_set(shared)) {
				source = stack_config(c, shared->u.ref.ref);
			} else {
				const char *name = compose_own_name(c->a, svc, m);
				write_config_text(c, config_file(c, name), m_get(m, "content"), 0644);
				source = arena_printf(c->a, "./config/%s", name);
			}
		} else if (m->kind == KIND_SECRET) {
			struct ynode *s = y_map(c->a);
			y_put(s, "source", y_str(c->a, name_of(shared->u.ref.ref)));
			y_put(s, "target", literal(c, path->u.s.ptr));
			y_push(secrets, s);
			use_shared(d, shared->u.ref.ref);
			continue;
		} else {
			continue; /* expose: reported by the stack pass */
		}
		struct strbuf sb;
		strbuf_init(&sb);
		compose_escape(&sb, source, strlen(source));
		strbuf_addch(&sb, ':');
		compose_escape(&sb, path->u.s.ptr, path->u.s.len);
		if (read_only)
			strbuf_addstr(&sb, ":ro");
		y_push(volumes, y_str(c->a, arena_strndup(c->a, sb.buf, sb.len)));
		strbuf_release(&sb);
	}
	if (y_len(volumes))
		y_put(node, "volumes", volumes);
	if (y_len(secrets))
		y_put(node, "secrets", secrets);
}

/* ---- services and jobs ------------------------------------------------------- */

/* Compose checks health by running a command: http and tcp are probes of
 * the Kubernetes target. */
static void healthcheck(struct compose *c, const struct m_entity *svc, struct ynode *node,
			const struct m_value *hc)
{
	struct ynode *h = y_map(c->a);
	for (uint32_t i = 0; i < hc->u.map.len; i++) {
		const struct m_entry *e = &hc->u.map.entries[i];
		if (!m_is_set(e->value))
			continue;
		if (strcmp(e->key->name, "http") == 0 || strcmp(e->key->name, "tcp") == 0)
			continue;
		if (e->value->kind == V_LIST)
			y_put(h, e->key->name, text_list(c, e->value));
		else if (e->value->kind == V_INT)
			y_put(h, e->key->name, y_int(c->a, e->value->u.i));
		else
			y_put(h, e->key->name, text_node(c, e->value));
	}
	if (!m_is_set(m_map_get(hc, "test"))) {
		struct diag *d = diag_report(c->diags, E0903, hc->span,
					     "compose checks health by running a command: '%s' has no test",
					     name_of(svc));
		diag_help(c->diags, d, "add the command too, such as test = [\"CMD\", \"wget\", \"-q\", "
				       "\"--spider\", \"http://localhost:8080/health\"]");
		c->text.failed = true;
	}
	y_put(node, "healthcheck", h);
}

static void depends_on(struct compose *c, struct ynode *node, const struct m_value *after)
{
	if (!after->u.list.len)
		return;
	struct ynode *deps = y_map(c->a);
	for (uint32_t i = 0; i < after->u.list.len; i++) {
		const struct m_value *dep = after->u.list.items[i];
		const char *cond = "service_started";
		if (dep->kind == V_TAGGED) {
			const char *tag = dep->u.list.sym->name;
			cond = strcmp(tag, "healthy") == 0	  ? "service_healthy"
			       : strcmp(tag, "completed") == 0 ? "service_completed_successfully"
							       : "service_started";
			dep = dep->u.list.items[0];
		}
		struct ynode *d = y_map(c->a);
		y_put(d, "condition", y_str(c->a, cond));
		y_put(deps, name_of(dep->u.ref.ref), d);
	}
	y_put(node, "depends_on", deps);
}

static void deploy(struct compose *c, struct ynode *node, const struct m_entity *svc)
{
	struct ynode *dep = y_map(c->a);
	const struct m_value *replicas = m_get(svc, "replicas");
	if (replicas)
		y_put(dep, "replicas", y_int(c->a, replicas->u.i));
	const struct m_value *res = m_get(svc, "resources");
	if (m_is_set(res)) {
		struct ynode *limits = y_map(c->a);
		for (uint32_t i = 0; i < res->u.map.len; i++) {
			const struct m_entry *e = &res->u.map.entries[i];
			if (!m_is_set(e->value))
				continue;
			if (e->value->kind == V_FLOAT)
				y_put(limits, "cpus", y_str(c->a, arena_printf(c->a, "%g", e->value->u.f)));
			else
				y_put(limits, "memory", text_node(c, e->value));
		}
		struct ynode *r = y_map(c->a);
		y_put(r, "limits", limits);
		y_put(dep, "resources", r);
	}
	if (y_len(dep))
		y_put(node, "deploy", dep);
}

static struct ynode *service(struct compose *c, struct doc *d, const struct m_entity *svc)
{
	struct ynode *n = y_map(c->a);
	image(c, n, m_get(svc, "image"));
	const struct m_value *v;
	if (m_is_set(v = m_get(svc, "entrypoint")))
		y_put(n, "entrypoint", text_list(c, v));
	if (m_is_set(v = m_get(svc, "command")))
		y_put(n, "command", text_list(c, v));
	y_put(n, "restart", y_str(c->a, m_get(svc, "restart")->u.sym->name));
	if ((v = m_get(svc, "schedule")) && m_is_set(v)) {
		struct diag *dg = diag_report(c->diags, E0903, v->span,
					      "compose cannot run job '%s' on a schedule",
					      name_of(svc));
		diag_help(c->diags, dg, "a schedule needs the kubernetes target (a CronJob); --exclude %s "
					"builds the other pods for compose", pod_of(svc));
		c->text.failed = true;
	}
	if ((v = m_get(svc, "ports")) && v->u.list.len) {
		struct ynode *expose = y_seq(c->a);
		for (uint32_t i = 0; i < v->u.list.len; i++)
			y_push(expose, y_str(c->a, arena_printf(c->a, "%lld", (long long)v->u.list.items[i]->u.i)));
		y_put(n, "expose", expose);
	}
	if ((v = m_get(svc, "publish")) && v->u.list.len) {
		struct ynode *ports = y_seq(c->a);
		for (uint32_t i = 0; i < v->u.list.len; i++) {
			const struct m_value *p = v->u.list.items[i];
			y_push(ports, y_str(c->a, arena_printf(c->a, "%lld:%lld", (long long)p->u.list.items[0]->u.i,
							       (long long)p->u.list.items[1]->u.i)));
		}
		y_put(n, "ports", ports);
	}
	if ((v = m_get(svc, "env")) && v->u.map.len)
		y_put(n, "environment", text_map(c, v));
	if ((v = m_get(svc, "env_files")) && v->u.list.len) {
		struct ynode *files = y_seq(c->a);
		for (uint32_t i = 0; i < v->u.list.len; i++)
			y_push(files, literal(c, host_path(c, v->u.list.items[i])));
		y_put(n, "env_file", files);
	}
	mounts(c, d, svc, n);
	if (m_is_set(v = m_get(svc, "healthcheck")))
		healthcheck(c, svc, n, v);
	depends_on(c, n, m_get(svc, "after"));
	if ((v = m_get(svc, "networks")) && v->u.list.len) {
		struct ynode *nets = y_seq(c->a);
		for (uint32_t i = 0; i < v->u.list.len; i++) {
			y_push(nets, y_str(c->a, name_of(v->u.list.items[i]->u.ref.ref)));
			use_shared(d, v->u.list.items[i]->u.ref.ref);
		}
		y_put(n, "networks", nets);
	}
	if ((v = m_get(svc, "labels")) && v->u.map.len)
		y_put(n, "labels", text_map(c, v));
	if (m_is_set(v = m_get(svc, "user")))
		y_put(n, "user", text_node(c, v));
	if (m_is_set(v = m_get(svc, "working_dir")))
		y_put(n, "working_dir", text_node(c, v));
	if ((v = m_get(svc, "privileged")) && v->u.b)
		y_put(n, "privileged", y_bool(c->a, true));
	if ((v = m_get(svc, "devices")) && v->u.list.len)
		y_put(n, "devices", text_list(c, v));
	deploy(c, n, svc);
	return n;
}

/* ---- top level -------------------------------------------------------------- */

static struct ynode *top_network(struct compose *c, const struct m_entity *net)
{
	struct ynode *n = y_map(c->a);
	const struct m_value *v;
	if (m_is_set(v = m_get(net, "driver")))
		y_put(n, "driver", literal(c, v->u.s.ptr));
	if (m_get(net, "internal")->u.b)
		y_put(n, "internal", y_bool(c->a, true));
	if (m_is_set(v = m_get(net, "subnet"))) {
		struct ynode *cfg = y_map(c->a), *list = y_seq(c->a), *ipam = y_map(c->a);
		y_put(cfg, "subnet", literal(c, v->u.s.ptr));
		y_push(list, cfg);
		y_put(ipam, "config", list);
		y_put(n, "ipam", ipam);
	}
	return n;
}

/* A secret mounted as a file: its file, or secrets/NAME that the host
 * fills from the variable (listed in .env.example). */
static struct ynode *top_secret(struct compose *c, const struct m_entity *sec)
{
	struct ynode *n = y_map(c->a);
	if (secret_source(sec) == FROM_FILE) {
		y_put(n, "file", literal(c, host_path(c, m_get(sec, "from")->u.list.items[0])));
	} else {
		y_put(n, "file", literal(c, arena_printf(c->a, "./secrets/%s", name_of(sec))));
		compose_note_secret_file(&c->text, sec);
	}
	return n;
}

static void finish_doc(struct compose *c, struct doc *d)
{
	struct ynode *root = y_map(c->a);
	y_put(root, "services", d->services);
	struct ynode *volumes = y_map(c->a), *networks = y_map(c->a), *secrets = y_map(c->a);
	for (size_t i = 0; i < d->shared.len; i++) {
		const struct m_entity *e = d->shared.items[i];
		if (e->kind == KIND_VOLUME)
			y_put(volumes, name_of(e), y_map(c->a));
		else if (e->kind == KIND_NETWORK)
			y_put(networks, name_of(e), top_network(c, e));
		else
			y_put(secrets, name_of(e), top_secret(c, e));
	}
	for (size_t i = 0; i < d->own_volumes.len; i++)
		y_put(volumes, d->own_volumes.items[i], y_map(c->a));
	if (y_len(volumes))
		y_put(root, "volumes", volumes);
	if (y_len(networks))
		y_put(root, "networks", networks);
	if (y_len(secrets))
		y_put(root, "secrets", secrets);
	output_add_yaml(c->t->out, arena_printf(c->a, "%s/%s", c->dir, d->file), root, c->header, 0644);
	vec_free(&d->shared);
	vec_free(&d->own_volumes);
	d->finished = true;
}

/* ---- pods, selection and the stack ------------------------------------------------ */

static const char *file_of(const struct compose *c, const char *pod)
{
	return c->per_pod ? arena_printf(c->a, "docker-compose-%s.yml", pod) : "compose.yaml";
}

/* A pod's file is complete when the next pod begins (only the stack's own
 * pod comes back), and goes to the output then: the writer writes it out
 * while the next pods are lowered. */
static struct doc *doc_for(struct compose *c, const char *pod)
{
	size_t k = c->per_pod ? pod_order_of(&c->pods, pod) : 0;
	if (k == c->docs.len) {
		if (k && c->docs.items[k - 1].pod != c->pods.stack_pod)
			finish_doc(c, &c->docs.items[k - 1]);
		struct doc d = { pod, file_of(c, pod), y_map(c->a), VEC_INIT, VEC_INIT, c->next_mark++,
				 false };
		vec_push(&c->docs, d);
	}
	return &c->docs.items[k];
}

/* What compose has no equivalent for, said once where it is declared. */
static void report_unbuilt(struct compose *c, const struct m_entity *e)
{
	if (e->kind == KIND_EXPOSE)
		diag_report(c->diags, W0901, e->span,
			    "compose has no ingress: expose '%s' of '%s' is built for kubernetes only",
			    name_of(e), name_of(e->parent));
	const struct m_value *size;
	if (e->kind == KIND_VOLUME && e->parent->kind == KIND_STACK && m_is_set(size = m_get(e, "size")))
		diag_report(c->diags, W0901, size->span,
			    "compose volumes have no size: the size of volume '%s' is built for kubernetes only",
			    name_of(e));
}

static void lower_service(void *ctx, const struct m_entity *svc)
{
	struct compose *c = ctx;
	struct doc *d = doc_for(c, pod_of(svc));
	y_put(d->services, name_of(svc), service(c, d, svc));
	for (uint32_t i = 0; i < svc->nchildren; i++)
		report_unbuilt(c, svc->children[i]);
}

static void env_example(struct compose *c, const char *source)
{
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addf(&sb,
		    "# Generated by orchc %s from %s (stack %s); do not edit.\n"
		    "# The variables the host provides to docker compose: copy this file to\n"
		    "# .env beside the compose files and fill in the values. No value is ever\n"
		    "# written by orchc.\n",
		    ORCHC_VERSION, source, name_of(c->stack));
	for (size_t i = 0; i < c->text.vars.len; i++) {
		const struct host_var *v = &c->text.vars.items[i];
		strbuf_addch(&sb, '\n');
		if (v->secret) {
			const struct m_value *from = m_get(v->secret, "from");
			strbuf_addf(&sb, "# secret %s", name_of(v->secret));
			if (secret_source(v->secret) == FROM_GENERATE)
				strbuf_addf(&sb, ": generate %lld random characters once per deployment",
					    (long long)from->u.list.items[0]->u.i);
			if (v->as_file)
				strbuf_addf(&sb, " (mounted as a file: also write the value to secrets/%s)",
					    name_of(v->secret));
			strbuf_addf(&sb, "\n%s=\n", v->name);
		} else {
			strbuf_addf(&sb, "# optional (default %s)\n# %s=%s\n", v->fallback, v->name,
				    v->fallback);
		}
	}
	output_add_buf(c->t->out, arena_printf(c->a, "%s/.env.example", c->dir), &sb, 0644);
	strbuf_release(&sb);
}

struct file_list {
	struct compose *c;
	struct strbuf *sb;
	size_t count;
	const char *first;
};

static void list_file(void *ctx, const char *pod)
{
	struct file_list *l = ctx;
	const char *file = file_of(l->c, pod);
	if (!l->count++)
		l->first = file;
	strbuf_addf(l->sb, " -f %s", file);
}

/* Every file has the command; past a few files, its shape only (the
 * header is in every file: listing 1 000 files 1 000 times is quadratic).
 * The files are known before any is lowered, so that each can be written
 * out as soon as its pod is complete. */
static const char *header(struct compose *c, const char *source)
{
	struct strbuf sb, files;
	strbuf_init(&sb);
	strbuf_init(&files);
	strbuf_addf(&sb, "# Generated by orchc %s from %s (stack %s); do not edit.\n# Run: docker compose -p %s",
		    ORCHC_VERSION, source, name_of(c->stack), c->project);
	struct file_list l = { c, &files, 0, NULL };
	if (c->per_pod)
		pods_each_expected_pod(c->t, c->stack, list_file, &l);
	else
		list_file(&l, NULL);
	if (l.count <= 8)
		strbuf_add(&sb, files.buf, files.len);
	else
		strbuf_addf(&sb, " -f %s ... (-f for each of the %zu files)", l.first, l.count);
	strbuf_addstr(&sb, " up -d\n");
	const char *text = arena_strndup(c->a, sb.buf, sb.len);
	strbuf_release(&sb);
	strbuf_release(&files);
	return text;
}

static void lower_stack(struct target_ctx *t, const struct m_entity *stack, const char *source)
{
	const struct m_value *layout = target_setting(t, "layout");
	const struct m_value *project = target_setting(t, "project");
	const struct m_value *base = target_setting(t, "repo_base");
	struct compose c = { .t = t, .a = &t->ctx->arena, .diags = &t->ctx->diags, .stack = stack };
	c.text.arena = c.a;
	c.text.diags = c.diags;
	c.text.stack = stack;
	c.dir = arena_printf(c.a, "compose/%s", name_of(stack));
	c.dir_abs = arena_printf(c.a, "%s/%s", t->out_dir, c.dir);
	c.per_pod = !layout || strcmp(layout->u.sym->name, "per-pod") == 0;
	c.project = text_project_name(c.a, m_is_set(project) ? project->u.s.ptr : NULL, name_of(stack));
	c.repo_base = m_is_set(base) ? base->u.s.ptr : "${REPO_BASE_DIR:-../repos}";
	c.next_mark = 2; /* 0: unused, 1: a config already written */
	for (uint32_t i = 0; i < stack->nchildren; i++) {
		struct m_entity *e = stack->children[i];
		e->scratch = 0;
		report_unbuilt(&c, e);
	}
	if (!compose_names_distinct(&c.text, stack))
		return;
	c.header = header(&c, source);
	pod_order_init(&c.pods, stack);
	pods_each_selected(t, stack, lower_service, &c);
	for (size_t i = 0; i < c.docs.len; i++)
		if (!c.docs.items[i].finished)
			finish_doc(&c, &c.docs.items[i]);
	if (!c.text.failed)
		env_example(&c, source);
	vec_free(&c.docs);
	vec_free(&c.text.vars);
}

static void emit(struct target_ctx *t)
{
	const char *source = t->source;
	for (uint32_t i = 0; i < t->prog->nentities; i++)
		if (t->prog->entities[i]->kind == KIND_STACK)
			lower_stack(t, t->prog->entities[i], source);
}

const struct target target_compose = { "compose", "compose", emit, false };
