/*
 * lower.c - blocks to entities: the model of a program.
 *
 * Two passes.  The first creates an entity for every block of the root
 * module (expanding template instances, whose body blocks become children)
 * and registers names, so the second can resolve any reference in any
 * order.  The second evaluates each entity's fields against the record of
 * its kind in schema.orch: first the template body (with the arguments
 * bound), then the block's own body, which overrides it field by field and,
 * for maps, key by key.  Defaults fill what is left; a missing required
 * field is an error.
 */
#include "sema_impl.h"

#include <stdio.h>
#include <string.h>

/*
 * A template instance.  Its arguments are evaluated in pass two, when every
 * name of the program is declared, so an argument may name a block written
 * further down; the instance's body blocks share it.
 */
struct instance {
	struct decl *t;
	const struct ast_node *call;
	struct module *caller;
	struct m_entity *container;
	const struct binding *args;
	bool bound;
};

/* One body that sets fields of an entity, in the context it was written in. */
struct source {
	struct source *next;
	const struct ast_list *items;
	const struct ast_node *value; /* `kind name = VALUE` (not a template call) */
	struct module *mod;
	struct instance *inst;        /* inside a template body: its instance */
};

/* An entity waiting for pass two. */
struct pending {
	struct m_entity *e;
	struct m_entity *container;
	struct source *sources, **tail;
	const struct ast_node *node; /* the declaring block, export or step */
	uint32_t chain;              /* steps: which chain of the deployment */
	bool broken; /* its template call failed: missing fields are no news */
};

typedef VEC(struct pending *) pending_vec;

struct lowering {
	struct sema *s;
	pending_vec queue;
};

extern const char orchc_schema_source[];
extern const unsigned orchc_schema_source_length;

/* ---- the schema ------------------------------------------------------------------- */

static void load_schema(struct sema *s)
{
	int file = orchc_load_buffer(s->ctx, "<schema>", orchc_schema_source, orchc_schema_source_length);
	struct module *m = arena_zalloc(&s->ctx->arena, sizeof *m);
	m->path = "<schema>";
	m->file = (uint32_t)file;
	m->ast = orchc_parse(s->ctx, (uint32_t)file);
	m->decls = arena_zalloc(&s->ctx->arena, m->ast->list.len * sizeof *m->decls);
	for (uint32_t i = 0; i < m->ast->list.len; i++) {
		struct ast_node *n = m->ast->list.items[i];
		m->decls[m->ndecls++] = (struct decl){ n->name, n, m, NULL, false, false, NULL };
	}
	s->schema = m;
}

static bool is_record(const struct decl *d)
{
	return d->node->kind == AST_RECORD;
}

const struct type *schema_record(struct sema *s, enum block_kind kind, const struct sym *name,
				 const struct m_entity *parent)
{
	bool in_workload = parent && (parent->kind == KIND_SERVICE || parent->kind == KIND_JOB);
	const struct type **cached = kind == KIND_TARGET ? NULL : &s->schema_cache[kind][in_workload];
	if (cached && *cached)
		return *cached; // cppcheck-suppress identicalInnerCondition
	char word[64];
	if (kind == KIND_TARGET)
		snprintf(word, sizeof word, "target_%s", name ? name->name : "");
	else if (parent && (parent->kind == KIND_SERVICE || parent->kind == KIND_JOB) &&
		 (kind == KIND_VOLUME || kind == KIND_CONFIG || kind == KIND_SECRET))
		snprintf(word, sizeof word, "service_%s", kind_word(kind));
	else
		snprintf(word, sizeof word, "%s", kind_word(kind));
	struct decl *d = module_find(s->schema, intern_cstr(&s->ctx->names, word), is_record);
	const struct type *t = d ? sema_decl_type(s, d) : NULL;
	if (cached)
		*cached = t;
	return t;
}

/* ---- pass one: entities ---------------------------------------------------------------- */

static bool is_template(const struct decl *d)
{
	return d->node->kind == AST_TEMPLATE;
}

