#ifndef STOCKADE_LINUX_ROOTFS_H
#define STOCKADE_LINUX_ROOTFS_H

#include <stdbool.h>

#include "stockade/error.h"

/* In the container's new mount namespace: stop propagation back to the host
 * (rslave, or rootfsPropagation), bind the rootfs onto itself so it is a mount
 * point, and return an O_PATH fd on it. */
int sk_rootfs_prepare (const char *rootfs, const char *propagation, sk_error_t *err);

/* Make the rootfs the container's "/": pivot_root, or with no_pivot (for
 * ramfs-rooted hosts) MS_MOVE + chroot.  The old root is detached. */
int sk_rootfs_enter (const char *rootfs, bool no_pivot, sk_error_t *err);

/* rootfsPropagation applied to the new "/" after the switch. */
int sk_rootfs_set_propagation (const char *propagation, sk_error_t *err);

#endif
