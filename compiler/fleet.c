/*
 * fleet.c - the mounts and file types of a fleet, read alike by the
 * checks and the wasm target.
 */
#include "fleet.h"

#include <string.h>

#include "model.h"

const char *fleet_mount_path(const struct m_entity *mnt)
{
	const char *p = m_string(mnt, "path");
	return p ? p : mnt->name->name;
}

const char *fleet_mount_stage(const struct m_entity *mnt)
{
	const struct m_value *v = m_field(mnt, "stage");
	return v ? v->u.sym->name : "";
}

const struct m_entity *fleet_deployment_mount(const struct m_entity *owner, const char *path)
{
	for (uint32_t i = 0; i < owner->nchildren; i++) {
		const struct m_entity *mnt = owner->children[i];
		if (mnt->kind == KIND_MOUNT && strcmp(fleet_mount_stage(mnt), "deployment") == 0 &&
		    strcmp(fleet_mount_path(mnt), path) == 0)
			return mnt;
	}
	return NULL;
}

const struct m_entity *fleet_supplied(const struct m_entity *dep, const char *path)
{
	for (uint32_t i = 0; i < dep->nchildren; i++) {
		const struct m_entity *mnt = dep->children[i];
		if (mnt->kind == KIND_MOUNT && m_field(mnt, "source") &&
		    strcmp(fleet_mount_path(mnt), path) == 0)
			return mnt;
	}
	return NULL;
}

bool fleet_is_file(const char *type)
{
	return strncmp(type, "file(\"", 6) == 0;
}

struct str fleet_file_media(const char *type)
{
	const char *p = type + 6, *end = strchr(p, '"');
	return (struct str){ p, end ? (size_t)(end - p) : 0 };
}
