/*
 * target.c - what every target reads from its context.
 */
#include "target.h"

#include "model.h"

#include <string.h>

const struct m_value *target_setting(const struct target_ctx *t, const char *field)
{
	return t->settings ? m_get(t->settings, field) : NULL;
}

const struct m_entity *target_settings_of(const struct m_program *prog, const char *name)
{
	for (uint32_t i = 0; i < prog->nentities; i++) {
		const struct m_entity *e = prog->entities[i];
		if (e->kind == KIND_TARGET && (!name || strcmp(e->name->name, name) == 0))
			return e;
	}
	return NULL;
}
