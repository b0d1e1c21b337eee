/*
 * kubernetes.c - stacks to Kubernetes manifests.
 *
 * DIR/k8s/<stack>/ holds one file per object, <kind>-<name>.yaml, and a
 * kustomization.yaml listing them, so `kubectl apply -k DIR/k8s/<stack>`
 * deploys the stack.  Secret values never appear: the kustomization
 * generates the Secret <stack>-secrets from secret.env and secrets/, which
 * the operator fills (secret.env.example says what goes there; .gitignore
 * keeps both out of the repository).
 *
 * Lowering, object by object, is documented in orchc(1) under KUBERNETES.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "orchc.h"
#include "output.h"
#include "pods.h"
#include "str.h"
#include "target.h"
#include "text.h"
#include "yaml_out.h"

/* Images of the helpers that wait for dependencies (init containers). */
#define WAIT_TCP_IMAGE "busybox:1.36"
#define WAIT_JOB_IMAGE "bitnami/kubectl:1.32"

struct k8s {
	struct target_ctx *t;
	struct arena *a;          /* what one service's objects are built in */
	struct arena *lasting;    /* what outlives a service: file names */
	struct diag_list *diags;
	const struct m_entity *stack;
	const char *dir;          /* k8s/<stack> */
	const char *header;       /* the comment on every file */
	const char *ns;
	const char *registry;     /* NULL: images as written */
	const struct m_value *ingress_class, *tls_secret;
	const char *public_type;  /* the Service type of published ports */
	const char *secret_name;  /* <stack>-secrets */
	const char *waiter;       /* <stack>-job-waiter: the account of pods that wait for jobs */
	bool waiter_used;         /* some pod does: write the account and its Role */
	VEC(const char *) files;  /* kustomization resources, in creation order */
	VEC(const struct m_entity *) secrets; /* used secrets, first use first */
	bool failed;
};

/* The environment of one container while it is built: the variables that
 * carry secrets into `$(VAR)` references, before the entries using them. */
struct container_env {
	struct k8s *k;
	VEC(const struct m_entity *) carried;
};

static const char *name_of(const struct m_entity *e) { return e->name->name; }


/* Marks (scratch) of the walk over one stack. */
enum { UNSEEN, SEEN_ONCE, SEEN_TWICE };

/* ---- text ---------------------------------------------------------------------- */

/* Kubernetes expands $(VAR) in command, args and env values and reduces $$
 * to $: a `$` before `(` or `$` is doubled so it reaches the container. */
static void k8s_escape(struct strbuf *sb, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		strbuf_addch(sb, p[i]);
		if (p[i] == '$' && i + 1 < n && (p[i + 1] == '(' || p[i + 1] == '$'))
			strbuf_addch(sb, '$');
	}
}

/* A quantity: 512Mi, 4Gi, or bytes. */
static void k8s_size(struct strbuf *sb, long long bytes)
{
	static const char *const units[] = { "Ti", "Gi", "Mi", "Ki" };
	text_size(sb, bytes, units, 4, "");
}

static void note_secret(struct k8s *k, const struct m_entity *secret)
{
	struct m_entity *m = (struct m_entity *)secret; /* scratch belongs to the walk */
	if (m->scratch != UNSEEN)
		return;
	m->scratch = SEEN_ONCE;
	vec_push(&k->secrets, secret);
}

/* ORCHC_SECRET_DB_PASSWORD: the variable carrying a secret into text. */
static const char *carrier(struct k8s *k, const struct m_entity *secret)
{
	return text_var_name(k->a, "ORCHC_SECRET", name_of(secret));
}

static void secret_in_container(void *ctx, const struct m_value *v, const struct m_entity *secret,
				struct strbuf *sb)
{
	(void)v;
	struct container_env *env = ctx;
	note_secret(env->k, secret);
	size_t i = 0;
	while (i < env->carried.len && env->carried.items[i] != secret)
		i++;
	if (i == env->carried.len)
		vec_push(&env->carried, secret);
	strbuf_addf(sb, "$(%s)", carrier(env->k, secret));
}

static void secret_in_file(void *ctx, const struct m_value *v, const struct m_entity *secret,
			   struct strbuf *sb)
{
	(void)sb;
	struct k8s *k = ctx;
	struct diag *d = diag_report(k->diags, E0903, v->span,
				     "kubernetes cannot write the secret '%s' into a ConfigMap",
				     name_of(secret));
	diag_help(k->diags, d, "mount the secret as a file: secret %s = \"/run/secrets/%s\"",
		  name_of(secret), name_of(secret));
	k->failed = true;
}

/* Text of a command, an argument or an env value: `$(` escaped, secrets as
 * `$(VAR)` of a variable the container gets from the Secret. */
static const char *container_text(struct container_env *env, const struct m_value *v)
{
	struct text_style style = { k8s_escape, secret_in_container, env, text_duration, k8s_size };
	return text_string(env->k->a, &style, v);
}

/* Text of a ConfigMap value: verbatim (Kubernetes expands nothing there). */
static const char *file_text(struct k8s *k, const struct m_value *v)
{
	struct text_style style = { NULL, secret_in_file, k, text_duration, k8s_size };
	return text_string(k->a, &style, v);
}

/* ---- objects ------------------------------------------------------------------- */

static void add_file(struct k8s *k, const char *name, struct strbuf *sb)
{
	output_add_buf(k->t->out, arena_printf(k->a, "%s/%s", k->dir, name), sb, 0644);
}

