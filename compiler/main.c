/*
 * main.c - the orchc command line: argv -> options -> stages -> exit status.
 *
 * Exit status: 0 clean (warnings allowed), 1 errors reported, 2 usage or
 * I/O failure.  Diagnostics go to stderr as text, or to stdout as one JSON
 * array with --format json.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ast.h"
#include "build.h"
#include "diag.h"
#include "model_json.h"
#include "orchc.h"
#include "sema.h"
#include "str.h"

enum { EXIT_CLEAN = 0, EXIT_ERRORS = 1, EXIT_USAGE = 2 };

enum output_format { FORMAT_TEXT, FORMAT_JSON };

struct opts {
	enum output_format format;
	unsigned error_limit;
	int color; /* -1 auto, 0 never, 1 always */
	bool dump_ast;
	bool all_profiles;
	const char *profile;
	const char *emit;
	struct build_opts build;
	const char **files;
	int nfiles;
	const char **include_dirs;
	uint32_t ninclude_dirs;
};

struct command {
	const char *name;
	int (*run)(struct opts *);
	const char *usage;
	const char *summary;
};

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("orchc: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'orchc help' for more information.\n", stderr);
	return EXIT_USAGE;
}

static bool use_color(const struct opts *o)
{
	if (o->color >= 0)
		return o->color;
	const char *no = getenv("NO_COLOR");
	if (no && *no)
		return false;
	const char *term = getenv("TERM");
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(STDERR_FILENO);
}

static void print_and_release(struct strbuf *sb, FILE *f)
{
	fwrite(sb->buf, 1, sb->len, f);
	strbuf_release(sb);
}

/* Prints the diagnostics of `ctx` and returns the exit status they imply.
 * JSON diagnostics go to stdout, unless stdout carries the output itself
 * (`build`): then to stderr, so stdout stays one JSON document. */
static int finish_to(struct orchc_ctx *ctx, const struct opts *o, bool io_failed, FILE *json_out)
{
	diag_sort(&ctx->diags);
	struct diag_render_opts ro = { use_color(o), o->error_limit };
	struct strbuf out;
	strbuf_init(&out);
	if (o->format == FORMAT_JSON) {
		ro.color = false;
		diag_render_json(&ctx->diags, &ctx->sources, &ro, &out);
		print_and_release(&out, json_out);
	} else {
		diag_render_text(&ctx->diags, &ctx->sources, &ro, &out);
		print_and_release(&out, stderr);
	}
	if (io_failed)
		return EXIT_USAGE;
	return orchc_failed(ctx) ? EXIT_ERRORS : EXIT_CLEAN;
}

static int finish(struct orchc_ctx *ctx, const struct opts *o, bool io_failed)
{
	return finish_to(ctx, o, io_failed, stdout);
}

/* I/O failures (E0010, E0012, E0901) mean exit status 2, not 1. */
static bool io_failed(const struct orchc_ctx *ctx)
{
	for (size_t i = 0; i < ctx->diags.items.len; i++) {
		enum diag_code c = ctx->diags.items.items[i]->code;
		if (c == E0010 || c == E0012 || c == E0901)
			return true;
	}
	return false;
}

static void context_for(struct orchc_ctx *ctx, const struct opts *o)
{
	orchc_ctx_init(ctx);
	ctx->include_dirs = o->include_dirs;
	ctx->ninclude_dirs = o->ninclude_dirs;
}

/* Each file is a program of its own: its root and its imports. */
static int cmd_check(struct opts *o)
{
	if (o->nfiles == 0)
		return usage_error("%s: no input files", "check");
	struct orchc_ctx ctx;
	context_for(&ctx, o);
	struct sema_opts so = { o->profile };
	for (int i = 0; i < o->nfiles; i++) {
		if (o->all_profiles)
			sema_check_all_profiles(&ctx, o->files[i]);
		else
			sema_build(&ctx, o->files[i], &so);
	}
	int rc = finish(&ctx, o, io_failed(&ctx));
	orchc_ctx_release(&ctx);
	return rc;
}

