/* Idmapped mounts: which mounts get an id mapping, and whether the mappings
 * the config gives are usable.  Pure: unit-tested.
 *
 * The kernel side (helper user namespaces, open_tree + mount_setattr) is in
 * linux/idmap.c; the parent prepares the trees, the child attaches them. */
#ifndef STOCKADE_IDMAP_H
#define STOCKADE_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"

/* The kernel takes at most this many lines in uid_map/gid_map. */
#define SK_IDMAP_MAX_LINES 340

/* Every range non-empty, no overflow, no two ranges overlapping on either
 * side, at most SK_IDMAP_MAX_LINES.  `field` names the array in messages,
 * e.g. "mounts[3].uidMappings". */
int sk_idmap_check (const struct oci_id_mapping *m, size_t n, const char *field, sk_error_t *err);

/* How one mounts[] entry is idmapped. */
struct sk_mount_idmap
{
  bool wanted;          /* uidMappings/gidMappings or the idmap/ridmap option */
  bool recursive;       /* ridmap: every mount of an rbind tree, not only its top */
  bool container_maps;  /* no mappings of its own: the container's user namespace */
  bool parent_clones;   /* the runtime clones the source (every idmapped mount, and every bind mount of a
                           container with a user namespace, whose root may not reach the source) */
};

/* Decide for mounts[index] (options already parsed into is_bind/idmap_opt/
 * ridmap_opt).  Refused: an idmap on anything but a bind mount, only one of
 * uidMappings/gidMappings, bad ranges, and no mappings without a user
 * namespace to borrow them from (has_userns). */
int sk_mount_idmap_decide (const struct oci_mount *m, size_t index, bool is_bind, bool idmap_opt, bool ridmap_opt,
                           bool has_userns, struct sk_mount_idmap *out, sk_error_t *err);

/* The host id container id 0 maps to, or -1 when 0 is not mapped. */
int64_t sk_idmap_host_root (const struct oci_id_mapping *m, size_t n);

/* Two mapping arrays describe the same mapping (same lines, same order). */
bool sk_idmap_equal (const struct oci_id_mapping *a, size_t na, const struct oci_id_mapping *b, size_t nb);

/* The rootfs rule: a new user namespace whose root is not the rootfs's
 * owner gets an idmapped rootfs (files owned by host uid N show as
 * container uid N).  A rootfs already owned by the mapped root is used
 * as is.  `owner` is the rootfs directory's host uid. */
bool sk_rootfs_wants_idmap (const struct oci_linux *l, bool new_userns, uint32_t owner);

#endif
