/* The container side of `create`, run in processes forked by the runtime:
 *
 *   stage 1 (plain fork of the runtime): joins namespaces given by path,
 *     unshares the user namespace (the parent writes its maps), unshares the
 *     rest, writes time offsets, then clones the init with CLONE_PARENT (so the
 *     runtime can wait for it) and exits;
 *   init: mounts, devices, pivot_root, paths, process attributes, credentials,
 *     then reports READY and blocks on the exec fifo until `start`.
 *
 * Every failure is sent to the parent as text over the sync socket. */
#ifndef STOCKADE_RUNTIME_INIT_H
#define STOCKADE_RUNTIME_INIT_H

#include <stdbool.h>

#include "stockade/linux/caps.h"
#include "stockade/log.h"
#include "stockade/oci_config.h"

struct sk_init_args
{
  const struct oci_config *cfg;
  const struct sk_log *log;
  const char *rootfs;            /* absolute host path */
  const char *bundle;            /* absolute; relative mount sources resolve here */
  int sync_fd;
  int state_dirfd;               /* holds the container lock: closed first */
  int fifo_fd;                   /* exec.fifo opened O_RDWR */
  int ns_fds[OCI_NS__COUNT];     /* namespaces to join, -1 when none */
  int new_ns_flags;              /* CLONE_NEW* to create */
  bool has_caps;
  struct sk_caps caps;
  bool no_pivot;
  unsigned int preserve_fds;
};

/* Body of the stage-1 child; the return value is its exit status. */
int sk_init_stage1 (const struct sk_init_args *a);

#endif
