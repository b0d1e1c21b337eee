/*
 * variant.h - the products a `product` block stands for.
 *
 * A product whose fixed inputs list several values (`vendor = ["Cisco",
 * "Nokia"]`) stands for one product per value, or per combination of
 * values when several inputs list them: the variants.  Their text fields
 * may say `${vendor}`, which is each variant's value.  The catalogue checks
 * and the migrations target read products through here, so the names the
 * checks keep unique are the names the migrations insert.
 */
#ifndef ORCHC_VARIANT_H
#define ORCHC_VARIANT_H

#include <stddef.h>

struct arena;
struct m_entity;

struct variant {
	/* The product's identifier followed by this variant's values, without
	 * the characters an identifier cannot hold ("Node" + "Cisco":
	 * "NodeCisco"); the identifier itself for a product of one variant. */
	const char *identifier;
	/* Per entry of fixed_inputs, in order: the value this variant has. */
	const char **values;
};

/** The variants of product `p` (at least one), in the order of the values;
 *  *out is allocated from `a`. */
size_t product_variants(const struct m_entity *p, struct arena *a, struct variant **out);

/** Text field `field` of `p` as variant `v` has it (${input} replaced), or
 *  NULL when unset. */
const char *variant_text(const struct m_entity *p, const struct variant *v, const char *field,
			 struct arena *a);

#endif
