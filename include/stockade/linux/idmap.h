/* Idmapped mounts, prepared in the host's namespaces.
 *
 * mount_setattr(MOUNT_ATTR_IDMAP) needs CAP_SYS_ADMIN in the user namespace
 * the filesystem was mounted in (the host's), so the runtime parent clones
 * each tree (open_tree(OPEN_TREE_CLONE)), idmaps it while it is detached and
 * hands the mount fd to the container's stage 1, which attaches it with
 * move_mount().  The parent, host root, also opens the paths: the bundle
 * need not be searchable by the container's unprivileged host uid. */
#ifndef STOCKADE_LINUX_IDMAP_H
#define STOCKADE_LINUX_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"

/* An fd on a fresh user namespace with exactly these maps (for a mount whose
 * uidMappings/gidMappings differ from the container's).  `where` names the
 * mount in errors. */
int sk_idmap_userns_open (const struct oci_id_mapping *uid, size_t n_uid, const struct oci_id_mapping *gid,
                          size_t n_gid, const char *where, sk_error_t *err);

struct sk_idmap_tree_opts
{
  bool clone_recursive;   /* rbind: clone the whole tree */
  uint64_t attr_set, attr_clr; /* MOUNT_ATTR_* (ro, nosuid, ...), applied like the clone */
  bool idmap_recursive;   /* ridmap: idmap every mount of the tree */
  int userns_fd;          /* the mapping to apply; -1: a plain clone */
};

/* A detached, idmapped clone of `path` (relative to dirfd). */
int sk_idmap_clone_tree (int dirfd, const char *path, const struct sk_idmap_tree_opts *o, const char *where,
                         sk_error_t *err);

/* A detached overlay mount equal to the overlay mounted at `rootfs`, built
 * over idmapped clones of its layers (an overlay mount cannot be idmapped
 * itself), mounted with the fsuid/fsgid of the container's root
 * (mounter_uid/gid, host ids) so overlayfs's own writes map through the
 * layers.  Refuses clearly what it cannot rebuild: a layer path that is not
 * absolute, data-only layers, rootfs below (not at) the overlay's mount
 * point, upperdir and workdir in different directories. */
int sk_idmap_overlay_tree (const char *rootfs, int userns_fd, uid_t mounter_uid, gid_t mounter_gid,
                           sk_error_t *err);

/* The rootfs path is the root of an overlay mount or lies inside one. */
bool sk_path_on_overlay (const char *path);

#endif
