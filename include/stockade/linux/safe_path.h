/* Path work inside a hostile rootfs: every lookup is an openat2() scoped to the
 * rootfs fd (RESOLVE_IN_ROOT) that refuses /proc magic links, so a symlink in
 * the image can never lead outside it (CVE-2021-30465, CVE-2024-21626). */
#ifndef STOCKADE_LINUX_SAFE_PATH_H
#define STOCKADE_LINUX_SAFE_PATH_H

#include <sys/types.h>

#include "stockade/error.h"

/* openat2(rootfd, path, flags|O_CLOEXEC, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS). */
int sk_open_in_root (int rootfd, const char *path, int flags, sk_error_t *err);

/* Create every missing directory of `path` inside the root and return an O_PATH
 * fd on the last one.  `what` names the config field for messages. */
int sk_mkdir_in_root (int rootfd, const char *path, mode_t mode, const char *what, sk_error_t *err);

/* Like sk_mkdir_in_root for the parents, then create `path` as an empty regular
 * file if missing; returns an O_PATH fd on it. */
int sk_mkfile_in_root (int rootfd, const char *path, mode_t mode, const char *what, sk_error_t *err);

/* Create the directory NAME (one path component) in DIRFD unless it exists,
 * and return an O_PATH fd on it, opened without following any symlink and
 * without leaving DIRFD (RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS).  For a
 * directory the runtime made itself, such as a fresh tmpfs's root: one
 * lookup instead of a walk from the rootfs. */
int sk_mkdir_beneath (int dirfd, const char *name, mode_t mode, const char *what, sk_error_t *err);

/* fd -> "/proc/self/fd/N" for APIs that only take paths. */
#define SK_PROC_FD_PATH_MAX 32
void sk_proc_fd_path (int fd, char buf[SK_PROC_FD_PATH_MAX]);

#endif
