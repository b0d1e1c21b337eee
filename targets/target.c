/*
 * target.c - what every target reads from its context.
 */
#include "target.h"

#include "model.h"

const struct m_value *target_setting(const struct target_ctx *t, const char *field)
{
	return t->settings ? m_get(t->settings, field) : NULL;
}
