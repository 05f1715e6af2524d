/* The container side of `create`, run in processes forked by the runtime:
 *
 *   stage 1 (plain fork of the runtime): joins namespaces given by path,
 *     unshares the user namespace (the parent writes its maps), receives the
 *     idmapped trees the parent prepared, unshares the rest, writes time
 *     offsets, binds (or attaches the idmapped) rootfs while it still has its
 *     host uid, becomes root of the user namespace, then clones the init with
 *     CLONE_PARENT (so the runtime can wait for it) and exits;
 *   init: mounts, devices, pivot_root, paths, process attributes, credentials,
 *     then reports READY and blocks on the exec fifo until `start`.
 *
 * Every failure is sent to the parent as text over the sync socket. */
#ifndef STOCKADE_RUNTIME_INIT_H
#define STOCKADE_RUNTIME_INIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "stockade/linux/caps.h"
#include "stockade/linux/lsm.h"
#include "stockade/linux/seccomp.h"
#include "stockade/log.h"
#include "stockade/oci_config.h"

struct sk_init_args
{
  const struct oci_config *cfg;
  const struct sk_log *log;
  const char *rootfs;            /* absolute host path */
  const char *bundle;            /* absolute; relative mount sources resolve here */
  const char *id;
  int sync_fd;
  int state_dirfd;               /* holds the container lock: closed first */
  int fifo_fd;                   /* exec.fifo opened O_RDWR */
  int console_fd;                /* connected --console-socket, or -1: send the pty master to the parent */
  int ns_fds[OCI_NS__COUNT];     /* namespaces to join, -1 when none */
  int new_ns_flags;              /* CLONE_NEW* to create */
  bool has_caps;
  struct sk_caps caps;
  const struct sk_seccomp *seccomp; /* built by the parent; NULL when none */
  const struct sk_seccomp *profile_seccomp; /* the profile's filter, stacked on top */
  mode_t caller_umask;           /* for createContainer hooks */
  bool no_pivot;
  unsigned int preserve_fds;
  struct sk_lsm lsm;             /* what sk_lsm_prepare decided applies */
  bool want_idmap;               /* the parent prepares idmapped trees (rootfs and/or mounts) */
  /* Set by stage 1 for the init: */
  int rootfd;                    /* O_PATH on the prepared rootfs mount */
  int *mount_trees;              /* per mounts[] index: idmapped tree or -1; NULL when none */
  /* Set by the init: */
  bool in_cgroup;                /* the parent has moved us into the container's cgroup (GO) */
};

/* Steps shared by the init and `exec`, in the order the kernel forces:
 * rlimits, oom score, cwd, executable lookup, SELinux/AppArmor exec labels,
 * bounding set, uid/gid, final capabilities, no_new_privs, fd hygiene,
 * Landlock, seccomp (Landlock and seccomp before the bounding set when
 * no_new_privs is off: they need CAP_SYS_ADMIN then).  caps may be NULL. */
int sk_init_finish_process (const struct oci_process *p, const struct sk_caps *caps, unsigned int preserve_fds,
                            const struct sk_seccomp *seccomp, const struct sk_seccomp *profile_seccomp,
                            const struct sk_lsm *lsm, int sync_fd, char **exe, sk_error_t *err);
/* Allocate the pty and send its master to console_fd, or to the parent over
 * sync_fd when console_fd < 0. */
int sk_init_hand_over_terminal (const struct oci_process *p, bool mount_console, int console_fd, int sync_fd,
                                sk_error_t *err);

/* Body of the stage-1 child; the return value is its exit status. */
int sk_init_stage1 (const struct sk_init_args *a);

#endif
