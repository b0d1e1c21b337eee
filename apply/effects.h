/*
 * effects.h - what orch-apply does outside the root and the databases:
 * running compose (an argument vector, never a shell) and talking to
 * device supervisors over HTTP (libcurl).
 */
#ifndef ORCH_APPLY_EFFECTS_H
#define ORCH_APPLY_EFFECTS_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf;

/**
 * Runs argv[0] (looked up in PATH) with `argv` in `dir` and waits; its
 * output goes to ours (to nothing when `quiet`).  False, with why, unless
 * it exits 0.
 */
bool run_command(const char *const *argv, const char *dir, bool quiet, struct strbuf *err);

/**
 * Sends `method` to `url` with a JSON body (or none); false unless 2xx, or
 * 404 when `gone_ok` (deleting what is already gone is done, not failed).
 */
bool http_send(const char *method, const char *url, const char *body, size_t len, bool gone_ok,
	       struct strbuf *err);

#endif