static int emit_model(struct orchc_ctx *ctx, struct opts *o)
{
	struct sema_opts so = { o->profile };
	struct m_program *prog = sema_build(ctx, o->files[0], &so);
	if (prog) {
		struct strbuf out;
		strbuf_init(&out);
		model_json(prog, &ctx->sources, &out);
		print_and_release(&out, stdout);
	}
	return finish_to(ctx, o, io_failed(ctx), stderr);
}

static int cmd_build(struct opts *o)
{
	if (o->nfiles != 1)
		return usage_error("%s: expects exactly one input file", "build");
	if (o->emit && strcmp(o->emit, "model") != 0)
		return usage_error("build: --emit takes 'model', not '%s'", o->emit);
	struct orchc_ctx ctx;
	context_for(&ctx, o);
	int rc;
	if (o->emit) {
		rc = emit_model(&ctx, o);
	} else {
		struct sema_opts so = { o->profile };
		source_set_digest_all(&ctx.sources); /* for the manifest, beside the parse */
		struct m_program *prog = sema_build(&ctx, o->files[0], &so);
		struct strbuf report;
		strbuf_init(&report);
		o->build.profile = o->profile;
		bool fresh = prog && build_run(&ctx, prog, o->files[0], &o->build, &report);
		rc = finish(&ctx, o, io_failed(&ctx));
		if (o->build.check && prog && rc == EXIT_CLEAN && !fresh) {
			fprintf(stderr, "%sorchc: '%s' is not what 'orchc build' would write; run it and commit the result\n",
				report.buf, o->build.out_dir);
			rc = EXIT_ERRORS;
		}
		strbuf_release(&report);
	}
	orchc_ctx_release(&ctx);
	return rc;
}

static int cmd_parse(struct opts *o)
{
	if (o->nfiles != 1)
		return usage_error("%s: expects exactly one input file", "parse");
	struct orchc_ctx ctx;
	orchc_ctx_init(&ctx);
	struct ast_node *root = orchc_parse_path(&ctx, o->files[0]);
	if (root && o->dump_ast) {
		struct strbuf out;
		strbuf_init(&out);
		ast_dump(root, &ctx.sources, &out);
		print_and_release(&out, stdout);
	}
	int rc = finish(&ctx, o, root == NULL);
	orchc_ctx_release(&ctx);
	return rc;
}

static void print_wrapped(FILE *f, const char *text, const char *indent, size_t width)
{
	size_t col = 0;
	const char *p = text;
	while (*p) {
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		size_t n = (size_t)(e - p);
		if (col && col + 1 + n > width) {
			fputc('\n', f);
			col = 0;
		}
		if (col == 0) {
			fputs(indent, f);
		} else {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, n, f);
		col += n;
		p = *e ? e + 1 : e;
	}
	if (col)
		fputc('\n', f);
}

/* man/orchc-diagnostics.7 is generated from the code table by this. */
static void print_man_page(void)
{
	puts(".\\\" Generated by 'orchc explain --man' from compiler/diag_codes.def; do not edit.");
	puts(".Dd November 21, 2026");
	puts(".Dt ORCHC-DIAGNOSTICS 7");
	puts(".Os");
	puts(".Sh NAME");
	puts(".Nm orchc-diagnostics");
	puts(".Nd every diagnostic the orch compiler reports");
	puts(".Sh DESCRIPTION");
	puts("Each diagnostic has a stable code.");
	puts("Codes E00xx are lexical, E01xx syntax, E02xx names, E03xx types,");
	puts("E04xx domain checks and E09xx targets and output;");
	puts("codes starting with W are warnings.");
	puts("A code is never reused.");
	puts(".Ic orchc explain Ar CODE");
	puts("prints the same text.");
	puts(".Bl -tag -width Ds");
	for (size_t i = 0; i < DIAG_CODE_COUNT; i++) {
		const struct diag_info *d = &diag_table[i];
		printf(".It Sy %s Pq %s\n", d->name, d->severity == SEV_ERROR ? "error" : "warning");
		printf("%s.\n", d->title);
		/* One sentence per line, as mandoc prefers. */
		const char *p = d->explanation;
		while (*p) {
			const char *e = strstr(p, ". ");
			size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
			if (*p == '.' || *p == '\'')
				fputs("\\&", stdout);
			for (size_t k = 0; k < n; k++) {
				if (p[k] == '\\')
					fputs("\\e", stdout);
				else
					putchar(p[k]);
			}
			putchar('\n');
			p += n;
			while (*p == ' ')
				p++;
		}
	}
	puts(".El");
	puts(".Sh SEE ALSO");
	puts(".Xr orchc 1 ,");
	puts(".Xr orch 5");
}