/* Writes one object as <kind>-<name>.yaml and lists it in the kustomization. */
static void put_object(struct k8s *k, const char *kind, const char *name, struct ynode *obj)
{
	char *file = arena_printf(k->lasting, "%s-%s.yaml", kind, name);
	for (char *p = file; *p && *p != '-'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	struct strbuf sb;
	strbuf_init(&sb);
	y_write(obj, k->header, &sb);
	add_file(k, file, &sb);
	strbuf_release(&sb);
	vec_push(&k->files, file);
}

static struct ynode *object(struct k8s *k, const char *api, const char *kind)
{
	struct ynode *o = y_map(k->a);
	y_put(o, "apiVersion", y_str(k->a, api));
	y_put(o, "kind", y_str(k->a, kind));
	return o;
}

/* The standard labels; `component` is the pod (laconic's unit of deployment). */
static struct ynode *labels(struct k8s *k, const char *name, const char *component)
{
	struct ynode *l = y_map(k->a);
	y_put(l, "app.kubernetes.io/name", y_str(k->a, name));
	y_put(l, "app.kubernetes.io/part-of", y_str(k->a, name_of(k->stack)));
	if (component)
		y_put(l, "app.kubernetes.io/component", y_str(k->a, component));
	y_put(l, "app.kubernetes.io/managed-by", y_str(k->a, "orchc"));
	return l;
}

/* What a Service and a workload select their pods by. */
static struct ynode *selector(struct k8s *k, const char *name)
{
	struct ynode *l = y_map(k->a);
	y_put(l, "app.kubernetes.io/name", y_str(k->a, name));
	y_put(l, "app.kubernetes.io/part-of", y_str(k->a, name_of(k->stack)));
	return l;
}

static struct ynode *metadata(struct k8s *k, const char *name, const char *label_name,
			      const char *component)
{
	struct ynode *m = y_map(k->a);
	y_put(m, "name", y_str(k->a, name));
	y_put(m, "namespace", y_str(k->a, k->ns));
	y_put(m, "labels", labels(k, label_name, component));
	return m;
}

static void put_config_map(struct k8s *k, const char *name, const char *component,
			   struct ynode *data)
{
	struct ynode *o = object(k, "v1", "ConfigMap");
	y_put(o, "metadata", metadata(k, name, name, component));
	y_put(o, "data", data);
	put_object(k, "configmap", name, o);
}

/* ---- images, resources, probes ------------------------------------------------- */

/* An image the stack builds (from a repo or a context) is pulled from the
 * target's registry: registry/<last path component of the tag>. */
static struct ynode *image_of(struct k8s *k, const struct m_value *v)
{
	if (v->kind != V_REF)
		return y_str(k->a, file_text(k, v));
	const struct m_entity *img = v->u.ref.ref;
	const char *tag = m_get(img, "tag")->u.s.ptr;
	if (!k->registry || (!m_is_set(m_get(img, "repo")) && !m_is_set(m_get(img, "context"))))
		return y_str(k->a, tag);
	const char *slash = strrchr(tag, '/');
	return y_str(k->a, arena_printf(k->a, "%s/%s", k->registry, slash ? slash + 1 : tag));
}

static struct ynode *quantities(struct k8s *k, const struct m_value *res)
{
	struct ynode *q = y_map(k->a);
	for (uint32_t i = 0; i < res->u.map.len; i++) {
		const struct m_entry *e = &res->u.map.entries[i];
		if (!m_is_set(e->value))
			continue;
		struct strbuf sb;
		strbuf_init(&sb);
		if (e->value->kind == V_FLOAT) {
			long long milli = (long long)(e->value->u.f * 1000 + 0.5); /* cpu > 0 */
			if (milli % 1000)
				strbuf_addf(&sb, "%lldm", milli);
			else
				strbuf_addint(&sb, milli / 1000);
		} else {
			k8s_size(&sb, (long long)e->value->u.i);
		}
		y_put(q, e->value->kind == V_FLOAT ? "cpu" : "memory",
		      y_str(k->a, arena_strndup(k->a, sb.buf, sb.len)));
		strbuf_release(&sb);
	}
	return q;
}

/* Requests equal to limits: the pod is scheduled where it fits whole.
 * (A node of the tree is put once: each map gets its own copy.) */
static struct ynode *resources(struct k8s *k, const struct m_value *res)
{
	struct ynode *r = y_map(k->a);
	y_put(r, "requests", quantities(k, res));
	y_put(r, "limits", quantities(k, res));
	return r;
}

static int64_t seconds_up(const struct m_value *v)
{
	int64_t s = (v->u.i + 999) / 1000;
	return s < 1 ? 1 : s;
}

/* An exec probe of the compose-style test: ["CMD", ...] runs as given,
 * ["CMD-SHELL", "..."] through sh -c; NULL for ["NONE"]. */
static struct ynode *exec_probe(struct k8s *k, const struct m_value *test)
{
	const char *kind = test->u.list.items[0]->u.s.ptr;
	if (strcmp(kind, "NONE") == 0)
		return NULL;
	struct ynode *cmd = y_seq(k->a);
	if (strcmp(kind, "CMD-SHELL") == 0) {
		y_push(cmd, y_str(k->a, "sh"));
		y_push(cmd, y_str(k->a, "-c"));
		struct strbuf sb;
		strbuf_init(&sb);
		for (uint32_t i = 1; i < test->u.list.len; i++) {
			if (i > 1)
				strbuf_addch(&sb, ' ');
			strbuf_add(&sb, test->u.list.items[i]->u.s.ptr, test->u.list.items[i]->u.s.len);
		}
		y_push(cmd, y_str(k->a, arena_strndup(k->a, sb.buf, sb.len)));
		strbuf_release(&sb);
	} else {
		for (uint32_t i = strcmp(kind, "CMD") == 0; i < test->u.list.len; i++)
			y_push(cmd, y_str(k->a, test->u.list.items[i]->u.s.ptr));
	}
	struct ynode *exec = y_map(k->a);
	y_put(exec, "command", cmd);
	return exec;
}

/* The health check as a probe, readiness and liveness alike: an HTTP GET
 * on the first port, a TCP connection, or the test command. */
static struct ynode *probe(struct k8s *k, const struct m_entity *svc, const struct m_value *hc)
{
	const struct m_value *http = m_map_get(hc, "http"), *tcp = m_map_get(hc, "tcp");
	struct ynode *p = y_map(k->a), *how = y_map(k->a);
	if (m_is_set(http)) {
		y_put(how, "path", y_str(k->a, http->u.s.ptr));
		y_put(how, "port", y_int(k->a, m_get(svc, "ports")->u.list.items[0]->u.i));
		y_put(p, "httpGet", how);
	} else if (m_is_set(tcp)) {
		y_put(how, "port", y_int(k->a, tcp->u.i));
		y_put(p, "tcpSocket", how);
	} else if ((how = exec_probe(k, m_map_get(hc, "test")))) {
		y_put(p, "exec", how);
	} else {
		return NULL;
	}
	int64_t delay = m_map_get(hc, "start_period")->u.i / 1000;
	if (delay)
		y_put(p, "initialDelaySeconds", y_int(k->a, delay));
	y_put(p, "periodSeconds", y_int(k->a, seconds_up(m_map_get(hc, "interval"))));
	y_put(p, "timeoutSeconds", y_int(k->a, seconds_up(m_map_get(hc, "timeout"))));
	y_put(p, "failureThreshold", y_int(k->a, m_map_get(hc, "retries")->u.i));
	return p;
}

/* ---- the pod template ------------------------------------------------------------ */

struct pod {
	struct ynode *volumes;  /* the pod's volumes */
	struct ynode *mounts;   /* the container's volumeMounts */
	struct ynode *claims;   /* StatefulSet volumeClaimTemplates (own volumes) */
};

static struct ynode *claim_spec(struct k8s *k, const char *mode, const struct m_value *size)
{
	struct ynode *spec = y_map(k->a), *modes = y_seq(k->a), *req = y_map(k->a), *res = y_map(k->a);
	y_push(modes, y_str(k->a, mode));
	y_put(spec, "accessModes", modes);
	struct strbuf sb;
	strbuf_init(&sb);
	if (m_is_set(size))
		k8s_size(&sb, (long long)size->u.i);
	else
		strbuf_addstr(&sb, "1Gi");
	y_put(req, "storage", y_str(k->a, arena_strndup(k->a, sb.buf, sb.len)));
	strbuf_release(&sb);
	y_put(res, "requests", req);
	y_put(spec, "resources", res);
	return spec;
}

static void mount(struct k8s *k, struct pod *p, const char *volume, const struct m_value *path,
		  const char *sub_path, bool read_only)
{
	struct ynode *m = y_map(k->a);
	y_put(m, "name", y_str(k->a, volume));
	y_put(m, "mountPath", y_str(k->a, path->u.s.ptr));
	if (sub_path)
		y_put(m, "subPath", y_str(k->a, sub_path));
	if (read_only)
		y_put(m, "readOnly", y_bool(k->a, true));
	y_push(p->mounts, m);
}

static void pod_volume(struct k8s *k, struct pod *p, const char *name, const char *source,
		       struct ynode *spec)
{
	struct ynode *v = y_map(k->a);
	y_put(v, "name", y_str(k->a, name));
	y_put(v, source, spec);
	y_push(p->volumes, v);
}

/* A ConfigMap key for a file of a config directory: keys have no '/', so
 * "datasources/prometheus.yml" is "datasources.prometheus.yml", and the
 * volume's items put it back at its path. */
static const char *file_key(struct k8s *k, const char *fname)
{
	char *key = arena_strndup(k->a, fname, strlen(fname));
	for (char *p = key; *p; p++)
		if (*p == '/')
			*p = '.';
	return key;
}

/* A config's text as a ConfigMap, written once per stack config. */
static void config_map(struct k8s *k, const struct m_entity *cfg, const char *cm_name,
		       const struct m_value *content, const struct m_value *files)
{
	struct m_entity *m = (struct m_entity *)cfg;
	if (cfg->parent->kind == KIND_STACK && m->scratch != UNSEEN)
		return;
	m->scratch = SEEN_ONCE;
	struct ynode *data = y_map(k->a);
	if (m_is_set(content))
		y_put(data, name_of(cfg), y_str(k->a, file_text(k, content)));
	for (uint32_t i = 0; files && i < files->u.map.len; i++) {
		const struct m_entry *f = &files->u.map.entries[i];
		const char *key = file_key(k, f->key->name);
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(file_key(k, files->u.map.entries[j].key->name), key) == 0) {
				diag_report(k->diags, E0903, f->value->span,
					    "files '%s' and '%s' would be one ConfigMap key '%s'",
					    files->u.map.entries[j].key->name, f->key->name, key);
				k->failed = true;
			}
		y_put(data, key, y_str(k->a, file_text(k, f->value)));
	}
	put_config_map(k, cm_name, NULL, data);
}

