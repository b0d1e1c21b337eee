/*
 * registry_py.c - DIR/migrations/<catalog>/registry.py.
 */
#include "registry_py.h"

#include <string.h>
#include <strings.h>

#include "arena.h"
#include "model.h"
#include "orchc.h"
#include "output.h"
#include "py_text.h"
#include "str.h"
#include "target.h"
#include "variant.h"

static void py(struct strbuf *sb, const char *s)
{
	py_string(sb, s, strlen(s), false);
}

/* "NodeEnrollment" -> "node_enrollment". */
static void snake(struct strbuf *sb, const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p >= 'A' && *p <= 'Z') {
			if (p != s && p[-1] != '_')
				strbuf_addch(sb, '_');
			strbuf_addch(sb, (char)(*p - 'A' + 'a'));
		} else {
			strbuf_addch(sb, *p == '-' || *p == ' ' ? '_' : *p);
		}
	}
}

/* `implementation`, or workflows.<product type>.<name> (tasks:
 * workflows.tasks.<name>), the layout of orchestrator-core's generator. */
static const char *implementation(struct arena *a, const struct m_entity *w)
{
	const char *impl = m_string(w, "implementation");
	if (impl)
		return impl;
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addstr(&sb, "workflows.");
	const struct m_value *p = w->kind == KIND_WORKFLOW ? m_get(w, "product") : NULL;
	if (m_count(p)) {
		snake(&sb, m_string(m_item(p, 0)->u.ref.ref, "type"));
	} else {
		strbuf_addstr(&sb, w->kind == KIND_TASK ? "tasks" : "workflows");
	}
	strbuf_addf(&sb, ".%s", w->name->name);
	const char *s = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return s;
}

/* ---- schedules ---- */

static const char *const day_names[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

/* A day of the week: a number 0-7 (0 and 7 are Sunday) or a name. */
static int day_value(const char *p, size_t n)
{
	if (n == 3 && !(p[0] >= '0' && p[0] <= '9'))
		for (int d = 0; d < 7; d++)
			if (strncasecmp(p, day_names[d], 3) == 0)
				return d;
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* One item of the field, checked by cron_check already: `*`, `a` or
 * `a-b`, the first and last with an optional `/step`. */
static void day_item(bool on[7], const char *p, size_t n)
{
	size_t slash = n, dash = n;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '/')
			slash = i;
		else if (p[i] == '-' && i < slash)
			dash = i;
	}
	int step = slash < n ? day_value(p + slash + 1, n - slash - 1) : 1;
	int lo = 0, hi = 6;
	if (p[0] != '*') {
		lo = day_value(p, (dash < slash ? dash : slash));
		hi = dash < slash ? day_value(p + dash + 1, slash - dash - 1) : lo;
	}
	for (int d = lo; d <= hi; d += step > 0 ? step : 1)
		on[d % 7] = true;
}

/*
 * A cron day-of-week field as APScheduler's CronTrigger reads it.  Cron
 * counts from Sunday = 0, APScheduler from Monday = 0, so numbers would
 * shift by a day: the field becomes the list of day names it selects.
 */
static void day_of_week(struct strbuf *sb, const char *f, size_t n)
{
	if (n == 1 && f[0] == '*') {
		strbuf_addch(sb, '*');
		return;
	}
	bool on[7] = { false };
	for (size_t at = 0; at < n;) {
		size_t end = at;
		while (end < n && f[end] != ',')
			end++;
		day_item(on, f + at, end - at);
		at = end + 1;
	}
	bool first = true;
	for (int k = 1; k <= 7; k++) /* Monday first, as APScheduler counts */
		if (on[k % 7]) {
			strbuf_addf(sb, "%s%s", first ? "" : ",", day_names[k % 7]);
			first = false;
		}
}

static void schedule(struct strbuf *sb, const struct m_entity *s)
{
	static const struct { const char *macro, *fields; } macros[] = {
		{ "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" }, { "@monthly", "0 0 1 * *" },
		{ "@weekly", "0 0 * * 0" }, { "@daily", "0 0 * * *" }, { "@midnight", "0 0 * * *" },
		{ "@hourly", "0 * * * *" },
	};
	const char *cron = m_string(s, "cron");
	const char *desc = m_string(s, "description");
	while (*cron == ' ' || *cron == '\t')
		cron++;
	for (size_t i = 0; i < sizeof macros / sizeof *macros; i++)
		if (strncmp(cron, macros[i].macro, strlen(macros[i].macro)) == 0)
			cron = macros[i].fields;
	static const char *const keys[] = { "minute", "hour", "day", "month", "day_of_week" };
	strbuf_addstr(sb, "    {\n        \"name\": ");
	py(sb, desc ? desc : s->name->name);
	strbuf_addstr(sb, ",\n        \"workflow_name\": ");
	py(sb, m_get(s, "run")->u.ref.ref->name->name);
	strbuf_addstr(sb, ",\n        \"trigger\": \"cron\",\n        \"trigger_kwargs\": {");
	const char *p = cron;
	for (int k = 0; k < 5; k++) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *end = p;
		while (*end && *end != ' ' && *end != '\t')
			end++;
		strbuf_addf(sb, "%s\"%s\": ", k ? ", " : "", keys[k]);
		struct strbuf field;
		strbuf_init(&field);
		if (k == 4)
			day_of_week(&field, p, (size_t)(end - p));
		else
			strbuf_add(&field, p, (size_t)(end - p));
		py_string(sb, field.buf, field.len, false);
		strbuf_release(&field);
		p = end;
	}
	strbuf_addstr(sb, "},\n    },\n");
}

