/*
 * main.c - orch-apply: plan, apply, status and rollback of orchc bundles.
 * See orch-apply(1) and orch-bundle(5).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "bundle.h"
#include "plan.h"
#include "rootfs.h"
#include "sha256.h"
#include "state.h"
#include "str.h"

#define VERSION "0.1.0"

static const char usage[] =
	"usage: orch-apply plan BUNDLE [--root DIR] [--state DIR] [--format text|json]\n"
	"                  [--wait] [--down-migrations]\n"
	"       orch-apply apply BUNDLE [--root DIR] [--state DIR] [--dry-run [--format text|json]]\n"
	"                  [--wait] [--down-migrations] [--quiet | --verbose] [--compose CMD]\n"
	"       orch-apply rollback UNIT|BUNDLE [--root DIR] [--state DIR] [--down-migrations]\n"
	"                  [--dry-run [--format text|json]] [--wait] [--quiet | --verbose]\n"
	"                  [--compose CMD]\n"
	"       orch-apply status [UNIT] [--root DIR] [--state DIR] [--format text|json] [--wait]\n"
	"Exit status: 0 done (plan: no changes), 2 plan has changes, 1 error.\n";

struct opts {
	const char *command, *target, *root, *state, *format, *compose;
	bool dry_run, wait, quiet, verbose, down_migrations;
};

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("orch-apply: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

enum { PLAN = 1, APPLY = 2, ROLLBACK = 4, STATUS = 8 };

static const char *const commands[] = { "plan", "apply", "rollback", "status" };

/* Every option, with the commands that take it (as in the usage). */
struct option_spec {
	const char *name;
	size_t flag, value; /* offsetof the bool or the string in struct opts; 0: none */
	unsigned commands;
};

#define FLAG(n, field, cmds) { n, offsetof(struct opts, field), 0, cmds }
#define VALUE(n, field, cmds) { n, 0, offsetof(struct opts, field), cmds }
static const struct option_spec options[] = {
	VALUE("--root", root, PLAN | APPLY | ROLLBACK | STATUS),
	VALUE("--state", state, PLAN | APPLY | ROLLBACK | STATUS),
	VALUE("--format", format, PLAN | APPLY | ROLLBACK | STATUS),
	VALUE("--compose", compose, APPLY | ROLLBACK),
	FLAG("--dry-run", dry_run, APPLY | ROLLBACK),
	FLAG("--wait", wait, PLAN | APPLY | ROLLBACK | STATUS),
	FLAG("--quiet", quiet, APPLY | ROLLBACK),
	FLAG("--verbose", verbose, APPLY | ROLLBACK),
	FLAG("--down-migrations", down_migrations, PLAN | APPLY | ROLLBACK),
};

static unsigned command_bit(const char *command)
{
	for (unsigned i = 0; i < sizeof commands / sizeof *commands; i++)
		if (command && strcmp(command, commands[i]) == 0)
			return 1u << i;
	return 0;
}

static bool parse_args(int argc, char **argv, struct opts *o)
{
	unsigned given = 0; /* bit k: options[k] */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct option_spec *spec = NULL;
		for (size_t k = 0; k < sizeof options / sizeof *options && !spec; k++) {
			size_t n = strlen(options[k].name);
			if (strncmp(a, options[k].name, n) == 0 &&
			    (a[n] == '\0' || (a[n] == '=' && options[k].value)))
				spec = &options[k];
		}
		if (spec && spec->flag) {
			*(bool *)((char *)o + spec->flag) = true;
		} else if (spec) {
			size_t n = strlen(spec->name);
			if (a[n] == '\0' && i + 1 == argc) {
				fail("%s needs a value", spec->name);
				return false;
			}
			*(const char **)((char *)o + spec->value) = a[n] == '=' ? a + n + 1 : argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fail("unknown option '%s'\n%s", a, usage);
			return false;
		} else if (!o->command) {
			o->command = a;
		} else if (!o->target) {
			o->target = a;
		} else {
			fail("unexpected argument '%s'\n%s", a, usage);
			return false;
		}
		if (spec)
			given |= 1u << (spec - options);
	}
	unsigned bit = command_bit(o->command);
	for (size_t k = 0; bit && k < sizeof options / sizeof *options; k++)
		if ((given >> k & 1) && !(options[k].commands & bit)) {
			fail("%s does not take %s\n%s", o->command, options[k].name, usage);
			return false;
		}
	if (o->format && strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0) {
		fail("--format must be text or json (got '%s')", o->format);
		return false;
	}
	if (o->format && (bit & (APPLY | ROLLBACK)) && !o->dry_run) {
		fail("%s takes --format only with --dry-run, which prints its plan", o->command);
		return false;
	}
	if (o->quiet && o->verbose) {
		fail("--quiet and --verbose exclude each other");
		return false;
	}
	return true;
}

/* The build's output directory: the parent of the bundle's deploy/. */
static const char *source_dir(struct arena *a, const char *bundle_path)
{
	const char *slash = strrchr(bundle_path, '/');
	const char *dir = slash ? arena_strndup(a, bundle_path, (size_t)(slash - bundle_path)) : ".";
	return arena_printf(a, "%s/..", dir);
}

