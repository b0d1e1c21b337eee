/*
 * bundle.h - an orch-apply bundle (orch-bundle(5)), read strictly.
 *
 * A bundle names the desired state of one unit (a stack, a catalog or a
 * device): files with their sha256, compose projects, migrations and device
 * deployments.  Reading refuses an unknown bundle_version, unknown keys,
 * wrong types, unsafe paths and references to files the bundle does not
 * list with the same sha256, so everything after it can trust the shape.
 * Strings point into `doc`, which the bundle owns.
 */
#ifndef ORCH_APPLY_BUNDLE_H
#define ORCH_APPLY_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct arena;
struct strbuf;

#define BUNDLE_VERSION 1

struct b_ref {
	const char *path;
	const char *sha256;
};

struct b_file {
	const char *path;
	const char *sha256;
	size_t size;
	unsigned mode;
};

struct b_compose {
	const char *project;
	const char *directory;
	const char **files;
	size_t nfiles;
	const char **variables;
	size_t nvariables;
};

struct b_step {
	const char *id;
	struct b_ref up, down;
};

struct b_migrations {
	const char *database;
	const char *dialect; /* "sqlite" or "postgres" */
	const char *connection_env;
	bool has_base;
	struct b_ref base;
	const char *unless_table;
	struct b_step *steps;
	size_t nsteps;
};

struct b_module {
	const char *name;
	struct b_ref file;
};

struct b_deployment {
	const char *deployment;
	const char *id;
	const char *supervisor;
	struct b_ref body;
};

struct bundle {
	json_t *doc;
	const char *unit, *kind, *name;
	struct b_file *files; /* sorted by path */
	size_t nfiles;
	struct b_compose *compose;
	size_t ncompose;
	struct b_migrations *migrations;
	size_t nmigrations;
	struct b_module *modules;
	size_t nmodules;
	struct b_deployment *deployments;
	size_t ndeployments;
};

/** True when `path` is relative, '/'-separated, without '.', '..' or empty parts. */
bool bundle_path_safe(const char *path);

/**
 * Reads `doc` (a reference is taken) into `b`, allocating from `a`.  On a
 * problem returns false with the reason in `err`, naming `origin`.
 */
bool bundle_from_json(struct bundle *b, json_t *doc, const char *origin, struct arena *a,
		      struct strbuf *err);

/** Reads the bundle file at `path`. */
bool bundle_load(struct bundle *b, const char *path, struct arena *a, struct strbuf *err);

void bundle_release(struct bundle *b);

/** The file entry for `path`, or NULL. */
const struct b_file *bundle_file(const struct bundle *b, const char *path);

/* The entries of a bundle (which may be NULL) by name, or NULL. */
const struct b_compose *bundle_project(const struct bundle *b, const char *project);
const struct b_deployment *bundle_deployment(const struct bundle *b, const char *deployment);
const struct b_migrations *bundle_migrations(const struct bundle *b, const char *database,
					     const char *dialect);

#endif
