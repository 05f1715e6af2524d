#ifndef STOCKADE_LINUX_ROOTFS_H
#define STOCKADE_LINUX_ROOTFS_H

#include <stdbool.h>

#include "stockade/error.h"

/* In the container's new mount namespace: stop propagation back to the host
 * (rslave, or rootfsPropagation), bind the rootfs onto itself so it is a mount
 * point (or attach `tree`, an idmapped clone prepared by the runtime, when
 * >= 0), and return an O_PATH fd on it.  Called by stage 1 while it still
 * has the host uid it started with, so the path needs no search permission
 * for the container's host uid. */
int sk_rootfs_prepare (const char *rootfs, const char *propagation, int tree, sk_error_t *err);

/* Make the rootfs (rootfd from sk_rootfs_prepare) the container's "/":
 * pivot_root, or with no_pivot (for ramfs-rooted hosts) MS_MOVE + chroot.
 * The old root is detached. */
int sk_rootfs_enter (int rootfd, bool no_pivot, sk_error_t *err);

/* rootfsPropagation applied to the new "/" after the switch. */
int sk_rootfs_set_propagation (const char *propagation, sk_error_t *err);

#endif