/* A config mounted read-only: its one file at the path (subPath), or its
 * files as a directory at the path. */
static void config_mount(struct k8s *k, struct pod *p, const struct m_entity *svc,
			 const struct m_entity *m)
{
	const struct m_value *shared = m_get(m, "shared");
	const struct m_entity *cfg = m_is_set(shared) ? shared->u.ref.ref : m;
	const char *cm = m_is_set(shared) ? name_of(cfg) : arena_printf(k->a, "%s-%s", name_of(svc), name_of(m));
	const struct m_value *content = m_get(cfg, "content");
	const struct m_value *files = m_is_set(shared) ? m_get(cfg, "files") : NULL;
	config_map(k, cfg, cm, content, files);
	struct ynode *spec = y_map(k->a);
	y_put(spec, "name", y_str(k->a, cm));
	if (!m_is_set(content)) {
		struct ynode *items = y_seq(k->a);
		for (uint32_t i = 0; i < files->u.map.len; i++) {
			struct ynode *item = y_map(k->a);
			y_put(item, "key", y_str(k->a, file_key(k, files->u.map.entries[i].key->name)));
			y_put(item, "path", y_str(k->a, files->u.map.entries[i].key->name));
			y_push(items, item);
		}
		y_put(spec, "items", items);
	}
	if (m_is_set(shared))
		y_put(spec, "defaultMode", y_int(k->a, m_get(cfg, "mode")->u.i));
	const char *vol = arena_printf(k->a, "config-%s", name_of(m));
	pod_volume(k, p, vol, "configMap", spec);
	mount(k, p, vol, m_get(m, "path"), m_is_set(content) ? name_of(cfg) : NULL, true);
}

