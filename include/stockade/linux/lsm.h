/* Linux security modules on the container's processes: the SELinux exec
 * label, the AppArmor profile and the profile's Landlock rules.
 *
 * The runtime (parent) decides what applies on this host with
 * sk_lsm_prepare(), before any side effect: SELinux off -> labels skipped
 * (debug log); AppArmor asked for but off -> error; Landlock lists but no
 * Landlock in the kernel -> warning.  The container's init and every exec'd
 * process then call sk_lsm_set_exec_labels() (while still root) and
 * sk_landlock_apply() (just before the seccomp filters). */
#ifndef STOCKADE_LINUX_LSM_H
#define STOCKADE_LINUX_LSM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "stockade/error.h"
#include "stockade/log.h"
#include "stockade/oci_config.h"

struct sk_lsm
{
  const char *selinux_label;    /* process.selinuxLabel; NULL: none, or SELinux is off */
  const char *mount_label;      /* linux.mountLabel; NULL likewise */
  const char *apparmor_profile; /* process.apparmorProfile; NULL: none */
  int landlock_abi;             /* 0: no Landlock */
  const char *const *landlock_ro, *const *landlock_rw;
  int proc_fd;                  /* the host's procfs root (verified), -1 when no label is written */
};

/* LANDLOCK_RO / LANDLOCK_RW: the profile's lists (NULL when it sets none).
 * The strings stay owned by P and the caller.  On failure nothing is held. */
int sk_lsm_prepare (const struct sk_log *log, const struct oci_process *p, const char *mount_label,
                    const char *const *landlock_ro, const char *const *landlock_rw, struct sk_lsm *out,
                    sk_error_t *err);
void sk_lsm_release (struct sk_lsm *l);

/* In the container's process, before the uid switch: the SELinux label and
 * AppArmor profile the next execve() takes.  Closes l->proc_fd. */
int sk_lsm_set_exec_labels (const struct sk_lsm *l, sk_error_t *err);

/* ---- procfs (proc_attr.c) ---- */

/* O_PATH fd on the root of a procfs mount at /proc (checked: procfs magic,
 * root inode), for writing our own attr files. */
int sk_procfs_open_root (sk_error_t *err);
/* Write VALUE to PROCFD/thread-self/REL, resolved without crossing a mount
 * (an attr file shadowed by a bind mount is refused, CVE-2019-16884) and
 * checked to be a procfs file.  Returns 0 or -errno (no message: callers
 * choose fallbacks by errno). */
int sk_procfs_write_self (int procfd, const char *rel, const char *value);
/* Read PROCFD/REL (same resolution, no procfs check: callers may pass a
 * copy for tests) into BUF, NUL-terminated, trailing NULs and newlines
 * dropped.  Returns the length or -errno. */
ssize_t sk_procfs_read (int procfd, const char *rel, char *buf, size_t size);

/* ---- SELinux (selinux.c) ---- */

/* selinuxfs mounted at /sys/fs/selinux: the test is_selinux_enabled() makes,
 * without loading libselinux (whose constructor probes the filesystems on
 * every run of the binary). */
bool sk_selinux_enabled (void);
int sk_selinux_set_exec_label (int procfd, const char *label, sk_error_t *err);
/* Every distinct MCS level the processes under PROCFD (a procfs root) run
 * with or will exec with (attr/current, attr/exec), NULL-terminated and
 * malloc'd: what SELinuxLevel=auto must avoid. */
int sk_selinux_levels_in_use (int procfd, char ***out, sk_error_t *err);
/* The level process PID runs with (malloc'd). */
int sk_selinux_level_of (int procfd, pid_t pid, char **out, sk_error_t *err);

/* ---- AppArmor (apparmor.c) ---- */

/* /sys/module/apparmor/parameters/enabled is Y and securityfs shows
 * /sys/kernel/security/apparmor (runc's test). */
bool sk_apparmor_enabled (void);
/* "exec PROFILE" to attr/apparmor/exec, or attr/exec on kernels without
 * the per-LSM directory. */
int sk_apparmor_set_exec_profile (int procfd, const char *profile, sk_error_t *err);

/* ---- Landlock (landlock.c) ---- */

/* The kernel's Landlock ABI version (>= 1), or -errno (ENOSYS: not built,
 * EOPNOTSUPP: disabled at boot). */
int sk_landlock_abi (void);
/* The filesystem access rights ABI handles (all of them denied unless a
 * rule grants them), and those granted below read-only paths. */
uint64_t sk_landlock_fs_handled (int abi);
uint64_t sk_landlock_fs_read_only (void);
/* Paths inside the current root: RO get read/execute, RW everything
 * handled.  Missing paths are skipped (they grant nothing).  Needs
 * no_new_privs or CAP_SYS_ADMIN. */
int sk_landlock_apply (int abi, const char *const *ro, const char *const *rw, sk_error_t *err);

#endif