/* The template a block value calls, or NULL when the value is no call. */
static struct decl *template_of(struct sema *s, struct module *m, const struct ast_node *call,
				bool *reported)
{
	*reported = false;
	if (!call || call->kind != AST_CALL)
		return NULL;
	const struct ast_node *callee = call->a;
	/* env("X"), file(...), generate(N) are values, not templates:
	 * secret db = env("DB_PASSWORD") sets the secret's first field. */
	if (callee->kind == AST_NAME && !module_find(m, callee->name, is_template) &&
	    (callee->name == s->w_env || callee->name == s->w_file || callee->name == s->w_generate))
		return NULL;
	struct decl *d = NULL;
	if (callee->kind == AST_NAME) {
		d = module_find(m, callee->name, is_template);
	} else if (callee->kind == AST_MEMBER && callee->a->kind == AST_NAME) {
		struct module *dep = module_import(m, callee->a->name);
		if (!dep) {
			struct diag *dg = diag_report(&s->ctx->diags, E0203, callee->a->span,
						      "no module is imported as '%s'", callee->a->name->name);
			diag_help(&s->ctx->diags, dg, "import it first: import \"std/%s\"",
				  callee->a->name->name);
			*reported = true;
			return NULL;
		}
		d = module_find(dep, callee->name, is_template);
	}
	if (!d) {
		diag_report(&s->ctx->diags, E0206, callee->span, "this calls no template");
		*reported = true;
	}
	return d;
}

static struct source *add_source(struct lowering *lw, struct pending *p,
				 const struct ast_list *items, struct module *mod,
				 struct instance *inst)
{
	struct source *src = arena_zalloc(&lw->s->ctx->arena, sizeof *src);
	src->items = items;
	src->mod = mod;
	src->inst = inst;
	*p->tail = src;
	p->tail = &src->next;
	return src;
}

static struct pending *declare(struct lowering *lw, struct module *mod, struct m_entity *container,
			       struct m_entity *parent, const struct ast_node *n,
			       struct instance *inst);

/* Binds a template call's arguments to the template's parameters. */
static const struct binding *bind_arguments(struct lowering *lw, struct module *caller,
					    struct m_entity *container, const struct ast_node *call,
					    struct decl *t)
{
	struct sema *s = lw->s;
	const struct binding *head = NULL;
	const struct ast_list *params = &t->node->list;
	struct eval_scope *sc = arena_alloc(&s->ctx->arena, sizeof *sc);
	*sc = (struct eval_scope){ s, caller, container, NULL, "a template argument", NULL, NULL };
	for (uint32_t i = 0; i < call->list.len; i++) {
		const struct ast_node *arg = call->list.items[i];
		if (!arg->name) {
			struct diag *d = diag_report(&s->ctx->diags, E0308, arg->span,
						     "template arguments are named");
			diag_help(&s->ctx->diags, d, "write name: value");
			continue;
		}
		for (uint32_t j = 0; j < i; j++)
			if (call->list.items[j]->name == arg->name) {
				struct diag *d = diag_report(&s->ctx->diags, E0309, arg->span,
							     "argument '%s' is given twice", arg->name->name);
				diag_note(&s->ctx->diags, d, call->list.items[j]->span, "first given here");
			}
		const struct ast_node *param = NULL;
		for (uint32_t j = 0; j < params->len; j++)
			if (params->items[j]->name == arg->name)
				param = params->items[j];
		if (!param) {
			struct diag *d = diag_report(&s->ctx->diags, E0308, arg->span,
						     "template '%s' has no parameter '%s'",
						     t->name->name, arg->name->name);
			const struct sym *best = NULL;
			size_t best_dist = 3;
			for (uint32_t j = 0; j < params->len; j++) {
				size_t dist = edit_distance(sym_str(arg->name),
							    sym_str(params->items[j]->name), 2);
				if (dist < best_dist)
					best_dist = dist, best = params->items[j]->name;
			}
			if (best)
				diag_help(&s->ctx->diags, d, "did you mean '%s'?", best->name);
			continue;
		}
		struct m_value *v = eval_expr(sc, arg->a, sema_type(s, t->mod, param->a));
		if (!v)
			v = value_new(s, V_UNSET, arg->span); /* reported: silences its uses */
		struct binding *b = arena_alloc(&s->ctx->arena, sizeof *b);
		*b = (struct binding){ head, arg->name, v, arg->a, sc };
		head = b;
	}
	/* Defaults, in the template's own module; missing required ones. */
	for (uint32_t j = 0; j < params->len; j++) {
		const struct ast_node *param = params->items[j];
		bool given = false;
		for (uint32_t i = 0; i < call->list.len; i++)
			given |= call->list.items[i]->name == param->name;
		if (given)
			continue;
		const struct type *pt = sema_type(s, t->mod, param->a);
		struct m_value *v = NULL;
		struct eval_scope *dsc = NULL;
		if (param->b) {
			dsc = arena_alloc(&s->ctx->arena, sizeof *dsc);
			*dsc = (struct eval_scope){ s, t->mod, container, head, "a parameter default", NULL, NULL };
			v = eval_expr(dsc, param->b, pt);
		} else if (type_is_optional(pt)) {
			v = value_new(s, V_NONE, call->span);
		} else {
			struct diag *d = diag_report(&s->ctx->diags, E0307, call->span,
						     "missing argument '%s' of template '%s'",
						     param->name->name, t->name->name);
			diag_note(&s->ctx->diags, d, param->span, "declared here");
		}
		if (!v)
			v = value_new(s, V_UNSET, call->span);
		struct binding *b = arena_alloc(&s->ctx->arena, sizeof *b);
		*b = (struct binding){ head, param->name, v, dsc ? param->b : NULL, dsc };
		head = b;
	}
	return head;
}