static void secret_mount(struct k8s *k, struct pod *p, const struct m_entity *m)
{
	const struct m_entity *secret = m_get(m, "shared")->u.ref.ref;
	note_secret(k, secret);
	struct ynode *spec = y_map(k->a), *items = y_seq(k->a), *item = y_map(k->a);
	y_put(spec, "secretName", y_str(k->a, k->secret_name));
	y_put(item, "key", y_str(k->a, name_of(secret)));
	y_put(item, "path", y_str(k->a, name_of(secret)));
	y_push(items, item);
	y_put(spec, "items", items);
	y_put(spec, "defaultMode", y_int(k->a, 0400));
	const char *vol = arena_printf(k->a, "secret-%s", name_of(m));
	pod_volume(k, p, vol, "secret", spec);
	mount(k, p, vol, m_get(m, "path"), name_of(secret), true);
}

static void volume_mount(struct k8s *k, struct pod *p, const struct m_entity *svc,
			 const struct m_entity *m)
{
	const struct m_value *shared = m_get(m, "shared"), *path = m_get(m, "path");
	bool read_only = m_get(m, "read_only")->u.b;
	if (!m_is_set(shared)) {
		/* The service's own: one claim per replica (StatefulSet). */
		struct ynode *claim = y_map(k->a), *meta = y_map(k->a);
		y_put(meta, "name", y_str(k->a, name_of(m)));
		y_put(claim, "metadata", meta);
		y_put(claim, "spec", claim_spec(k, "ReadWriteOnce", NULL));
		y_push(p->claims, claim);
		mount(k, p, name_of(m), path, NULL, read_only);
		return;
	}
	const struct m_entity *vol = shared->u.ref.ref;
	const struct m_value *host = m_get(vol, "host_path");
	struct ynode *spec = y_map(k->a);
	if (m_is_set(host)) {
		if (host->u.s.ptr[0] != '/') {
			struct diag *d = diag_report(k->diags, E0903, host->span,
						     "kubernetes cannot mount the relative host path '%s' into '%s'",
						     host->u.s.ptr, name_of(svc));
			diag_help(k->diags, d, "a node has no directory of the program: drop host_path "
						"(a PersistentVolumeClaim) or give an absolute path");
			k->failed = true;
			return;
		}
		y_put(spec, "path", y_str(k->a, host->u.s.ptr));
		y_put(spec, "type", y_str(k->a, "DirectoryOrCreate"));
		pod_volume(k, p, name_of(vol), "hostPath", spec);
	} else {
		y_put(spec, "claimName", y_str(k->a, name_of(vol)));
		pod_volume(k, p, name_of(vol), "persistentVolumeClaim", spec);
		struct m_entity *mv = (struct m_entity *)vol;
		mv->scratch = mv->scratch == UNSEEN ? SEEN_ONCE : SEEN_TWICE;
	}
	mount(k, p, name_of(vol), path, NULL, read_only);
}

static void pod_mounts(struct k8s *k, struct pod *p, const struct m_entity *svc)
{
	for (uint32_t i = 0; i < svc->nchildren; i++) {
		const struct m_entity *m = svc->children[i];
		if (m->kind == KIND_VOLUME)
			volume_mount(k, p, svc, m);
		else if (m->kind == KIND_CONFIG)
			config_mount(k, p, svc, m);
		else if (m->kind == KIND_SECRET)
			secret_mount(k, p, m);
	}
}

/* An init container that returns once `dep` can be relied on: a TCP
 * connection to its Service (accepted once a pod is ready), or, for a job
 * that must complete, `kubectl wait` on the Job. */
static struct ynode *wait_for(struct k8s *k, const struct m_entity *svc, const struct m_value *dep,
			      bool *reads_jobs)
{
	const char *cond = dep->kind == V_TAGGED ? dep->u.list.sym->name : "started";
	const struct m_entity *target = (dep->kind == V_TAGGED ? dep->u.list.items[0] : dep)->u.ref.ref;
	struct ynode *c = y_map(k->a), *cmd = y_seq(k->a);
	y_put(c, "name", y_str(k->a, arena_printf(k->a, "wait-for-%s", name_of(target))));
	const char *script;
	if (target->kind == KIND_JOB) {
		if (strcmp(cond, "completed") != 0)
			return NULL; /* every pod of the stack starts at once */
		*reads_jobs = true;
		y_put(c, "image", y_str(k->a, WAIT_JOB_IMAGE));
		script = arena_printf(k->a, "until kubectl wait --for=condition=complete job/%s --timeout=60s; "
				      "do echo waiting for job %s; sleep 2; done", name_of(target), name_of(target));
	} else {
		const struct m_value *ports = m_get(target, "ports");
		if (!ports->u.list.len) {
			diag_report(k->diags, W0901, dep->span,
				    "kubernetes cannot wait for '%s', which has no ports: '%s' starts without waiting",
				    name_of(target), name_of(svc));
			return NULL;
		}
		y_put(c, "image", y_str(k->a, WAIT_TCP_IMAGE));
		script = arena_printf(k->a, "until nc -z %s %lld; do echo waiting for %s; sleep 2; done",
				      name_of(target), (long long)ports->u.list.items[0]->u.i, name_of(target));
	}
	y_push(cmd, y_str(k->a, "sh"));
	y_push(cmd, y_str(k->a, "-c"));
	y_push(cmd, y_str(k->a, script));
	y_put(c, "command", cmd);
	return c;
}

static struct ynode *text_list(struct container_env *env, const struct m_value *list)
{
	struct ynode *seq = y_seq(env->k->a);
	for (uint32_t i = 0; i < list->u.list.len; i++)
		y_push(seq, y_str(env->k->a, container_text(env, list->u.list.items[i])));
	return seq;
}

static struct ynode *secret_ref(struct k8s *k, const char *var, const struct m_entity *secret)
{
	struct ynode *e = y_map(k->a), *from = y_map(k->a), *ref = y_map(k->a);
	y_put(ref, "name", y_str(k->a, k->secret_name));
	y_put(ref, "key", y_str(k->a, name_of(secret)));
	y_put(from, "secretKeyRef", ref);
	y_put(e, "name", y_str(k->a, var));
	y_put(e, "valueFrom", from);
	return e;
}

/* Environment: plain values in the ConfigMap <svc>-env; a secret as a
 * secretKeyRef; text holding a secret as a value with $(VAR) references to
 * variables set from the Secret before it. */
