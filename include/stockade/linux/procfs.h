#ifndef STOCKADE_LINUX_PROCFS_H
#define STOCKADE_LINUX_PROCFS_H

#include "stockade/error.h"

#include <stddef.h>

/* Writes to procfs that cannot be redirected (CVE-2025-52881).
 *
 * Every file the runtime writes under /proc (sysctls, oom_score_adj,
 * uid_map/gid_map/setgroups, timens_offsets) is opened beneath a private,
 * detached procfs instance: nothing mounted over /proc or any file below it
 * (a bind mount from the config, a tmpfs the container put there) is
 * visible in it, and the file finally opened must itself be procfs. */

/* A verified procfs root fd (O_CLOEXEC): a fresh procfs instance, or a
 * non-recursive clone of the /proc mount, whose submounts (overmounts) are
 * left out. */
int sk_procfs_open_private (sk_error_t *err);

/* Open REL (e.g. "self/oom_score_adj", "sys/net/ipv4/ip_forward") beneath
 * PROCROOT without leaving procfs and without magic links; the result is
 * checked to be procfs. */
int sk_procfs_open_at (int procroot, const char *rel, int flags, sk_error_t *err);

/* Write all of DATA to REL beneath PROCROOT (or a fresh root when
 * PROCROOT < 0). */
int sk_procfs_write (int procroot, const char *rel, const char *data, size_t len, sk_error_t *err);

#endif