/* Declares the blocks of `items` as children of `e`.  A block with the same
 * kind and name as an existing child (an amendment of a template's block)
 * adds its body to that child instead. */
static void declare_children(struct lowering *lw, struct module *mod, struct m_entity *container,
			     struct pending *p, const struct ast_list *items,
			     struct instance *inst, pending_vec *kids, size_t amendable)
{
	for (uint32_t i = 0; i < items->len; i++) {
		const struct ast_node *n = items->items[i];
		if (n->kind != AST_BLOCK && n->kind != AST_EXPORT)
			continue;
		enum block_kind k = n->kind == AST_EXPORT ? KIND_EXPORT : kind_of(n->decl->kw);
		/* Only the template's own blocks can be amended: search those
		 * (few), never the block's own children (possibly thousands). */
		struct pending *same = NULL;
		for (size_t j = 0; j < amendable; j++)
			if (kids->items[j]->e->kind == k && kids->items[j]->e->name == n->name)
				same = kids->items[j];
		if (same) {
			/* An amendment may give a new value (volume data = "/x")
			 * and a body; both override the template's. */
			add_source(lw, same, &n->decl->body, mod, NULL)->value = n->a;
			continue;
		}
		struct m_entity *child_container = container ? container : p->e;
		struct pending *c = declare(lw, mod, child_container, p->e, n, inst);
		if (c)
			vec_push(kids, c);
	}
}

/* The steps of a deployment's chains become its children, in order. */
static void declare_steps(struct lowering *lw, struct module *mod, struct m_entity *container,
			  struct pending *dep, const struct ast_node *n, pending_vec *kids)
{
	struct ast_list body = ast_body(n);
	uint32_t chains = 0;
	for (uint32_t i = 0; i < body.len; i++) {
		const struct ast_node *chain = body.items[i];
		if (chain->kind != AST_CHAIN)
			continue;
		chains++;
		for (uint32_t k = 0; k < chain->list.len; k++) {
			const struct ast_node *step = chain->list.items[k];
			if (step->a->kind != AST_MEMBER)
				continue; /* reported by the parser */
			struct m_entity *e = arena_zalloc(&lw->s->ctx->arena, sizeof *e);
			e->kind = KIND_STEP;
			e->span = step->span;
			e->parent = dep->e;
			struct pending *p = arena_zalloc(&lw->s->ctx->arena, sizeof *p);
			p->e = e;
			p->container = container;
			p->node = step;
			p->chain = chains - 1;
			p->tail = &p->sources;
			add_source(lw, p, NULL, mod, NULL);
			vec_push(&lw->queue, p);
			vec_push(kids, p);
		}
	}
}