static int cmd_explain(struct opts *o)
{
	if (o->nfiles == 1 && strcmp(o->files[0], "--man") == 0) {
		print_man_page();
		return EXIT_CLEAN;
	}
	if (o->nfiles == 1 && strcmp(o->files[0], "--list") == 0) {
		for (size_t i = 0; i < DIAG_CODE_COUNT; i++)
			printf("%s  %-7s  %s\n", diag_table[i].name,
			       diag_table[i].severity == SEV_ERROR ? "error" : "warning",
			       diag_table[i].title);
		return EXIT_CLEAN;
	}
	if (o->nfiles != 1)
		return usage_error("%s: expects one diagnostic code, like E0103 (or --list, --man)", "explain");
	const struct diag_info *d = diag_lookup(o->files[0]);
	if (!d)
		return usage_error("explain: unknown diagnostic code '%s' (see 'orchc explain --list')",
				   o->files[0]);
	printf("%s (%s): %s\n\n", d->name, d->severity == SEV_ERROR ? "error" : "warning", d->title);
	print_wrapped(stdout, d->explanation, "  ", 76);
	return EXIT_CLEAN;
}

static int cmd_help(struct opts *o);

static const struct command commands[] = {
	{ "check", cmd_check,
	  "orchc check [--profile P | --all-profiles] [-I DIR] [--format text|json] FILE...",
	  "Check orch programs (syntax, names, types, domain rules); report diagnostics." },
	{ "build", cmd_build,
	  "orchc build FILE [-o DIR] [--profile P] [--target T,...] [--include POD,...]\n"
	  "                   [--exclude POD,...] [--check] [-I DIR]\n"
	  "       orchc build FILE --emit model [--profile P] [-I DIR]",
	  "Check a program and write what its targets generate into DIR (default out),\n"
	  "            all at once, with orch-manifest.json; --check compares instead." },
	{ "parse", cmd_parse, "orchc parse [--dump-ast] [--format text|json] FILE",
	  "Parse one file; --dump-ast prints its syntax tree as an S-expression." },
	{ "explain", cmd_explain, "orchc explain CODE | --list | --man",
	  "Explain a diagnostic code such as E0103; --list lists every code, --man\n"
	  "            prints them all as the orchc-diagnostics(7) page." },
	{ "help", cmd_help, "orchc help [COMMAND]", "Show help for orchc or one command." },
};

enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static const char common_options[] =
	"Options:\n"
	"  --format text|json   diagnostics as text on stderr (default) or one JSON\n"
	"                       array on stdout\n"
	"  --error-limit N      show at most N diagnostics (default 20, 0 = all)\n"
	"  --color auto|always|never\n"
	"                       colour diagnostics (auto: on a terminal, never with NO_COLOR)\n"
	"  --dump-ast           (parse) print the syntax tree\n"
	"  --profile NAME       apply the overlays of profile NAME\n"
	"  --all-profiles       (check) check without a profile and with each profile\n"
	"  -I DIR               look for `import \"std/NAME\"` modules in DIR first\n"
	"  -o DIR               (build) the output directory (default out)\n"
	"  --target T,...       (build) only these targets (compose, kubernetes,\n"
	"                       migrations, wasm, deploy)\n"
	"  --include POD,...    (build) only these pods; --exclude POD,... all but these\n"
	"  --check              (build) write nothing: list stale, missing and extra\n"
	"                       files and exit 1 if there are any\n"
	"  --emit model         (build) print the checked model as JSON\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 no errors, 1 errors reported, 2 usage or I/O failure.\n";

