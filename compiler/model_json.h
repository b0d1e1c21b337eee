/*
 * model_json.h - the checked model as JSON (`orchc build --emit model`).
 *
 * A debugging and golden-test view of exactly what targets receive.  The
 * output is deterministic: declaration order everywhere, keys in the fixed
 * order below, two-space indentation, no paths other than those the user
 * gave, so it can be diffed and checked in.
 *
 * Format (model_version 1).  The document is one object:
 *
 *   { "model_version": 1,
 *     "profile": null | "NAME",         the profile applied, if any
 *     "entities": [ENTITY, ...] }       top-level entities, in order
 *
 * ENTITY, keys in this order:
 *
 *   "kind":     "service"               the block kind word
 *   "name":     "db"                    null for an unnamed block
 *   "at":       "app.orch:12:3"         path as given, 1-based line:col of
 *                                       the entity's span (col in code
 *                                       points); null if the span's file
 *                                       is not in the source set
 *   "doc":      "text"                  the ## comment, markers removed,
 *                                       lines joined by \n; omitted if none
 *   "fields":   {NAME: VALUE, ...}      every field of the kind in schema
 *                                       order, V_UNSET ones left out
 *   "children": [ENTITY, ...]           nested blocks; omitted if none
 *
 * VALUE, by kind:
 *
 *   V_NONE      null
 *   V_BOOL      true | false
 *   V_INT       42
 *   V_FLOAT     0.5, 1.0 (always with a '.' or exponent).  One precision
 *               serves the whole document: the fewest significant digits
 *               (at most 17) with which every real reads back exactly, so
 *               0.1 prints as 0.1 unless another real needs 17 digits.  A
 *               non-finite value, which the checks never let through,
 *               prints as the string "nan", "inf" or "-inf".
 *   V_DURATION  {"ms": 1500}
 *   V_SIZE      {"bytes": 268435456}
 *   V_STRING    "text"
 *   V_TEXT      {"text": [PART, ...]}   PART is a string or a V_ATTR object
 *   V_ENUM      "member"
 *   V_LIST      [VALUE, ...]
 *   V_MAP       {KEY: VALUE, ...}       entry order kept
 *   V_REF       {"ref": "service app.db"}
 *   V_ATTR      {"ref": "service app.db", "attr": "host"}
 *   V_PAIR      {"from": VALUE, "to": VALUE}
 *   V_TAGGED    {"value": VALUE, "tag": "healthy"}
 *   V_CALL      {"call": "env", "args": [VALUE, ...]}
 *
 * A reference names its target as "<kind> <qualified name>": the names of
 * every enclosing entity from the outermost down, pods included, joined by
 * '.' (the file itself, KIND_TOP, contributes nothing; unnamed entities
 * are skipped).  A value's `secret` flag is not shown: the model holds
 * references to secrets, never their contents, so the structure is safe
 * to print.  Strings, names and doc text that are not valid UTF-8 have
 * each bad byte replaced by U+FFFD.
 */
#ifndef ORCHC_MODEL_JSON_H
#define ORCHC_MODEL_JSON_H

struct m_program;
struct source_set;
struct strbuf;

/**
 * Appends the JSON form of `prog` (format above) to `out`, followed by a
 * newline.  `src` supplies paths, line:col positions and doc comment text;
 * it is only read (its lazily built line tables may be filled in).  Reports
 * nothing: the model is valid by construction.  Out of memory is fatal, as
 * everywhere in orchc.
 */
void model_json(const struct m_program *prog, const struct source_set *src,
		struct strbuf *out);

#endif