static struct pending *declare(struct lowering *lw, struct module *mod, struct m_entity *container,
			       struct m_entity *parent, const struct ast_node *n,
			       struct instance *inst)
{
	struct sema *s = lw->s;
	enum block_kind kind = n->kind == AST_EXPORT ? KIND_EXPORT : kind_of(n->decl->kw);
	if (kind == KIND_COUNT)
		return NULL; /* reported by the parser */
	struct m_entity *e = arena_zalloc(&s->ctx->arena, sizeof *e);
	e->kind = kind;
	e->name = n->name;
	e->span = n->span;
	e->doc = ast_doc(n);
	e->parent = parent;
	struct pending *p = arena_zalloc(&s->ctx->arena, sizeof *p);
	p->e = e;
	p->container = container;
	p->node = n;
	p->tail = &p->sources;
	vec_push(&lw->queue, p);
	/* Blocks of a stack, catalog or fleet (and a pod's services) are named
	 * in that scope; a service's own volumes and exposes in the service's. */
	if (container)
		scope_declare(s, parent == container || parent->kind == KIND_POD ? container : parent, e);

	pending_vec kids = VEC_INIT;
	bool reported;
	const struct ast_node *value = n->kind == AST_BLOCK ? n->a : NULL;
	struct decl *t = template_of(s, mod, value, &reported);
	if (t) {
		enum block_kind made = kind_of(t->node->decl->kw);
		if (made != kind) {
			struct diag *d = diag_report(&s->ctx->diags, E0206, value->span,
						     "template '%s' makes a %s, not a %s", t->name->name,
						     t->node->decl->kw->name, kind_word(kind));
			diag_note(&s->ctx->diags, d, t->node->span, "declared here");
			p->broken = true;
		} else if (t->expanding) {
			/* Unreachable while no block kind holds its own kind
			 * (kinds.def), but cheap to keep honest. */
			diag_report(&s->ctx->diags, E0206, value->span,
				    "template '%s' instantiates itself", t->name->name);
			p->broken = true;
		} else {
			struct instance *made_by = arena_zalloc(&s->ctx->arena, sizeof *made_by);
			*made_by = (struct instance){ t, value, mod, container ? container : e, NULL, false };
			t->expanding = true;
			add_source(lw, p, &t->node->decl->body, t->mod, made_by);
			declare_children(lw, t->mod, container, p, &t->node->decl->body, made_by, &kids, 0);
			t->expanding = false;
		}
		value = NULL;
	} else if (reported) {
		value = NULL;
		p->broken = true;
	}
	struct source *own = add_source(lw, p, n->decl ? &n->decl->body : NULL, mod, inst);
	own->value = value;
	if (n->decl)
		declare_children(lw, mod, container, p, &n->decl->body, inst, &kids, kids.len);
	if (kind == KIND_DEPLOYMENT)
		declare_steps(lw, mod, container, p, n, &kids);
	if (kids.len) {
		e->children = arena_alloc(&s->ctx->arena, kids.len * sizeof *e->children);
		for (size_t j = 0; j < kids.len; j++)
			e->children[e->nchildren++] = kids.items[j]->e;
	}
	vec_free(&kids);
	return p;
}

/* ---- pass two: fields ---------------------------------------------------------------------- */

/* Later bodies override earlier ones; maps merge key by key. */
static struct m_value *merge(struct sema *s, struct m_value *old, struct m_value *new)
{
	if (!old || old->kind != V_MAP || new->kind != V_MAP)
		return new;
	uint32_t n = old->u.map.len + new->u.map.len;
	struct m_value *m = value_new(s, V_MAP, new->span);
	m->u.map.entries = arena_alloc(&s->ctx->arena, n * sizeof *m->u.map.entries);
	m->secret = old->secret || new->secret;
	for (uint32_t i = 0; i < old->u.map.len; i++)
		m->u.map.entries[m->u.map.len++] = old->u.map.entries[i];
	for (uint32_t i = 0; i < new->u.map.len; i++) {
		struct m_entry en = new->u.map.entries[i];
		uint32_t j = 0;
		while (j < m->u.map.len && m->u.map.entries[j].key != en.key)
			j++;
		if (j == m->u.map.len)
			m->u.map.len++;
		m->u.map.entries[j] = en;
	}
	return m;
}

