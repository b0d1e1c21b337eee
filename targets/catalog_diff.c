/*
 * catalog_diff.c - rows compared by key; statements as SQL.
 */
#include "catalog_diff.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "str.h"

struct cat_name {
	const char *id;
	enum cat_table_id table;
	const char *name;
	bool task;
	int order; /* the new catalogue's names win over the old one's */
};

/* A workflow row with is_task set is a task to the people reading. */
static bool is_task(enum cat_table_id t, const struct cat_row *r)
{
	return t == T_WORKFLOWS && strcmp(r->v[4], "true") == 0;
}

static const char *what(enum cat_table_id t, bool task)
{
	return task ? "task" : cat_tables[t].what;
}

/* ---- rows by key ---- */

static enum cat_table_id sort_table; /* qsort has no context argument */

static int compare_keys(const struct cat_row *a, const struct cat_row *b, enum cat_table_id t)
{
	for (int c = 0; c < cat_tables[t].nkey; c++) {
		int r = strcmp(a->v[c], b->v[c]);
		if (r)
			return r;
	}
	return 0;
}

static int compare_row_ptrs(const void *pa, const void *pb)
{
	return compare_keys(*(const struct cat_row *const *)pa, *(const struct cat_row *const *)pb,
			    sort_table);
}

static const struct cat_row **sorted(const cat_row_vec *rows, enum cat_table_id t)
{
	const struct cat_row **p = xmalloc((rows->len + 1) * sizeof *p);
	for (size_t i = 0; i < rows->len; i++)
		p[i] = &rows->items[i];
	sort_table = t;
	qsort(p, rows->len, sizeof *p, compare_row_ptrs);
	return p;
}

static const struct cat_row *find(const struct cat_row **index, size_t n, const struct cat_row *key,
				  enum cat_table_id t)
{
	sort_table = t;
	const struct cat_row **hit = n ? bsearch(&key, index, n, sizeof *index, compare_row_ptrs) : NULL;
	return hit ? *hit : NULL;
}

/* Column `c` of two rows differs (NULL differs from every string). */
static bool differs(const struct cat_row *a, const struct cat_row *b, int c)
{
	if (!a->v[c] || !b->v[c])
		return a->v[c] != b->v[c];
	return strcmp(a->v[c], b->v[c]) != 0;
}

static bool same_values(const struct cat_row *a, const struct cat_row *b, enum cat_table_id t)
{
	for (int c = cat_tables[t].nkey; c < cat_tables[t].ncols; c++)
		if (differs(a, b, c))
			return false;
	return true;
}

static void add(struct cat_diff *d, enum change_op op, enum cat_table_id t, const struct cat_row *row,
		const struct cat_row *old)
{
	struct change c = { op, t, row, old };
	vec_push(&d->changes, c);
}

/* ---- names ---- */

static int compare_names(const void *pa, const void *pb)
{
	const struct cat_name *a = pa, *b = pb;
	int r = strcmp(a->id, b->id);
	return r ? r : a->order - b->order;
}

static void collect_names(struct cat_names *n, const struct cat_state *s, int order)
{
	for (int t = 0; t < NTABLES; t++) {
		int nc = cat_tables[t].name_col;
		for (size_t i = 0; nc >= 0 && i < s->rows[t].len; i++) {
			const struct cat_row *r = &s->rows[t].items[i];
			struct cat_name e = { r->v[0], t, r->v[nc], is_task(t, r), order };
			n->items = xrealloc(n->items, (n->len + 1) * sizeof *n->items);
			n->items[n->len++] = e;
		}
	}
}

