/* Idmapped trees for `create`: decided and refused before any side effect
 * (sk_idmap_plan_make), prepared by the parent in the host namespaces once
 * the container's user namespace exists (sk_idmap_send_trees, on
 * SK_SYNC_IDMAP_REQ), received by stage 1 (sk_idmap_receive_trees), which
 * attaches the rootfs tree and leaves the mount trees to the init. */
#ifndef STOCKADE_RUNTIME_IDMAP_TREES_H
#define STOCKADE_RUNTIME_IDMAP_TREES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stockade/error.h"
#include "stockade/idmap.h"
#include "stockade/log.h"
#include "stockade/oci_config.h"

struct sk_idmap_plan
{
  bool rootfs;          /* idmap the rootfs with the container's mapping */
  bool rootfs_overlay;  /* the rootfs is an overlay: rebuild it over idmapped layers */
  size_t n_mounts;
  struct sk_mount_idmap *mounts; /* one per mounts[] entry */
  bool any;             /* some tree is prepared by the parent */
  bool has_userns;      /* the container has a user namespace of its own (new or joined) */
};

/* new_ns_flags: CLONE_NEW* the container creates; joins_userns: it joins
 * one by path.  Logs the rootfs decision at debug. */
int sk_idmap_plan_make (const struct oci_config *c, const char *rootfs, int new_ns_flags, bool joins_userns,
                        const struct sk_log *log, struct sk_idmap_plan *p, sk_error_t *err);
void sk_idmap_plan_clear (struct sk_idmap_plan *p);

/* Parent: clone every planned tree (idmapped where asked; relative mount
 * sources resolve in bundle) and send each to stage 1, then
 * SK_SYNC_IDMAP_DONE. */
int sk_idmap_send_trees (int sync_fd, pid_t stage1, const struct oci_config *c, const char *bundle,
                         const char *rootfs, const struct sk_idmap_plan *p, sk_error_t *err);

/* Stage 1: ask for the trees and collect them: *rootfs_tree (or -1) and
 * mount_trees[i] (n_mounts entries, -1 where none). */
int sk_idmap_receive_trees (int sync_fd, int *rootfs_tree, int *mount_trees, size_t n_mounts, sk_error_t *err);

#endif
