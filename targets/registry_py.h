/*
 * registry_py.h - the Python registration module an orchestrator-core
 * application otherwise writes by hand: product names for
 * SUBSCRIPTION_MODEL_REGISTRY, LazyWorkflowInstance lines, the usable-in
 * map and the schedules, from the same catalogue as the migrations, so
 * names cannot drift between the database and the code.
 */
#ifndef ORCHC_REGISTRY_PY_H
#define ORCHC_REGISTRY_PY_H

struct m_entity;
struct target_ctx;

/** Adds `dir`/registry.py for catalog `cat`. */
void registry_py(struct target_ctx *t, const struct m_entity *cat, const char *dir);

#endif