/* ---- the module ---- */

void registry_py(struct target_ctx *t, const struct m_entity *cat, const char *dir)
{
	struct arena *a = &t->ctx->arena;
	const struct m_value *pkg_setting = target_setting(t, "core_package");
	const char *pkg = m_is_set(pkg_setting) ? pkg_setting->u.s.ptr : "orchestrator";
	const char *example_type = NULL;
	struct strbuf sb;
	strbuf_init(&sb);
	for (uint32_t i = 0; i < cat->nchildren && !example_type; i++)
		if (cat->children[i]->kind == KIND_PRODUCT)
			example_type = m_string(cat->children[i], "type");
	strbuf_addf(&sb, "\"\"\"Registrations of catalog %s, generated by orchc from %s: do not edit.\n\n",
		    cat->name->name, t->source);
	strbuf_addstr(&sb, "The names are the ones the migrations beside this file insert, so the\n"
			   "registry, the workflow list and the database cannot drift apart. Import\n"
			   "the module once at start-up; give register_products() the product type\n"
			   "classes once they exist:\n\n");
	strbuf_addf(&sb, "    registry.register_products(%s=%s)\n\"\"\"\n", example_type ? example_type : "Node",
		    example_type ? example_type : "Node");
	strbuf_addf(&sb, "from %s.domain import SUBSCRIPTION_MODEL_REGISTRY\n", pkg);
	strbuf_addf(&sb, "from %s.services.subscriptions import WF_USABLE_MAP\n", pkg);
	strbuf_addf(&sb, "from %s.workflows import LazyWorkflowInstance\n\n", pkg);

	strbuf_addstr(&sb, "#: products.name -> products.product_type, the name of its SubscriptionModel class.\n"
			   "PRODUCTS = {\n");
	for (uint32_t i = 0; i < cat->nchildren; i++) {
		const struct m_entity *p = cat->children[i];
		struct variant *v;
		size_t n = p->kind == KIND_PRODUCT ? product_variants(p, a, &v) : 0;
		for (size_t k = 0; k < n; k++) {
			const char *name = variant_text(p, &v[k], "name", a);
			strbuf_addstr(&sb, "    ");
			py(&sb, name ? name : v[k].identifier);
			strbuf_addstr(&sb, ": ");
			py(&sb, m_string(p, "type"));
			strbuf_addstr(&sb, ",\n");
		}
	}
	strbuf_addstr(&sb, "}\n\n#: The workflows and tasks of the catalogue, loaded when first run (ALL_WORKFLOWS).\n"
			   "WORKFLOWS = [\n");
	for (uint32_t i = 0; i < cat->nchildren; i++) {
		const struct m_entity *w = cat->children[i];
		if ((w->kind != KIND_WORKFLOW && w->kind != KIND_TASK) || m_flag(w, "builtin"))
			continue;
		strbuf_addstr(&sb, "    LazyWorkflowInstance(");
		py(&sb, implementation(a, w));
		strbuf_addstr(&sb, ", ");
		py(&sb, w->name->name);
		strbuf_addstr(&sb, "),\n");
	}
	strbuf_addstr(&sb, "]\n\n#: The subscription states each workflow may start in, where they differ\n"
			   "#: from its target's default (TARGET_DEFAULT_USABLE_MAP).\n"
			   "USABLE_IN = {\n");
	for (uint32_t i = 0; i < cat->nchildren; i++) {
		const struct m_entity *w = cat->children[i];
		const struct m_value *u = w->kind == KIND_WORKFLOW ? m_get(w, "usable_in") : NULL;
		if (!m_is_set(u))
			continue;
		strbuf_addstr(&sb, "    ");
		py(&sb, w->name->name);
		strbuf_addstr(&sb, ": [");
		for (uint32_t k = 0; k < u->u.list.len; k++) {
			strbuf_addstr(&sb, k ? ", " : "");
			py(&sb, u->u.list.items[k]->u.sym->name);
		}
		strbuf_addstr(&sb, "],\n");
	}
	strbuf_addstr(&sb, "}\nWF_USABLE_MAP.update(USABLE_IN)\n\n"
			   "#: The schedules, each the body of POST /api/schedules (orchestrator-core 4.7\n"
			   "#: and later); APScheduler's cron fields, days of the week by name.\n"
			   "SCHEDULES = [\n");
	for (uint32_t i = 0; i < cat->nchildren; i++)
		if (cat->children[i]->kind == KIND_SCHEDULE)
			schedule(&sb, cat->children[i]);
	strbuf_addstr(&sb, "]\n\n\n"
			   "def register_products(**classes: type) -> None:\n"
			   "    \"\"\"Register every product's SubscriptionModel class, given by product type.\"\"\"\n"
			   "    missing = sorted(set(PRODUCTS.values()) - set(classes))\n"
			   "    if missing:\n"
			   "        raise TypeError(\"register_products() needs the classes \" + \", \".join(missing))\n"
			   "    SUBSCRIPTION_MODEL_REGISTRY.update({name: classes[t] for name, t in PRODUCTS.items()})\n");
	output_add_buf(t->out, arena_printf(a, "%s/registry.py", dir), &sb, 0644);
	strbuf_release(&sb);
}