static void set_field(const struct type *rec, struct m_entity *e, const char *name,
		      struct m_value *v, struct sema *s)
{
	const struct record_field *rf = type_field(rec, intern_cstr(&s->ctx->names, name));
	if (rf) /* a failed value was reported; poison it so it is not "missing" */
		e->fields[rf - rec->fields] = v ? v : value_new(s, V_UNSET, e->span);
}

/* A step's fields come from its chain: module.function on DEVICE else ... */
static void lower_step(struct lowering *lw, struct pending *p, const struct type *rec)
{
	struct sema *s = lw->s;
	const struct ast_node *step = p->node;
	struct eval_scope sc = { s, p->sources->mod, p->container, NULL, "a deployment step", NULL, NULL };
	const struct ast_node *target = step->a;
	set_field(rec, p->e, "module", eval_expr(&sc, target->a, type_field(rec, intern_cstr(&s->ctx->names, "module"))->type), s);
	struct m_value *fn = value_new(s, V_ENUM, target->span);
	fn->u.sym = target->name;
	set_field(rec, p->e, "function", fn, s);
	const struct type *devices = type_field(rec, intern_cstr(&s->ctx->names, "devices"))->type;
	struct m_value *list = value_new(s, V_LIST, step->span);
	list->u.list.items = arena_alloc(&s->ctx->arena, (step->list.len + 1) * sizeof *list->u.list.items);
	for (uint32_t i = 0; i < step->list.len; i++) {
		struct m_value *d = eval_expr(&sc, step->list.items[i], devices->elem);
		if (d)
			list->u.list.items[list->u.list.len++] = d;
	}
	set_field(rec, p->e, "devices", list, s);
	struct m_value *any = value_new(s, V_BOOL, step->span);
	any->u.b = (step->flags & AST_ON_ANY) != 0;
	set_field(rec, p->e, "any", any, s);
	struct m_value *chain = value_new(s, V_INT, step->span);
	chain->u.i = p->chain;
	set_field(rec, p->e, "chain", chain, s);
}

static struct m_value *type_text(struct sema *s, const struct type *t, struct span sp)
{
	struct strbuf sb;
	strbuf_init(&sb);
	type_format(t, &sb);
	struct m_value *v = value_new(s, V_STRING, sp);
	v->u.s.ptr = arena_strndup(&s->ctx->arena, sb.buf, sb.len);
	v->u.s.len = (uint32_t)sb.len;
	strbuf_release(&sb);
	return v;
}

/* An export's signature: parameter types and result, as the types read. */
static void lower_signature(struct lowering *lw, struct pending *p, const struct type *rec)
{
	struct sema *s = lw->s;
	const struct ast_node *n = p->node;
	struct module *mod = p->sources->mod;
	struct m_value *params = value_new(s, V_MAP, n->span);
	params->u.map.entries = arena_zalloc(&s->ctx->arena, (n->list.len + 1) * sizeof *params->u.map.entries);
	for (uint32_t i = 0; i < n->list.len; i++) {
		const struct ast_node *param = n->list.items[i];
		if (param->kind != AST_PARAM)
			continue;
		params->u.map.entries[params->u.map.len++] =
			(struct m_entry){ param->name, type_text(s, sema_type(s, mod, param->a), param->span) };
	}
	set_field(rec, p->e, "params", params, s);
	if (n->a)
		set_field(rec, p->e, "result", type_text(s, sema_type(s, mod, n->a), n->a->span), s);
}

/* A service's volume, config or secret mounts the stack's block of that name:
 * link it.  A volume or config with no stack block is the service's own; a
 * secret must exist in the stack. */
static void link_mount(struct lowering *lw, struct pending *p, const struct type *rec)
{
	struct sema *s = lw->s;
	struct m_entity *e = p->e;
	if ((e->kind != KIND_VOLUME && e->kind != KIND_CONFIG && e->kind != KIND_SECRET) ||
	    !p->container)
		return;
	struct m_entity *shared = scope_lookup(s, p->container, e->kind, e->name);
	if (!shared && e->kind == KIND_SECRET) {
		struct diag *d = diag_report(&s->ctx->diags, E0203, e->span,
					     "unknown secret '%s' in %s '%s'", e->name->name,
					     kind_word(p->container->kind), p->container->name->name);
		const struct m_entity *close = scope_suggest(p->container, KIND_SECRET, e->name);
		if (close)
			diag_help(&s->ctx->diags, d, "did you mean '%s'?", close->name->name);
		else
			diag_help(&s->ctx->diags, d, "declare it in the stack: secret %s { from = env(\"...\") }",
				  e->name->name);
		return;
	}
	if (shared) {
		struct m_value *v = value_new(s, V_REF, e->span);
		v->u.ref.ref = shared;
		v->secret = e->kind == KIND_SECRET;
		set_field(rec, e, "shared", v, s);
	}
}

