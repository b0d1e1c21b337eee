/*
 * yaml_tree.h - the document tree behind yaml_out.h, shared by its two
 * writers: yaml_direct.c (the fast one) and yaml_libyaml.c (libyaml's
 * emitter, the reference and the fallback).
 */
#ifndef ORCHC_YAML_TREE_H
#define ORCHC_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

enum ykind { Y_MAP, Y_SEQ, Y_STR, Y_INT, Y_BOOL };

struct ynode {
	enum ykind kind;
	const char *key;     /* as an entry of a map */
	struct ynode *next;  /* next entry or item */
	union {
		struct {
			struct ynode *head, *tail;
			size_t len;
		} kids;
		struct {
			const char *ptr;
			size_t len;
		} s;
		int64_t i;
		bool b;
	} u;
};

/**
 * Writes the document exactly as libyaml's emitter would, byte for byte,
 * or returns false, having appended nothing, when a scalar is outside what
 * it handles (non-ASCII or control characters, keys over 128 bytes or with
 * line breaks, block scalars that need a keep indicator).
 */
bool y_write_direct(const struct ynode *root, struct strbuf *out);

/** Writes the document with libyaml's emitter; false if libyaml fails. */
bool y_write_libyaml(const struct ynode *root, struct strbuf *out);

#endif