static void environment(struct k8s *k, struct container_env *env, struct ynode *c,
			const struct m_entity *svc, const char *component)
{
	const struct m_value *vars = m_get(svc, "env");
	struct ynode *data = y_map(k->a);
	VEC(struct ynode *) direct = VEC_INIT;
	for (uint32_t i = 0; i < vars->u.map.len; i++) {
		const char *key = vars->u.map.entries[i].key->name;
		const struct m_value *v = vars->u.map.entries[i].value;
		if (!v->secret) {
			y_put(data, key, y_str(k->a, file_text(k, v)));
		} else if (v->kind == V_REF) {
			note_secret(k, v->u.ref.ref);
			vec_push(&direct, secret_ref(k, key, v->u.ref.ref));
		} else {
			struct ynode *e = y_map(k->a);
			y_put(e, "name", y_str(k->a, key));
			y_put(e, "value", y_str(k->a, container_text(env, v)));
			vec_push(&direct, e);
		}
	}
	if (env->carried.len || direct.len) {
		struct ynode *list = y_seq(k->a);
		for (size_t i = 0; i < env->carried.len; i++)
			y_push(list, secret_ref(k, carrier(k, env->carried.items[i]), env->carried.items[i]));
		for (size_t i = 0; i < direct.len; i++)
			y_push(list, direct.items[i]);
		y_put(c, "env", list);
	}
	vec_free(&direct);
	if (y_len(data)) {
		const char *cm = arena_printf(k->a, "%s-env", name_of(svc));
		put_config_map(k, cm, component, data);
		struct ynode *from = y_seq(k->a), *ref = y_map(k->a), *name = y_map(k->a);
		y_put(name, "name", y_str(k->a, cm));
		y_put(ref, "configMapRef", name);
		y_push(from, ref);
		y_put(c, "envFrom", from);
	}
}

/* ---- workloads ------------------------------------------------------------------- */

/* "1000" or "1000:1000" as runAsUser and runAsGroup; a user name has no
 * equivalent (Kubernetes runs numeric ids). */
static void security(struct k8s *k, struct ynode *c, const struct m_entity *svc)
{
	struct ynode *sc = y_map(k->a);
	const struct m_value *user = m_get(svc, "user");
	if (m_is_set(user)) {
		const char *u = user->u.s.ptr, *colon = strchr(u, ':');
		size_t ulen = colon ? (size_t)(colon - u) : strlen(u);
		bool numeric = ulen && strspn(u, "0123456789") == ulen &&
			       (!colon || (colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)));
		if (numeric) {
			y_put(sc, "runAsUser", y_int(k->a, strtoll(u, NULL, 10)));
			if (colon)
				y_put(sc, "runAsGroup", y_int(k->a, strtoll(colon + 1, NULL, 10)));
		} else {
			struct diag *d = diag_report(k->diags, E0903, user->span,
						     "kubernetes runs containers as numeric ids, not as user '%s'", u);
			diag_help(k->diags, d, "write the uid (and gid) the image gives that user: user = \"1000:1000\"");
			k->failed = true;
		}
	}
	const struct m_value *priv = m_get(svc, "privileged");
	if (priv && priv->u.b)
		y_put(sc, "privileged", y_bool(k->a, true));
	if (y_len(sc))
		y_put(c, "securityContext", sc);
}

/* What a node cannot provide for a container, said where it is written. */
static void report_unbuilt(struct k8s *k, const struct m_entity *svc)
{
	const struct m_value *v = m_get(svc, "env_files");
	if (v->u.list.len) {
		struct diag *d = diag_report(k->diags, E0903, v->span,
					     "kubernetes cannot read env files of the host ('%s' of '%s')",
					     v->u.list.items[0]->u.s.ptr, name_of(svc));
		diag_help(k->diags, d, "write the variables in `env`, or build only --target compose");
		k->failed = true;
	}
	if ((v = m_get(svc, "devices")) && v->u.list.len) {
		struct diag *d = diag_report(k->diags, E0903, v->span,
					     "kubernetes has no device passthrough for '%s'", name_of(svc));
		diag_help(k->diags, d, "a node exposes devices through a device plugin; build this pod "
					"only --target compose");
		k->failed = true;
	}
	if ((v = m_get(svc, "networks")) && v->u.list.len)
		diag_report(k->diags, W0901, v->span,
			    "kubernetes pods share one network: the networks of '%s' are built for compose only",
			    name_of(svc));
	if ((v = m_get(svc, "restart")) && svc->kind == KIND_SERVICE &&
	    (strcmp(v->u.sym->name, "no") == 0 || strcmp(v->u.sym->name, "on-failure") == 0))
		diag_report(k->diags, W0901, v->span,
			    "a Deployment always restarts its containers: restart = %s of '%s' is built "
			    "for compose only", v->u.sym->name, name_of(svc));
}

static struct ynode *container(struct k8s *k, struct pod *p, const struct m_entity *svc,
			       const char *component)
{
	struct container_env env = { k, VEC_INIT };
	struct ynode *c = y_map(k->a);
	const struct m_value *v;
	y_put(c, "name", y_str(k->a, name_of(svc)));
	y_put(c, "image", image_of(k, m_get(svc, "image")));
	if (m_is_set(v = m_get(svc, "entrypoint")))
		y_put(c, "command", text_list(&env, v));
	if (m_is_set(v = m_get(svc, "command")))
		y_put(c, "args", text_list(&env, v));
	if (m_is_set(v = m_get(svc, "working_dir")))
		y_put(c, "workingDir", y_str(k->a, v->u.s.ptr));
	if ((v = m_get(svc, "ports")) && v->u.list.len) {
		struct ynode *ports = y_seq(k->a);
		for (uint32_t i = 0; i < v->u.list.len; i++) {
			struct ynode *port = y_map(k->a);
			y_put(port, "containerPort", y_int(k->a, v->u.list.items[i]->u.i));
			y_push(ports, port);
		}
		y_put(c, "ports", ports);
	}
	environment(k, &env, c, svc, component);
	vec_free(&env.carried);
	if (m_is_set(v = m_get(svc, "resources")))
		y_put(c, "resources", resources(k, v));
	struct ynode *pr;
	if ((v = m_get(svc, "healthcheck")) && m_is_set(v) && (pr = probe(k, svc, v))) {
		y_put(c, "readinessProbe", pr);
		y_put(c, "livenessProbe", probe(k, svc, v));
	}
	security(k, c, svc);
	pod_mounts(k, p, svc);
	if (y_len(p->mounts))
		y_put(c, "volumeMounts", p->mounts);
	return c;
}

