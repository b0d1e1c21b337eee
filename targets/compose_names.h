/*
 * compose_names.h - the names compose output gives things must not meet.
 *
 * The compose target makes names by joining: a service's own volume or
 * config is SERVICE-MOUNT, a secret's variable is STACK_SECRET.  Joined
 * names can meet (service a's volume b-c and service a-b's volume c), and
 * where they meet two things would silently become one: one volume, one
 * config file, one password.
 */
#ifndef ORCHC_COMPOSE_NAMES_H
#define ORCHC_COMPOSE_NAMES_H

#include <stdbool.h>

struct arena;
struct compose_text;
struct m_entity;

/** The compose name of a service's own volume or config: SERVICE-NAME. */
const char *compose_own_name(struct arena *a, const struct m_entity *workload,
			     const struct m_entity *mount);

/**
 * Reports E0908 for every name the stack's compose output would give to
 * two things, and returns whether there was none.  Linear in the stack
 * after a sort.
 */
bool compose_names_distinct(struct compose_text *ct, const struct m_entity *stack);

#endif
