/*
 * diag.h - diagnostics: collected during compilation, sorted and rendered at
 * the end as text (for people) or JSON (for editors and CI).
 *
 * No stage prints.  A stage calls diag_report() and goes on; the driver
 * decides what reaches the terminal.
 */
#ifndef ORCHC_DIAG_H
#define ORCHC_DIAG_H

#include <stdbool.h>
#include <stdint.h>

#include "source.h"
#include "vec.h"

struct arena;
struct strbuf;

enum diag_severity { SEV_ERROR, SEV_WARNING };

enum diag_code {
#define X(code, sev, title, explain) code,
#include "diag_codes.def"
#undef X
	DIAG_CODE_COUNT
};

struct diag_note {
	struct diag_note *next;
	bool has_span;
	struct span span;
	const char *msg;
};

struct diag {
	enum diag_code code;
	enum diag_severity severity;
	bool has_span;
	struct span span;
	const char *msg;
	struct diag_note *notes, **notes_tail;
	const char *help; /* NULL when there is none */
	uint32_t seq;     /* report order, the tie-breaker when sorting */
};

struct diag_list {
	struct arena *arena;
	VEC(struct diag *) items;
	uint32_t errors, warnings;
};

/** Static facts about a code, from diag_codes.def. */
struct diag_info {
	const char *name; /* "E0103" */
	enum diag_severity severity;
	const char *title;
	const char *explanation;
};

extern const struct diag_info diag_table[DIAG_CODE_COUNT];

/** Looks a code up by name ("E0103", case-insensitive); NULL if unknown. */
const struct diag_info *diag_lookup(const char *name);

void diag_list_init(struct diag_list *l, struct arena *arena);
void diag_list_release(struct diag_list *l);

/** Records a diagnostic at `span`; message text lives in the arena. */
struct diag *diag_report(struct diag_list *l, enum diag_code code, struct span span,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Records a diagnostic about a whole file or no file (I/O errors). */
struct diag *diag_report_nospan(struct diag_list *l, enum diag_code code,
				const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Adds a note pointing at `span` ("first defined here"). */
void diag_note(struct diag_list *l, struct diag *d, struct span span,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Adds a note without a location. */
void diag_note_text(struct diag_list *l, struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Sets the help line (replaces an earlier one). */
void diag_help(struct diag_list *l, struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Sorts by file, then position, then report order; drops exact repeats. */
void diag_sort(struct diag_list *l);

struct diag_render_opts {
	bool color;
	uint32_t limit; /* at most this many errors are shown; 0 = no limit */
};

/** Appends the human-readable rendering of every diagnostic to `out`. */
void diag_render_text(struct diag_list *l, struct source_set *src,
		      const struct diag_render_opts *opts, struct strbuf *out);

/** Appends one JSON array of diagnostic objects (see orchc(1)) to `out`. */
void diag_render_json(struct diag_list *l, struct source_set *src,
		      const struct diag_render_opts *opts, struct strbuf *out);

#endif