/* The pod template of a service, a job or a scheduled job. */
static struct ynode *template(struct k8s *k, struct pod *p, const struct m_entity *svc,
			      const char *component, const char *restart)
{
	struct ynode *tpl = y_map(k->a), *meta = y_map(k->a), *spec = y_map(k->a);
	y_put(meta, "labels", labels(k, name_of(svc), component));
	const struct m_value *user_labels = m_get(svc, "labels");
	if (user_labels->u.map.len) {
		/* Compose labels are free text: annotations, not selector labels. */
		struct ynode *ann = y_map(k->a);
		for (uint32_t i = 0; i < user_labels->u.map.len; i++)
			y_put(ann, user_labels->u.map.entries[i].key->name,
			      y_str(k->a, file_text(k, user_labels->u.map.entries[i].value)));
		y_put(meta, "annotations", ann);
	}
	y_put(tpl, "metadata", meta);
	struct ynode *c = container(k, p, svc, component);
	struct ynode *inits = y_seq(k->a), *init;
	const struct m_value *after = m_get(svc, "after");
	bool reads_jobs = false;
	for (uint32_t i = 0; i < after->u.list.len; i++)
		if ((init = wait_for(k, svc, after->u.list.items[i], &reads_jobs)))
			y_push(inits, init);
	if (reads_jobs) {
		y_put(spec, "serviceAccountName", y_str(k->a, k->waiter));
		k->waiter_used = true;
	}
	if (restart)
		y_put(spec, "restartPolicy", y_str(k->a, restart));
	if (y_len(inits))
		y_put(spec, "initContainers", inits);
	struct ynode *containers = y_seq(k->a);
	y_push(containers, c);
	y_put(spec, "containers", containers);
	if (y_len(p->volumes))
		y_put(spec, "volumes", p->volumes);
	y_put(tpl, "spec", spec);
	return tpl;
}

static struct ynode *service_port(struct k8s *k, int64_t port, int64_t target)
{
	struct ynode *p = y_map(k->a);
	y_put(p, "name", y_str(k->a, arena_printf(k->a, "port-%lld", (long long)port)));
	y_put(p, "port", y_int(k->a, port));
	y_put(p, "targetPort", y_int(k->a, target));
	return p;
}

/* A ClusterIP Service for `ports`; another, of the target's type, for the
 * published ports (a NodePort keeps the host port when it is in the node
 * port range, 30000-32767; otherwise the cluster assigns one). */
static void services(struct k8s *k, const struct m_entity *svc, const char *component)
{
	const struct m_value *ports = m_get(svc, "ports"), *publish = m_get(svc, "publish");
	for (int pub = 0; pub < 2; pub++) {
		const struct m_value *list = pub ? publish : ports;
		if (!list->u.list.len)
			continue;
		const char *name = pub ? arena_printf(k->a, "%s-public", name_of(svc)) : name_of(svc);
		struct ynode *o = object(k, "v1", "Service"), *spec = y_map(k->a), *sp = y_seq(k->a);
		y_put(o, "metadata", metadata(k, name, name_of(svc), component));
		if (pub)
			y_put(spec, "type", y_str(k->a, k->public_type));
		y_put(spec, "selector", selector(k, name_of(svc)));
		for (uint32_t i = 0; i < list->u.list.len; i++) {
			const struct m_value *p = list->u.list.items[i];
			if (!pub) {
				y_push(sp, service_port(k, p->u.i, p->u.i));
				continue;
			}
			int64_t host = p->u.list.items[0]->u.i;
			struct ynode *port = service_port(k, host, p->u.list.items[1]->u.i);
			if (strcmp(k->public_type, "NodePort") == 0 && host >= 30000 && host <= 32767)
				y_put(port, "nodePort", y_int(k->a, host));
			y_push(sp, port);
		}
		y_put(spec, "ports", sp);
		y_put(o, "spec", spec);
		put_object(k, "service", name, o);
	}
}

static void ingresses(struct k8s *k, const struct m_entity *svc, const char *component)
{
	for (uint32_t i = 0; i < svc->nchildren; i++) {
		const struct m_entity *e = svc->children[i];
		if (e->kind != KIND_EXPOSE)
			continue;
		const char *name = arena_printf(k->a, "%s-%s", name_of(svc), name_of(e));
		const char *host = m_get(e, "host")->u.s.ptr;
		struct ynode *o = object(k, "networking.k8s.io/v1", "Ingress"), *spec = y_map(k->a);
		y_put(o, "metadata", metadata(k, name, name_of(svc), component));
		if (m_is_set(k->ingress_class))
			y_put(spec, "ingressClassName", y_str(k->a, k->ingress_class->u.s.ptr));
		if (m_get(e, "tls")->u.b) {
			struct ynode *tls = y_seq(k->a), *t = y_map(k->a), *hosts = y_seq(k->a);
			y_push(hosts, y_str(k->a, host));
			y_put(t, "hosts", hosts);
			y_put(t, "secretName", y_str(k->a, m_is_set(k->tls_secret) ? k->tls_secret->u.s.ptr
									       : arena_printf(k->a, "%s-tls", name)));
			y_push(tls, t);
			y_put(spec, "tls", tls);
		}
		struct ynode *rules = y_seq(k->a), *rule = y_map(k->a), *http = y_map(k->a);
		struct ynode *paths = y_seq(k->a), *path = y_map(k->a), *backend = y_map(k->a);
		struct ynode *service = y_map(k->a), *port = y_map(k->a);
		y_put(port, "number", y_int(k->a, m_get(e, "port")->u.i));
		y_put(service, "name", y_str(k->a, name_of(svc)));
		y_put(service, "port", port);
		y_put(backend, "service", service);
		y_put(path, "path", y_str(k->a, m_get(e, "path")->u.s.ptr));
		y_put(path, "pathType", y_str(k->a, "Prefix"));
		y_put(path, "backend", backend);
		y_push(paths, path);
		y_put(http, "paths", paths);
		y_put(rule, "host", y_str(k->a, host));
		y_put(rule, "http", http);
		y_push(rules, rule);
		y_put(spec, "rules", rules);
		y_put(o, "spec", spec);
		put_object(k, "ingress", name, o);
	}
}

