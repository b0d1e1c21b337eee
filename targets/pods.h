/*
 * pods.h - the pods a build selects (--include, --exclude), as laconic's
 * deploy does.  A service or job outside any pod belongs to the pod named
 * after its stack.  Every target that writes stacks selects the same way.
 */
#ifndef ORCHC_PODS_H
#define ORCHC_PODS_H

#include <stdbool.h>
#include <stddef.h>

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
 * select too.  The services of a pod come one after another; only those of
 * the stack's own pod (its services outside pods, and a pod named like the
 * stack) can come back after other pods.
 */
void pods_each_selected(struct target_ctx *t, const struct m_entity *stack,
			void (*fn)(void *ctx, const struct m_entity *svc), void *ctx);

/* The pods pods_each_selected reaches, numbered in the order it first
 * reaches them. */
struct pod_order {
	const char *stack_pod, *last;
	size_t stack_index, last_index, count;
	bool stack_seen;
};

void pod_order_init(struct pod_order *o, const struct m_entity *stack);

/** The number of `pod` (0, 1, ...); a pod not reached before gets `count`. */
size_t pod_order_of(struct pod_order *o, const char *pod);

/**
 * Like pods_each_selected_pod, before any service is lowered: takes every
 * dependency as selected (it is, unless E0904 stops the build) and reports
 * nothing.
 */
void pods_each_expected_pod(const struct target_ctx *t, const struct m_entity *stack,
			    void (*fn)(void *ctx, const char *pod), void *ctx);

/**
 * Calls `fn` once for each pod of `stack` that pods_each_selected reaches,
 * in the order it first reaches them: the order of the compose files.
 */
void pods_each_selected_pod(struct target_ctx *t, const struct m_entity *stack,
			    void (*fn)(void *ctx, const char *pod), void *ctx);

#endif