static const char *entity_label(struct sema *s, const struct m_entity *e)
{
	return e->name ? arena_printf(&s->ctx->arena, "%s '%s'", kind_word(e->kind), e->name->name)
		       : arena_printf(&s->ctx->arena, "%s", kind_word(e->kind));
}

/* The instance's arguments, evaluated on first use (pass two). */
static const struct binding *arguments(struct lowering *lw, struct instance *inst)
{
	if (!inst)
		return NULL;
	if (!inst->bound) {
		inst->bound = true;
		inst->args = bind_arguments(lw, inst->caller, inst->container, inst->call, inst->t);
	}
	return inst->args;
}

/*
 * In a product's name, description and tag, ${INPUT} names one of its
 * fixed inputs: a reference to the product's own attribute, which each
 * variant resolves to its value (variant.h).  Its type names the class
 * every variant shares.
 */
static const struct binding *fixed_input_bindings(struct sema *s, struct m_entity *e,
						  const struct ast_list *items,
						  const struct binding *outer)
{
	for (uint32_t i = 0; items && i < items->len; i++) {
		const struct ast_node *f = items->items[i];
		if (f->kind != AST_FIELD || strcmp(f->name->name, "fixed_inputs") != 0 || !f->a ||
		    f->a->kind != AST_MAP)
			continue;
		for (uint32_t k = 0; k < f->a->list.len; k++) {
			const struct ast_node *in = f->a->list.items[k];
			if (in->kind != AST_FIELD)
				continue;
			struct binding *b = arena_alloc(&s->ctx->arena, sizeof *b);
			struct m_value *v = value_new(s, V_ATTR, in->span);
			v->u.ref.ref = e;
			v->u.ref.attr = in->name;
			*b = (struct binding){ outer, in->name, v, NULL, NULL };
			outer = b;
		}
	}
	return outer;
}

static bool varies(const struct sym *field)
{
	return strcmp(field->name, "name") == 0 || strcmp(field->name, "description") == 0 ||
	       strcmp(field->name, "tag") == 0;
}