static void lower_service_objects(struct k8s *k, const struct m_entity *svc);

/* Each service's objects are written out as text as soon as they are
 * built, so their trees go with a scratch arena: at 10 000 services the
 * trees of all of them would be most of the memory a build takes. */
static void lower_service(void *ctx, const struct m_entity *svc)
{
	struct k8s *k = ctx;
	struct arena scratch;
	arena_init(&scratch);
	k->a = &scratch;
	lower_service_objects(k, svc);
	k->a = k->lasting;
	arena_release(&scratch);
}

static void lower_service_objects(struct k8s *k, const struct m_entity *svc)
{
	const char *component = pod_of(svc);
	report_unbuilt(k, svc);
	struct pod p = { y_seq(k->a), y_seq(k->a), y_seq(k->a) };
	const char *name = name_of(svc);
	if (svc->kind == KIND_JOB) {
		bool retry = strcmp(m_get(svc, "restart")->u.sym->name, "on-failure") == 0;
		struct ynode *job = y_map(k->a);
		y_put(job, "backoffLimit", y_int(k->a, retry ? 6 : 0));
		y_put(job, "template", template(k, &p, svc, component, retry ? "OnFailure" : "Never"));
		const struct m_value *schedule = m_get(svc, "schedule");
		struct ynode *o;
		if (m_is_set(schedule)) {
			o = object(k, "batch/v1", "CronJob");
			struct ynode *spec = y_map(k->a), *jt = y_map(k->a);
			y_put(spec, "schedule", y_str(k->a, schedule->u.s.ptr));
			y_put(spec, "concurrencyPolicy", y_str(k->a, "Forbid"));
			y_put(jt, "spec", job);
			y_put(spec, "jobTemplate", jt);
			y_put(o, "metadata", metadata(k, name, name, component));
			y_put(o, "spec", spec);
		} else {
			o = object(k, "batch/v1", "Job");
			y_put(o, "metadata", metadata(k, name, name, component));
			y_put(o, "spec", job);
		}
		put_object(k, m_is_set(schedule) ? "cronjob" : "job", name, o);
		return;
	}
	struct ynode *tpl = template(k, &p, svc, component, NULL);
	bool stateful = y_len(p.claims) > 0;
	struct ynode *o = object(k, "apps/v1", stateful ? "StatefulSet" : "Deployment");
	struct ynode *spec = y_map(k->a), *sel = y_map(k->a);
	y_put(o, "metadata", metadata(k, name, name, component));
	if (stateful)
		y_put(spec, "serviceName", y_str(k->a, name));
	y_put(spec, "replicas", y_int(k->a, m_get(svc, "replicas")->u.i));
	y_put(sel, "matchLabels", selector(k, name));
	y_put(spec, "selector", sel);
	y_put(spec, "template", tpl);
	if (stateful)
		y_put(spec, "volumeClaimTemplates", p.claims);
	y_put(o, "spec", spec);
	put_object(k, stateful ? "statefulset" : "deployment", name, o);
	services(k, svc, component);
	ingresses(k, svc, component);
}

/* ---- the stack ----------------------------------------------------------------------- */

/* A PersistentVolumeClaim per stack volume a selected pod mounts; shared by
 * several services, it must be mountable from several nodes. */
static void claims(struct k8s *k)
{
	for (uint32_t i = 0; i < k->stack->nchildren; i++) {
		const struct m_entity *vol = k->stack->children[i];
		if (vol->kind != KIND_VOLUME || vol->scratch == UNSEEN)
			continue;
		struct ynode *o = object(k, "v1", "PersistentVolumeClaim");
		y_put(o, "metadata", metadata(k, name_of(vol), name_of(vol), NULL));
		y_put(o, "spec", claim_spec(k, vol->scratch == SEEN_TWICE ? "ReadWriteMany" : "ReadWriteOnce",
					    m_get(vol, "size")));
		put_object(k, "persistentvolumeclaim", name_of(vol), o);
	}
}

/* The account the job-waiting init containers run as: it may read Jobs. */
static void job_waiter(struct k8s *k)
{
	struct ynode *sa = object(k, "v1", "ServiceAccount");
	y_put(sa, "metadata", metadata(k, k->waiter, k->waiter, NULL));
	put_object(k, "serviceaccount", k->waiter, sa);

	struct ynode *role = object(k, "rbac.authorization.k8s.io/v1", "Role");
	struct ynode *rules = y_seq(k->a), *rule = y_map(k->a), *groups = y_seq(k->a);
	struct ynode *res = y_seq(k->a), *verbs = y_seq(k->a);
	y_put(role, "metadata", metadata(k, k->waiter, k->waiter, NULL));
	y_push(groups, y_str(k->a, "batch"));
	y_push(res, y_str(k->a, "jobs"));
	y_push(verbs, y_str(k->a, "get"));
	y_push(verbs, y_str(k->a, "list"));
	y_push(verbs, y_str(k->a, "watch"));
	y_put(rule, "apiGroups", groups);
	y_put(rule, "resources", res);
	y_put(rule, "verbs", verbs);
	y_push(rules, rule);
	y_put(role, "rules", rules);
	put_object(k, "role", k->waiter, role);

	struct ynode *rb = object(k, "rbac.authorization.k8s.io/v1", "RoleBinding");
	struct ynode *ref = y_map(k->a), *subjects = y_seq(k->a), *subject = y_map(k->a);
	y_put(rb, "metadata", metadata(k, k->waiter, k->waiter, NULL));
	y_put(ref, "apiGroup", y_str(k->a, "rbac.authorization.k8s.io"));
	y_put(ref, "kind", y_str(k->a, "Role"));
	y_put(ref, "name", y_str(k->a, k->waiter));
	y_put(rb, "roleRef", ref);
	y_put(subject, "kind", y_str(k->a, "ServiceAccount"));
	y_put(subject, "name", y_str(k->a, k->waiter));
	y_put(subject, "namespace", y_str(k->a, k->ns));
	y_push(subjects, subject);
	y_put(rb, "subjects", subjects);
	put_object(k, "rolebinding", k->waiter, rb);
}

