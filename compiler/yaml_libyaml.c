/*
 * yaml_libyaml.c - a document tree written with libyaml's emitter.
 *
 * The reference for yaml_direct.c, which must produce the same bytes, and
 * the writer for the documents it declines.  Scalar styles are requested
 * here; libyaml downgrades a request it cannot honour (plain to single
 * quotes, single quotes or a literal block to double quotes).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "str.h"
#include "yaml_out.h"
#include "yaml_tree.h"

static int to_strbuf(void *data, unsigned char *buffer, size_t size)
{
	strbuf_add(data, buffer, size);
	return 1;
}

static bool scalar(yaml_emitter_t *em, const char *s, size_t len)
{
	yaml_event_t ev;
	bool plain = y_plain_is_string(s, len);
	yaml_scalar_style_t style = memchr(s, '\n', len) ? YAML_LITERAL_SCALAR_STYLE
				  : plain ? YAML_ANY_SCALAR_STYLE
					  : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	/* The string type is implicit in quotes, and in plain text only when the
	 * text cannot be read as another type. */
	return yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, plain, 1,
					    style) &&
	       yaml_emitter_emit(em, &ev);
}

static bool emit(yaml_emitter_t *em, const struct ynode *n)
{
	yaml_event_t ev;
	switch (n->kind) {
	case Y_STR:
		return scalar(em, n->u.s.ptr, n->u.s.len);
	case Y_INT: {
		char buf[32];
		int len = snprintf(buf, sizeof buf, "%" PRId64, n->u.i);
		return yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)buf, len, 1, 0,
						    YAML_PLAIN_SCALAR_STYLE) &&
		       yaml_emitter_emit(em, &ev);
	}
	case Y_BOOL:
		return yaml_scalar_event_initialize(&ev, NULL, NULL,
						    (yaml_char_t *)(n->u.b ? "true" : "false"), -1, 1,
						    0, YAML_PLAIN_SCALAR_STYLE) &&
		       yaml_emitter_emit(em, &ev);
	case Y_SEQ:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) ||
		    !yaml_emitter_emit(em, &ev))
			return false;
		for (const struct ynode *k = n->u.kids.head; k; k = k->next)
			if (!emit(em, k))
				return false;
		return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(em, &ev);
	case Y_MAP:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
		    !yaml_emitter_emit(em, &ev))
			return false;
		for (const struct ynode *k = n->u.kids.head; k; k = k->next)
			if (!scalar(em, k->key, strlen(k->key)) || !emit(em, k))
				return false;
		return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(em, &ev);
	}
	return false;
}

bool y_write_libyaml(const struct ynode *root, struct strbuf *out)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	if (!yaml_emitter_initialize(&em))
		return false;
	yaml_emitter_set_output(&em, to_strbuf, out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_indent(&em, 2);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_break(&em, YAML_LN_BREAK);
	bool ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
		  yaml_emitter_emit(&em, &ev) &&
		  yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
		  yaml_emitter_emit(&em, &ev) && emit(&em, root) &&
		  yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev) &&
		  yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev) &&
		  yaml_emitter_flush(&em);
	yaml_emitter_delete(&em);
	return ok;
}