static void print_command_help(const struct command *c)
{
	printf("usage: %s\n\n%s\n\n%s", c->usage, c->summary, common_options);
}

static void print_help(void)
{
	printf("orchc %s - the orch compiler\n\nusage: orchc COMMAND [OPTIONS] [FILE...]\n\nCommands:\n",
	       ORCHC_VERSION);
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-9s %s\n", commands[i].name, commands[i].summary);
	printf("\n  orchc --version    print the version\n\n%s\nSee orchc(1), orch(5) and orchc-diagnostics(7).\n",
	       common_options);
}

static int cmd_help(struct opts *o)
{
	if (o->nfiles == 0) {
		print_help();
		return EXIT_CLEAN;
	}
	const struct command *c = find_command(o->files[0]);
	if (!c)
		return usage_error("help: unknown command '%s'", o->files[0]);
	print_command_help(c);
	return EXIT_CLEAN;
}

/* Returns the option's value: `--opt=value` or the next argument. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (a[n] == '=')
		return a + n + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool is_option(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* `--opt a,b` (repeatable): appends the names to *items, splitting the
 * argument in place (argv strings are the program's to modify). */
static int add_list(int argc, char **argv, int *i, const char *name, const char ***items,
		    unsigned *n)
{
	char *v = (char *)option_value(argc, argv, i, name);
	if (!v || !*v)
		return usage_error("%s needs a comma-separated list", name);
	for (char *p = v;;) {
		size_t len = strcspn(p, ",");
		if (len == 0)
			return usage_error("%s: empty name in the list", name);
		const char **grown = realloc(*items, (*n + 1) * sizeof **items);
		if (!grown)
			return usage_error("out of memory");
		*items = grown;
		(*items)[(*n)++] = p;
		if (p[len] == '\0')
			return -1;
		p[len] = '\0';
		p += len + 1;
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_help();
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("orchc %s\n", ORCHC_VERSION);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_help();
		return EXIT_CLEAN;
	}
	const struct command *cmd = find_command(argv[1]);
	if (!cmd)
		return usage_error("unknown command '%s'", argv[1]);

	struct opts o = { .format = FORMAT_TEXT, .error_limit = 20, .color = -1 };
	o.build.out_dir = "out";
	o.files = calloc((size_t)argc, sizeof *o.files);
	o.include_dirs = calloc((size_t)argc, sizeof *o.include_dirs);
	if (!o.files || !o.include_dirs) {
		free(o.files);
		free(o.include_dirs);
		fputs("orchc: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	bool only_files = false;
	int rc = -1;
	for (int i = 2; i < argc && rc < 0; i++) {
		const char *a = argv[i];
		if (only_files || a[0] != '-' || a[1] == '\0' ||
		    (cmd->run == cmd_explain && (strcmp(a, "--man") == 0 || strcmp(a, "--list") == 0))) {
			o.files[o.nfiles++] = a;
		} else if (strcmp(a, "--") == 0) {
			only_files = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			print_command_help(cmd);
			rc = EXIT_CLEAN;
		} else if (is_option(a, "--format")) {
			const char *v = option_value(argc, argv, &i, "--format");
			if (v && strcmp(v, "text") == 0)
				o.format = FORMAT_TEXT;
			else if (v && strcmp(v, "json") == 0)
				o.format = FORMAT_JSON;
			else
				rc = usage_error("--format takes 'text' or 'json', not '%s'", v ? v : "");
		} else if (is_option(a, "--error-limit")) {
			const char *v = option_value(argc, argv, &i, "--error-limit");
			char *end = NULL;
			long n = v ? strtol(v, &end, 10) : -1;
			if (!v || *v == '\0' || *end != '\0' || n < 0 || n > 1000000)
				rc = usage_error("--error-limit takes a number from 0 to 1000000, not '%s'",
						 v ? v : "");
			else
				o.error_limit = (unsigned)n;
		} else if (is_option(a, "--color") || is_option(a, "--colour")) {
			const char *v = option_value(argc, argv, &i, a[7] == 'u' ? "--colour" : "--color");
			if (v && strcmp(v, "auto") == 0)
				o.color = -1;
			else if (v && strcmp(v, "always") == 0)
				o.color = 1;
			else if (v && strcmp(v, "never") == 0)
				o.color = 0;
			else
				rc = usage_error("--color takes auto, always or never, not '%s'", v ? v : "");
		} else if (strcmp(a, "--dump-ast") == 0 && cmd->run == cmd_parse) {
			o.dump_ast = true;
		} else if (strcmp(a, "--all-profiles") == 0 && cmd->run == cmd_check) {
			o.all_profiles = true;
		} else if (is_option(a, "--profile") && (cmd->run == cmd_check || cmd->run == cmd_build)) {
			o.profile = option_value(argc, argv, &i, "--profile");
			if (!o.profile)
				rc = usage_error("--profile needs a profile name");
		} else if (is_option(a, "--emit") && cmd->run == cmd_build) {
			o.emit = option_value(argc, argv, &i, "--emit");
			if (!o.emit)
				rc = usage_error("--emit needs what to emit (model)");
		} else if (cmd->run == cmd_build && (strcmp(a, "-o") == 0 || is_option(a, "--output"))) {
			o.build.out_dir = option_value(argc, argv, &i, a[1] == 'o' ? "-o" : "--output");
			if (!o.build.out_dir || !*o.build.out_dir)
				rc = usage_error("%s needs a directory", a);
		} else if (cmd->run == cmd_build && strcmp(a, "--check") == 0) {
			o.build.check = true;
		} else if (cmd->run == cmd_build && is_option(a, "--target")) {
			rc = add_list(argc, argv, &i, "--target", &o.build.targets, &o.build.ntargets);
			for (unsigned k = 0; rc < 0 && k < o.build.ntargets; k++) {
				if (build_find_target(o.build.targets[k]))
					continue;
				struct strbuf names;
				strbuf_init(&names);
				build_target_names(&names);
				rc = usage_error("--target: unknown target '%s' (this orchc builds: %s)",
						 o.build.targets[k], names.buf);
				strbuf_release(&names);
			}
		} else if (cmd->run == cmd_build && is_option(a, "--include")) {
			rc = add_list(argc, argv, &i, "--include", &o.build.include, &o.build.ninclude);
		} else if (cmd->run == cmd_build && is_option(a, "--exclude")) {
			rc = add_list(argc, argv, &i, "--exclude", &o.build.exclude, &o.build.nexclude);
		} else if (strncmp(a, "-I", 2) == 0 && (cmd->run == cmd_check || cmd->run == cmd_build)) {
			const char *dir = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
			if (!dir)
				rc = usage_error("-I needs a directory");
			else
				o.include_dirs[o.ninclude_dirs++] = dir;
		} else {
			rc = usage_error("unknown option '%s'", a);
		}
	}
	if (rc < 0 && o.profile && o.all_profiles)
		rc = usage_error("--profile and --all-profiles exclude each other");
	if (rc < 0 && o.emit && (o.build.check || o.build.ntargets || o.build.ninclude || o.build.nexclude))
		rc = usage_error("--emit model prints the model; it takes no output options");
	if (rc < 0)
		rc = cmd->run(&o);
	free(o.files);
	free(o.include_dirs);
	free(o.build.targets);
	free(o.build.include);
	free(o.build.exclude);
	return rc;
}
