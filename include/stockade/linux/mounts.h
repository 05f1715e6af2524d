/* Mounting config entries into the rootfs through the new mount API: sources
 * are opened (open_tree) or created (fsopen/fsmount) as detached mounts, then
 * attached with move_mount() onto an O_PATH fd of a target resolved inside the
 * rootfs.  No mount ever takes a path string inside the container. */
#ifndef STOCKADE_LINUX_MOUNTS_H
#define STOCKADE_LINUX_MOUNTS_H

#include <stdbool.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"

struct sk_mount_env
{
  int rootfd;           /* O_PATH fd on the container's rootfs mount */
  bool cgroupns;        /* the container has its own cgroup namespace */
  const char *mount_label; /* linux.mountLabel, NULL when none or SELinux is off */
  int *trees;           /* per mounts[] index: a tree the runtime prepared (taken) or -1; NULL when none */
};

int sk_mount_entry (const struct sk_mount_env *env, const struct oci_mount *m, size_t index, sk_error_t *err);

/* tmpcopyup: copy what the directory TARGET (an fd on it, inside the rootfs)
 * holds into the detached, still writable tmpfs TREE, through fds only. */
int sk_mount_copy_up (int target, int tree, const char *where, sk_error_t *err);

/* After pivot_root: mask and make read-only the configured paths. `devnull_tree`
 * is a detached clone of the host's /dev/null taken before pivot_root, so a
 * container that replaced its own /dev/null cannot redirect the mask
 * (CVE-2025-31133). */
int sk_mount_masked_paths (char *const *paths, int devnull_tree, sk_error_t *err);
int sk_mount_readonly_paths (char *const *paths, sk_error_t *err);
int sk_remount_root_readonly (sk_error_t *err);

#endif