static void digest_of(json_t *doc, char hex[65])
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	sha256_hex(text, strlen(text), hex);
	free(text);
}

/* Splits the compose command on spaces: an argument vector, no shell. */
static const char **compose_argv(struct arena *a, const struct opts *o)
{
	const char *cmd = o->compose ? o->compose : getenv("ORCH_APPLY_COMPOSE");
	char *copy = arena_printf(a, "%s", cmd && *cmd ? cmd : "docker compose");
	const char **argv = arena_zalloc(a, 9 * sizeof *argv);
	size_t n = 0;
	for (char *save = NULL, *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == 8) {
			fail("the compose command has more than 8 words: '%s'", cmd);
			exit(1);
		}
		argv[n++] = w;
	}
	return argv;
}

struct run {
	struct opts *o;
	struct arena a;
	struct state st;
	struct bundle want, have;
	json_t *record; /* the unit's state record, or NULL */
	struct plan p;
	struct strbuf err;
};

static int finish(struct run *r, int code)
{
	if (r->err.len)
		fail("%s", r->err.buf);
	plan_release(&r->p);
	bundle_release(&r->want);
	bundle_release(&r->have);
	json_decref(r->record);
	if (r->p.root >= 0)
		close(r->p.root);
	state_close(&r->st);
	strbuf_release(&r->err);
	arena_release(&r->a);
	return code;
}

/* Reads the unit's record and the bundle it last applied into r->have. */
static bool read_record(struct run *r, const char *unit)
{
	if (!state_read_unit(&r->st, unit, &r->record, &r->err))
		return false;
	json_t *current = json_object_get(r->record, "current");
	return !current || bundle_from_json(&r->have, current,
					    arena_printf(&r->a, "%s/units/%s.json", r->st.dir, unit),
					    &r->a, &r->err);
}

static bool write_record(struct run *r, json_t *current, json_t *previous)
{
	char hex[65];
	digest_of(current, hex);
	json_int_t generation = json_integer_value(json_object_get(r->record, "generation")) + 1;
	json_t *doc = json_pack("{s:i, s:s, s:I, s:s, s:s, s:O, s:O}", "state_version", 1, "unit",
				r->want.unit, "generation", generation, "bundle_sha256", hex,
				"applied_by", "orch-apply " VERSION, "current", current, "previous",
				previous ? previous : json_null());
	bool ok = state_write_unit(&r->st, r->want.unit, doc, &r->err);
	json_decref(doc);
	if (ok && !r->o->quiet)
		printf("%s: generation %" JSON_INTEGER_FORMAT " applied\n", r->want.unit, generation);
	return ok;
}

static bool open_root(struct run *r, bool create)
{
	struct stat st;
	if (!create && stat(r->p.root_dir, &st) != 0 && errno == ENOENT)
		return true; /* nothing installed yet */
	r->p.root = rootfs_open(r->p.root_dir, create, &r->err);
	return r->p.root >= 0;
}

static int run_plan_or_apply(struct run *r, bool rollback)
{
	struct opts *o = r->o;
	bool writes = strcmp(o->command, "plan") != 0 && !o->dry_run;
	if (!rollback && !bundle_load(&r->want, o->target, &r->a, &r->err))
		return finish(r, 1);
	if (!state_open(&r->st, o->state, writes ? STATE_WRITE : STATE_READ, o->wait, &r->err))
		return finish(r, 1);
	const char *unit = rollback ? o->target : r->want.unit;
	if (rollback && strchr(unit, '/')) { /* a bundle's path: its unit */
		if (!bundle_load(&r->want, unit, &r->a, &r->err))
			return finish(r, 1);
		unit = arena_printf(&r->a, "%s", r->want.unit);
		bundle_release(&r->want);
	}
	if (!read_record(r, unit))
		return finish(r, 1);
	json_t *previous = json_object_get(r->record, "previous");
	if (rollback) {
		if (!json_is_object(previous)) {
			strbuf_addf(&r->err, "%s has no previous generation to roll back to%s", unit,
				    r->record ? "" : " (it was never applied)");
			return finish(r, 1);
		}
		if (!bundle_from_json(&r->want, previous,
				      arena_printf(&r->a, "%s/units/%s.json", r->st.dir, unit), &r->a,
				      &r->err))
			return finish(r, 1);
	}
	r->p.want = &r->want;
	r->p.have = r->have.doc ? &r->have : NULL;
	r->p.down_migrations = o->down_migrations;
	r->p.skip_migrations = rollback && !o->down_migrations;
	r->p.read_only = !writes;
	if (!open_root(r, writes) ||
	    !plan_load_contents(&r->p, rollback ? NULL : source_dir(&r->a, o->target), &r->err) ||
	    !plan_build(&r->p, &r->err))
		return finish(r, 1);
	if (!writes) {
		plan_print(&r->p, o->format && strcmp(o->format, "json") == 0);
		return finish(r, strcmp(o->command, "plan") == 0 && r->p.actions.len ? 2 : 0);
	}
	for (size_t i = 0; i < r->want.nfiles; i++)
		if (!state_put_object(&r->st, r->want.files[i].sha256, r->p.contents[i].buf,
				      r->p.contents[i].len, &r->err))
			return finish(r, 1);
	if (!r->p.actions.len && r->p.have && !rollback) {
		if (!o->quiet)
			printf("%s: no changes\n", unit);
		return finish(r, 0);
	}
	if (!o->quiet)
		printf("%s: %zu change%s\n", unit, r->p.actions.len, r->p.actions.len == 1 ? "" : "s");
	struct run_opts ro = { o->quiet, o->verbose, compose_argv(&r->a, o), 0 };
	const char *fault = getenv("ORCH_APPLY_FAULT_AFTER");
	ro.fault_after = fault ? strtol(fault, NULL, 10) : 0;
	if (!plan_execute(&r->p, &ro, &r->err))
		return finish(r, 1);
	json_t *current = json_object_get(r->record, "current");
	return finish(r, write_record(r, r->want.doc, current) ? 0 : 1);
}

