/*
 * py_text.h - text as Python source, for the generated .py files.
 */
#ifndef ORCHC_PY_TEXT_H
#define ORCHC_PY_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "str.h"

/**
 * Appends `n` bytes of `p` as a double-quoted Python string literal
 * (UTF-8 kept, control characters escaped).  With `sql_text`, the string
 * is SQL that Alembic's op.execute hands to SQLAlchemy's text(), which
 * takes `:name` for a bind parameter even inside a quoted SQL literal:
 * every ':' is then written `\\:`, which text() turns back into ':'.
 * (Escaping every colon, not only those before a name, keeps `:a:` and
 * `::` intact.)
 */
void py_string(struct strbuf *sb, const char *p, size_t n, bool sql_text);

#endif