/* secret.env.example (the keys of secret.env, never a value), .gitignore,
 * and the kustomization's secretGenerator reading them. */
static struct ynode *secret_generator(struct k8s *k)
{
	struct strbuf ex;
	strbuf_init(&ex);
	strbuf_addf(&ex, "# Generated by orchc %s from %s (stack %s); do not edit.\n"
			 "# The values of the Secret %s. Copy this file to secret.env (git-ignored),\n"
			 "# fill in every value, and put each file secret under secrets/ (git-ignored);\n"
			 "# `kubectl apply -k` builds the Secret from them. orchc never writes a value.\n",
		    ORCHC_VERSION, k->t->source, name_of(k->stack), k->secret_name);
	struct ynode *gen = y_map(k->a), *envs = y_seq(k->a), *files = y_seq(k->a);
	y_put(gen, "name", y_str(k->a, k->secret_name));
	for (size_t i = 0; i < k->secrets.len; i++) {
		const struct m_entity *s = k->secrets.items[i];
		const struct m_value *from = m_get(s, "from");
		strbuf_addf(&ex, "\n# secret %s", name_of(s));
		switch (secret_source(s)) {
		case FROM_FILE:
			strbuf_addf(&ex, ": a file; copy %s to secrets/%s\n", from->u.list.items[0]->u.s.ptr,
				    name_of(s));
			y_push(files, y_str(k->a, arena_printf(k->a, "%s=secrets/%s", name_of(s), name_of(s))));
			continue;
		case FROM_GENERATE:
			strbuf_addf(&ex, ": generate %lld random characters once per deployment",
				    (long long)from->u.list.items[0]->u.i);
			break;
		case FROM_ENV:
			strbuf_addf(&ex, " (compose reads it from $%s)", from->u.list.items[0]->u.s.ptr);
			break;
		}
		strbuf_addf(&ex, "\n%s=\n", name_of(s));
		if (!y_len(envs))
			y_push(envs, y_str(k->a, "secret.env"));
	}
	add_file(k, "secret.env.example", &ex);
	strbuf_addstr(&ex, "# The secret values, filled in by the operator: never commit them.\nsecret.env\nsecrets/\n");
	add_file(k, ".gitignore", &ex);
	strbuf_release(&ex);
	if (y_len(envs))
		y_put(gen, "envs", envs);
	if (y_len(files))
		y_put(gen, "files", files);
	struct ynode *list = y_seq(k->a);
	y_push(list, gen);
	return list;
}

static void kustomization(struct k8s *k)
{
	struct ynode *o = object(k, "kustomize.config.k8s.io/v1beta1", "Kustomization");
	/* The Secret it generates gets the namespace from here. */
	y_put(o, "namespace", y_str(k->a, k->ns));
	struct ynode *res = y_seq(k->a);
	for (size_t i = 0; i < k->files.len; i++)
		y_push(res, y_str(k->a, k->files.items[i]));
	y_put(o, "resources", res);
	if (k->secrets.len)
		y_put(o, "secretGenerator", secret_generator(k));
	struct strbuf sb;
	strbuf_init(&sb);
	y_write(o, k->header, &sb);
	add_file(k, "kustomization.yaml", &sb);
	strbuf_release(&sb);
}

static void lower_stack(struct target_ctx *t, const struct m_entity *stack)
{
	const struct m_value *ns = target_setting(t, "namespace"), *reg = target_setting(t, "registry");
	const struct m_value *type = target_setting(t, "service_type");
	struct k8s k = { .t = t, .a = &t->ctx->arena, .lasting = &t->ctx->arena, .diags = &t->ctx->diags,
			 .stack = stack };
	k.dir = arena_printf(k.a, "k8s/%s", name_of(stack));
	k.ns = m_is_set(ns) ? ns->u.s.ptr : "default";
	k.registry = m_is_set(reg) ? reg->u.s.ptr : NULL;
	k.ingress_class = target_setting(t, "ingress_class");
	k.tls_secret = target_setting(t, "tls_secret");
	k.public_type = m_is_set(type) ? type->u.sym->name : "NodePort";
	k.secret_name = arena_printf(k.a, "%s-secrets", name_of(stack));
	k.waiter = arena_printf(k.a, "%s-job-waiter", name_of(stack));
	k.header = arena_printf(k.a, "# Generated by orchc %s from %s (stack %s); do not edit.\n",
				ORCHC_VERSION, t->source, name_of(stack));
	for (uint32_t i = 0; i < stack->nchildren; i++)
		stack->children[i]->scratch = UNSEEN;

	/* The cluster's own `default` namespace is used, never redefined. */
	if (strcmp(k.ns, "default") != 0) {
		struct ynode *nso = object(&k, "v1", "Namespace"), *meta = y_map(k.a);
		y_put(meta, "name", y_str(k.a, k.ns));
		y_put(meta, "labels", labels(&k, k.ns, NULL));
		y_put(nso, "metadata", meta);
		put_object(&k, "namespace", k.ns, nso);
	}

	pods_each_selected(t, stack, lower_service, &k);
	claims(&k);
	if (k.waiter_used)
		job_waiter(&k);
	if (!k.failed)
		kustomization(&k);
	vec_free(&k.files);
	vec_free(&k.secrets);
}

static void emit(struct target_ctx *t)
{
	for (uint32_t i = 0; i < t->prog->nentities; i++)
		if (t->prog->entities[i]->kind == KIND_STACK)
			lower_stack(t, t->prog->entities[i]);
}

const struct target target_kubernetes = { "kubernetes", "k8s", emit, false };
