/*
 * pods.h - the pods a build selects (--include, --exclude), as laconic's
 * deploy does.  A service or job outside any pod belongs to the pod named
 * after its stack.  Every target that writes stacks selects the same way.
 */
#ifndef ORCHC_PODS_H
#define ORCHC_PODS_H

#include <stdbool.h>

struct m_entity;
struct target_ctx;

/** The pod of a service or job: its pod block, or its stack. */
const char *pod_of(const struct m_entity *svc);

/** True when the options select `pod`. */
bool pod_selected(const struct target_ctx *t, const char *pod);

/** Every --include and --exclude name is a pod of some stack (else E0905). */
bool pod_names_exist(struct target_ctx *t);

/** A selected service waits for no service of a pod left out (else E0904). */
bool pod_dependencies_selected(struct target_ctx *t, const struct m_entity *svc);

/**
 * Calls `fn` for each service and job of `stack` (pods included, in
 * declaration order) that the options select and whose dependencies they
 * select too.
 */
void pods_each_selected(struct target_ctx *t, const struct m_entity *stack,
			void (*fn)(void *ctx, const struct m_entity *svc), void *ctx);

#endif
