/*
 * py_text.c - Python string literals.
 */
#include "py_text.h"

void py_string(struct strbuf *sb, const char *p, size_t n, bool sql_text)
{
	strbuf_addch(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == ':' && sql_text) {
			strbuf_addstr(sb, "\\\\:");
		} else if (c == '\\' || c == '"') {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, (char)c);
		} else if (c == '\n') {
			strbuf_addstr(sb, "\\n");
		} else if (c == '\t') {
			strbuf_addstr(sb, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addf(sb, "\\x%02x", c);
		} else {
			strbuf_addch(sb, (char)c);
		}
	}
	strbuf_addch(sb, '"');
}