static void lower_fields(struct lowering *lw, struct pending *p)
{
	struct sema *s = lw->s;
	struct m_entity *e = p->e;
	const struct type *rec = schema_record(s, e->kind, e->name, e->parent);
	if (!rec) {
		if (e->kind == KIND_TARGET) {
			struct diag *d = diag_report(&s->ctx->diags, E0203, e->span,
						     "unknown target '%s'", e->name->name);
			diag_help(&s->ctx->diags, d, "targets are compose, kubernetes and migrations");
		}
		return;
	}
	e->nfields = rec->nfields;
	e->fields = arena_zalloc(&s->ctx->arena, (rec->nfields ? rec->nfields : 1) * sizeof *e->fields);
	if (!rec->names) {
		const struct sym **names = arena_alloc(&s->ctx->arena,
						       (rec->nfields ? rec->nfields : 1) * sizeof *names);
		for (uint32_t i = 0; i < rec->nfields; i++)
			names[i] = rec->fields[i].name;
		((struct type *)rec)->names = names; /* types are built in this compilation */
	}
	e->field_names = rec->names;
	if (e->kind == KIND_STEP)
		lower_step(lw, p, rec);
	for (struct source *src = p->sources; src; src = src->next) {
		const struct binding *args = arguments(lw, src->inst);
		const struct binding *inputs =
			e->kind == KIND_PRODUCT ? fixed_input_bindings(s, e, src->items, args) : args;
		struct eval_scope sc = { s, src->mod, p->container ? p->container : e, args, NULL, NULL,
					 NULL };
		const struct ast_node *seen[64];
		uint32_t nseen = 0;
		if (src->value && rec->nfields) {
			sc.field = rec->fields[0].name;
			sc.owner = e;
			struct m_value *v = eval_expr(&sc, src->value, rec->fields[0].type);
			e->fields[0] = v ? v : value_new(s, V_UNSET, src->value->span);
		}
		for (uint32_t i = 0; src->items && i < src->items->len; i++) {
			const struct ast_node *f = src->items->items[i];
			if (f->kind != AST_FIELD || f->list.len)
				continue; /* blocks, chains; dotted paths were reported */
			const struct record_field *rf = type_field(rec, f->name);
			if (!rf) {
				struct diag *d = diag_report(&s->ctx->diags, E0302, f->span,
							     "unknown field '%s' in %s", f->name->name,
							     kind_word(e->kind));
				const struct sym *close = type_suggest_field(rec, f->name);
				if (close)
					diag_help(&s->ctx->diags, d, "did you mean '%s'?", close->name);
				continue;
			}
			bool dup = false;
			for (uint32_t j = 0; j < nseen; j++)
				if (seen[j]->name == f->name) {
					struct diag *d = diag_report(&s->ctx->diags, E0309, f->span,
								     "field '%s' is set twice", f->name->name);
					diag_note(&s->ctx->diags, d, seen[j]->span, "first set here");
					dup = true;
				}
			if (dup)
				continue;
			if (nseen < 64)
				seen[nseen++] = f;
			sc.field = f->name;
			sc.owner = e;
			sc.params = varies(f->name) ? inputs : args;
			struct m_value *v = eval_expr(&sc, f->a, rf->type);
			uint32_t slot = (uint32_t)(rf - rec->fields);
			/* A field that failed was reported; it is not also missing. */
			e->fields[slot] = v ? merge(s, e->fields[slot], v) : value_new(s, V_UNSET, f->span);
		}
	}
	for (uint32_t i = 0; i < rec->nfields; i++) {
		if (e->fields[i])
			continue;
		const struct record_field *rf = &rec->fields[i];
		if (rf->dflt) {
			/* Schema defaults are literals: evaluate each once and share
			 * the value (the model is read-only once built). */
			if (!rf->dflt_value) {
				struct eval_scope dsc = { s, s->schema, p->container ? p->container : e,
							  NULL, "a default", NULL, NULL };
				((struct record_field *)rf)->dflt_value = eval_expr(&dsc, rf->dflt, rf->type);
			}
			e->fields[i] = rf->dflt_value;
		} else if (rf->required && !p->broken) {
			struct diag *d = diag_report(&s->ctx->diags, E0303, e->span,
						     "%s is missing the required field '%s'", entity_label(s, e),
						     rf->name->name);
			struct strbuf sb;
			strbuf_init(&sb);
			type_format(rf->type, &sb);
			diag_help(&s->ctx->diags, d, "add %s = <%s>", rf->name->name, sb.buf);
			strbuf_release(&sb);
		}
		if (!e->fields[i])
			e->fields[i] = s->unset;
	}
	if (e->kind == KIND_EXPORT && p->node->kind == AST_EXPORT)
		lower_signature(lw, p, rec);
	if (e->parent && (e->parent->kind == KIND_SERVICE || e->parent->kind == KIND_JOB))
		link_mount(lw, p, rec);
}

struct m_entity *lower_program(struct sema *s)
{
	struct lowering lw = { s, { NULL, 0, 0 } };
	if (!s->schema)
		load_schema(s); /* once per compilation, however many profiles */
	struct module *m = s->root;
	/* Top-level blocks share one scope per kind: the root entity. */
	struct m_entity *root = arena_zalloc(&s->ctx->arena, sizeof *root);
	root->kind = KIND_TOP;
	root->name = intern_cstr(&s->ctx->names, m->path);
	for (uint32_t i = 0; i < m->ast->list.len; i++) {
		const struct ast_node *n = m->ast->list.items[i];
		if (n->kind != AST_BLOCK)
			continue;
		struct pending *p = declare(&lw, m, NULL, NULL, n, NULL);
		if (!p)
			continue;
		scope_declare(s, root, p->e);
		vec_push(&s->top, p->e);
	}
	for (size_t i = 0; i < lw.queue.len; i++)
		lower_fields(&lw, lw.queue.items[i]);
	vec_free(&lw.queue);
	return root;
}
