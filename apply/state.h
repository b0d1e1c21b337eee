/*
 * state.h - what orch-apply remembers between runs, under the state directory:
 *
 *   lock                 held (flock) by the run that reads or changes state
 *   units/<unit>.json    the unit's last successful apply: its generation,
 *                        the bundle applied and the one before it
 *   objects/<sha256>     the content of every file ever applied, by digest,
 *                        so a rollback has the previous generation's files
 *   db/<database>.sqlite3   the default SQLite databases
 *
 * A unit's record changes only by an atomic replace at the end of a
 * successful run; a crash before that leaves the previous record.  No
 * value of a secret is ever written here: bundles name variables only.
 */
#ifndef ORCH_APPLY_STATE_H
#define ORCH_APPLY_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "rootfs.h"

struct strbuf;

struct state {
	const char *dir;
	int fd;      /* the directory, or -1 when it does not exist (read-only runs) */
	int lock_fd; /* -1: not locked */
};

enum state_mode {
	STATE_READ,  /* plan, status: a shared lock; a missing directory is empty state */
	STATE_WRITE, /* apply, rollback: creates the directory, exclusive lock */
};

/** Opens and locks `dir`; without `wait`, a held lock is an error naming its holder. */
bool state_open(struct state *s, const char *dir, enum state_mode mode, bool wait,
		struct strbuf *err);

void state_close(struct state *s);

/** The unit's record into *doc (NULL when the unit was never applied). */
bool state_read_unit(struct state *s, const char *unit, json_t **doc, struct strbuf *err);

/** Replaces the unit's record atomically. */
bool state_write_unit(struct state *s, const char *unit, json_t *doc, struct strbuf *err);

/** Stores a file's content under its digest (once). */
bool state_put_object(struct state *s, const char *sha256, const void *data, size_t len,
		      struct strbuf *err);

/** Reads the content stored under `sha256`. */
enum rootfs_read state_get_object(struct state *s, const char *sha256, struct strbuf *out,
				  struct strbuf *err);

/** The names of every unit with a record, sorted; free() the array. */
char **state_units(struct state *s, size_t *n);

#endif