static int status(struct run *r)
{
	if (!state_open(&r->st, r->o->state, STATE_READ, r->o->wait, &r->err))
		return finish(r, 1);
	size_t n = 0;
	char **units = r->o->target ? NULL : state_units(&r->st, &n);
	if (r->o->target) {
		if (!bundle_path_safe(r->o->target) || strchr(r->o->target, '/')) {
			strbuf_addf(&r->err, "'%s' is not a unit name", r->o->target);
			return finish(r, 1);
		}
		units = xmalloc(sizeof *units);
		units[0] = arena_printf(&r->a, "%s", r->o->target);
		n = 1;
	}
	bool json = r->o->format && strcmp(r->o->format, "json") == 0;
	json_t *list = json_array();
	int code = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *doc = NULL;
		if (!state_read_unit(&r->st, units[i], &doc, &r->err) || !doc) {
			if (!r->err.len)
				strbuf_addf(&r->err, "%s was never applied in %s", units[i], r->st.dir);
			code = 1;
			break;
		}
		json_t *cur = json_object_get(doc, "current");
		json_t *entry = json_pack(
			"{s:s, s:O, s:O, s:O, s:b, s:i, s:i, s:i}", "unit", units[i], "kind",
			json_object_get(cur, "kind"), "generation", json_object_get(doc, "generation"),
			"bundle_sha256", json_object_get(doc, "bundle_sha256"), "can_roll_back",
			json_is_object(json_object_get(doc, "previous")), "files",
			(int)json_array_size(json_object_get(cur, "files")), "compose_projects",
			(int)json_array_size(json_object_get(cur, "compose")), "device_deployments",
			(int)json_array_size(json_object_get(cur, "device_deployments")));
		if (!json)
			printf("%-40s generation %-4" JSON_INTEGER_FORMAT " %.12s  %d files%s\n", units[i],
			       json_integer_value(json_object_get(doc, "generation")),
			       json_string_value(json_object_get(doc, "bundle_sha256")),
			       (int)json_array_size(json_object_get(cur, "files")),
			       json_is_object(json_object_get(doc, "previous")) ? ", can roll back" : "");
		json_array_append_new(list, entry);
		json_decref(doc);
	}
	if (json && !code) {
		json_dumpf(list, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else if (!json && !n && !code) {
		printf("nothing applied in %s\n", r->st.dir);
	}
	json_decref(list);
	if (!r->o->target)
		for (size_t i = 0; i < n; i++)
			free(units[i]);
	free(units);
	return finish(r, code);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	if (argc == 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf("orch-apply %s (bundle version %d)\n", VERSION, BUNDLE_VERSION);
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (!parse_args(argc, argv, &o))
		return 1;
	if (!o.command)
		return fail("no command\n%s", usage);
	unsigned cmd = command_bit(o.command);
	if (!cmd)
		return fail("unknown command '%s'\n%s", o.command, usage);
	if (cmd != STATUS && !o.target)
		return fail("%s needs a %s\n%s", o.command, cmd == ROLLBACK ? "unit or bundle" : "bundle",
			    usage);
	struct run r = { .o = &o };
	arena_init(&r.a);
	strbuf_init(&r.err);
	r.st.fd = r.st.lock_fd = -1;
	r.p.a = &r.a;
	r.p.state = &r.st;
	r.p.root = -1;
	/* Absolute: compose runs in the project's directory with the files' paths. */
	const char *root = o.root ? o.root : ".";
	char cwd[4096];
	r.p.root_dir = root[0] == '/' ? root
		       : getcwd(cwd, sizeof cwd) ? arena_printf(&r.a, "%s/%s", cwd, root) : root;
	if (!o.state)
		o.state = arena_printf(&r.a, "%s/.orch-apply", r.p.root_dir);
	return cmd == STATUS ? status(&r) : run_plan_or_apply(&r, cmd == ROLLBACK);
}
