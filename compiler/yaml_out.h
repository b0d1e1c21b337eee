/*
 * yaml_out.h - YAML documents for targets: build a tree, then write it.
 *
 * Every target writes YAML through this interface and never calls libyaml
 * itself.  The bytes are libyaml's emitter's: a direct writer
 * (yaml_direct.c) produces them for the usual printable-ASCII documents
 * without libyaml's per-event copies, and libyaml's emitter writes the rest; test_yaml_out
 * holds the two to the same output.  Nodes live in the caller's arena; maps
 * keep insertion order, so output follows the order a target adds keys in.
 *
 * Quoting is decided here, once: a string that a YAML 1.1 or 1.2 reader
 * would take for something else (no, on, ~, 0755, 1e3, 12:30, .inf, "")
 * is quoted; libyaml quotes whatever cannot be written plain (": x",
 * "# x", leading spaces, control characters).  Multi-line strings are
 * written as literal blocks where libyaml can do so exactly.
 */
#ifndef ORCHC_YAML_OUT_H
#define ORCHC_YAML_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct strbuf;
struct ynode;

struct ynode *y_map(struct arena *a);
struct ynode *y_seq(struct arena *a);
/** A string scalar (not copied: `s` must outlive the document). */
struct ynode *y_strn(struct arena *a, const char *s, size_t len);
struct ynode *y_str(struct arena *a, const char *s);
struct ynode *y_int(struct arena *a, int64_t v);
struct ynode *y_bool(struct arena *a, bool v);

/** Adds `key: value` to a map (`key` is not copied). */
void y_put(struct ynode *map, const char *key, struct ynode *value);
/** Appends `value` to a sequence. */
void y_push(struct ynode *seq, struct ynode *value);
/** The number of entries of a map or items of a sequence. */
size_t y_len(const struct ynode *n);

/** True when `s` written plain would be read back as a string by YAML 1.1 and 1.2. */
bool y_plain_is_string(const char *s, size_t len);

/**
 * Appends `root` to `out` as one YAML document, after `header` (comment
 * lines, or NULL).  Returns false only if libyaml fails (out of memory).
 */
bool y_write(const struct ynode *root, const char *header, struct strbuf *out);

#endif
