/*
 * fleet.h - what the fleet checks (check_wasm.c) and the wasm target both
 * read of a fleet's mounts and export types, so that the files the checks
 * demand a source for are the files the target lists and copies.
 */
#ifndef ORCHC_FLEET_H
#define ORCHC_FLEET_H

#include <stdbool.h>

#include "str.h"

struct m_entity;

/** The file name of a mount on the device: its `path`, or its name. */
const char *fleet_mount_path(const struct m_entity *mnt);

/** "deployment", "execution" or "output" ("" when unset). */
const char *fleet_mount_stage(const struct m_entity *mnt);

/** The mount of `owner` (a module or an export), of the deployment stage,
 *  at `path`, or NULL. */
const struct m_entity *fleet_deployment_mount(const struct m_entity *owner, const char *path);

/** The mount of deployment `dep` that supplies the file at `path` (one with
 *  a source), or NULL. */
const struct m_entity *fleet_supplied(const struct m_entity *dep, const char *path);

/** Whether a declared type (as the model writes it) is file("..."). */
bool fleet_is_file(const char *type);

/** The media type of a file("...") type; empty for a plain file. */
struct str fleet_file_media(const char *type);

#endif