static const struct cat_name *name_of(const struct cat_names *n, const char *id)
{
	size_t lo = 0, hi = n->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(n->items[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n->len && strcmp(n->items[lo].id, id) == 0 ? &n->items[lo] : NULL;
}

void cat_diff(struct cat_diff *d, const struct cat_state *old, const struct cat_state *new_)
{
	memset(d, 0, sizeof *d);
	const struct cat_row **old_ix[NTABLES], **new_ix[NTABLES];
	for (int t = 0; t < NTABLES; t++) {
		old_ix[t] = sorted(&old->rows[t], t);
		new_ix[t] = sorted(&new_->rows[t], t);
	}
	for (int t = NTABLES - 1; t >= 0; t--)
		for (size_t i = 0; i < old->rows[t].len; i++)
			if (!find(new_ix[t], new_->rows[t].len, &old->rows[t].items[i], t))
				add(d, CH_DELETE, t, &old->rows[t].items[i], NULL);
	for (int t = 0; t < NTABLES; t++)
		for (size_t i = 0; i < new_->rows[t].len; i++) {
			const struct cat_row *r = &new_->rows[t].items[i];
			const struct cat_row *was = find(old_ix[t], old->rows[t].len, r, t);
			if (was && !same_values(r, was, t))
				add(d, CH_UPDATE, t, r, was);
		}
	for (int t = 0; t < NTABLES; t++)
		for (size_t i = 0; i < new_->rows[t].len; i++)
			if (!find(old_ix[t], old->rows[t].len, &new_->rows[t].items[i], t))
				add(d, CH_INSERT, t, &new_->rows[t].items[i], NULL);
	for (int t = 0; t < NTABLES; t++) {
		free(old_ix[t]);
		free(new_ix[t]);
	}
	collect_names(&d->names, new_, 0);
	collect_names(&d->names, old, 1);
	if (d->names.len)
		qsort(d->names.items, d->names.len, sizeof *d->names.items, compare_names);
	/* Keep the first (newest) name of each id. */
	size_t w = 0;
	for (size_t i = 0; i < d->names.len; i++)
		if (!w || strcmp(d->names.items[w - 1].id, d->names.items[i].id) != 0)
			d->names.items[w++] = d->names.items[i];
	d->names.len = w;
}

void cat_diff_release(struct cat_diff *d)
{
	vec_free(&d->changes);
	free(d->names.items);
}

/* ---- SQL ---- */

void sql_quoted(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addch(sb, '\'');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

static void value(struct strbuf *sb, const struct cat_column *col, const char *v)
{
	if (!v)
		strbuf_addstr(sb, "NULL");
	else if (col->kind == COL_BOOL)
		strbuf_addstr(sb, strcmp(v, "true") == 0 ? "TRUE" : "FALSE");
	else if (col->kind == COL_INT)
		strbuf_addstr(sb, v);
	else if (col->kind == COL_WORKFLOW && !cat_is_uuid(v)) {
		/* A workflow the catalogue does not insert: found by name, and a
		 * missing one makes the statement fail (NULL id), never a no-op. */
		strbuf_addstr(sb, "(SELECT workflow_id FROM workflows WHERE name = ");
		sql_quoted(sb, v);
		strbuf_addch(sb, ')');
	} else
		sql_quoted(sb, v);
}

static void where_key(struct strbuf *sb, const struct cat_table *def, const struct cat_row *r)
{
	for (int c = 0; c < def->nkey; c++) {
		strbuf_addstr(sb, c ? " AND " : " WHERE ");
		strbuf_addf(sb, "%s = ", def->cols[c].name);
		value(sb, &def->cols[c], r->v[c]);
	}
}

static void insert_sql(struct strbuf *sb, const struct cat_table *def, const struct cat_row *r)
{
	strbuf_addf(sb, "INSERT INTO %s (", def->name);
	const char *sep = "";
	for (int c = 0; c < def->ncols; c++) {
		if (cat_left_out(&def->cols[c], r->v[c]))
			continue;
		strbuf_addf(sb, "%s%s", sep, def->cols[c].name);
		sep = ", ";
	}
	strbuf_addstr(sb, ")\nVALUES (");
	sep = "";
	for (int c = 0; c < def->ncols; c++) {
		if (cat_left_out(&def->cols[c], r->v[c]))
			continue;
		strbuf_addstr(sb, sep);
		value(sb, &def->cols[c], r->v[c]);
		sep = ", ";
	}
	strbuf_addch(sb, ')');
}

static void update_sql(struct strbuf *sb, const struct cat_table *def, const struct cat_row *to,
		       const struct cat_row *from)
{
	strbuf_addf(sb, "UPDATE %s SET", def->name);
	bool first = true;
	for (int c = def->nkey; c < def->ncols; c++) {
		if (!differs(to, from, c))
			continue;
		strbuf_addf(sb, "%s %s = ", first ? "" : ",", def->cols[c].name);
		value(sb, &def->cols[c], to->v[c]);
		first = false;
	}
	where_key(sb, def, to);
}

/* `product "node Cisco"`, `workflow "modify_note"` (found by name). */
static void describe(const struct cat_diff *d, struct strbuf *sb, const char *id)
{
	const struct cat_name *n = name_of(&d->names, id);
	if (!n) {
		strbuf_addf(sb, "workflow \"%s\"", id);
		return;
	}
	strbuf_addf(sb, "%s \"%s\"", what(n->table, n->task), n->name);
}

static void changed_columns(struct strbuf *sb, const struct cat_table *def, const struct cat_row *a,
			    const struct cat_row *b, int skip)
{
	bool first = true;
	for (int c = def->nkey; c < def->ncols; c++) {
		if (c == skip || !differs(a, b, c))
			continue;
		strbuf_addf(sb, "%s%s", first ? "" : ", ", def->cols[c].name);
		first = false;
	}
}

/* What a statement does, in words; `to`/`from` orient an update. */
static void what_it_does(const struct cat_diff *d, enum change_op op, enum cat_table_id t,
			 const struct cat_row *row, const struct cat_row *from, struct strbuf *sb)
{
	const struct cat_table *def = &cat_tables[t];
	if (def->name_col < 0 && op == CH_UPDATE) {
		strbuf_addstr(sb, "change the link of ");
		describe(d, sb, row->v[0]);
		strbuf_addstr(sb, " to ");
		describe(d, sb, row->v[1]);
		strbuf_addstr(sb, ": ");
		changed_columns(sb, def, row, from, -1);
		return;
	}
	if (def->name_col < 0) {
		strbuf_addstr(sb, op == CH_INSERT ? "link " : "unlink ");
		describe(d, sb, row->v[0]);
		strbuf_addstr(sb, op == CH_INSERT ? " to " : " from ");
		describe(d, sb, row->v[1]);
		return;
	}
	if (op != CH_UPDATE) {
		strbuf_addstr(sb, op == CH_INSERT ? "add " : "remove ");
		if (t == T_FIXED_INPUTS) {
			strbuf_addf(sb, "fixed input \"%s\" = \"%s\" of ", row->v[1], row->v[2]);
			describe(d, sb, row->v[3]);
		} else {
			strbuf_addf(sb, "%s \"%s\"", what(t, is_task(t, row)), row->v[def->name_col]);
		}
		return;
	}
	if (t == T_FIXED_INPUTS) {
		strbuf_addf(sb, "change fixed input \"%s\" of ", row->v[1]);
		describe(d, sb, row->v[3]);
		strbuf_addf(sb, " from \"%s\" to \"%s\"", from->v[2], row->v[2]);
		return;
	}
	int nc = def->name_col;
	struct strbuf cols;
	strbuf_init(&cols);
	changed_columns(&cols, def, row, from, nc);
	if (strcmp(row->v[nc], from->v[nc]) != 0)
		strbuf_addf(sb, "rename %s \"%s\" to \"%s\"%s", what(t, is_task(t, row)), from->v[nc], row->v[nc],
			    cols.len ? "; change its " : "");
	else
		strbuf_addf(sb, "change %s \"%s\": ", what(t, is_task(t, row)), row->v[nc]);
	strbuf_add(sb, cols.buf, cols.len);
	strbuf_release(&cols);
}

/* The statement change `i` is, or its inverse for `down`. */
static enum change_op op_of(const struct change *c, bool down)
{
	if (!down || c->op == CH_UPDATE)
		return c->op;
	return c->op == CH_INSERT ? CH_DELETE : CH_INSERT;
}

void cat_change_what(const struct cat_diff *d, size_t i, bool down, struct strbuf *sb)
{
	const struct change *c = &d->changes.items[i];
	what_it_does(d, op_of(c, down), c->table, down && c->old ? c->old : c->row,
		     down ? c->row : c->old, sb);
}

void cat_change_sql(const struct cat_diff *d, size_t i, bool down, struct strbuf *sb)
{
	const struct change *c = &d->changes.items[i];
	const struct cat_table *def = &cat_tables[c->table];
	const struct cat_row *row = down && c->old ? c->old : c->row;
	switch (op_of(c, down)) {
	case CH_INSERT:
		insert_sql(sb, def, row);
		break;
	case CH_DELETE:
		strbuf_addf(sb, "DELETE FROM %s", def->name);
		where_key(sb, def, row);
		break;
	case CH_UPDATE:
		update_sql(sb, def, row, down ? c->row : c->old);
		break;
	}
}

bool cat_change_finds_row(const struct cat_diff *d, size_t i, bool down)
{
	return op_of(&d->changes.items[i], down) != CH_INSERT;
}

bool cat_change_summary(const struct cat_diff *d, size_t i, struct strbuf *sb)
{
	const struct change *c = &d->changes.items[i];
	if (cat_tables[c->table].name_col < 0 || c->table == T_FIXED_INPUTS)
		return false;
	if (sb)
		what_it_does(d, c->op, c->table, c->row, c->old, sb);
	return true;
}
