/* Redirect-proof procfs writes (CVE-2025-52881): see stockade/linux/procfs.h. */
#include "stockade/linux/procfs.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

/* procfs's root directory always has this inode number. */
#define PROC_ROOT_INO 1

static bool
is_procfs (int fd)
{
  struct statfs sfs;
  return fstatfs (fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

/* A new procfs instance for the caller's pid namespace, never attached. */
static int
fresh_procfs (void)
{
  cleanup_close int fsfd = fsopen ("proc", FSOPEN_CLOEXEC);

  if (fsfd < 0 || fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  return fsmount (fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

int
sk_procfs_open_private (sk_error_t *err)
{
  cleanup_close int fd = fresh_procfs ();
  struct stat st;

  /* Where a new instance is refused (a user namespace without a fully
   * visible /proc), clone the mounted one without its submounts. */
  if (fd < 0)
    fd = open_tree (AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (fd < 0)
    return sk_error_set (err, errno, "open a private procfs");
  if (!is_procfs (fd) || fstat (fd, &st) < 0 || st.st_ino != PROC_ROOT_INO)
    return sk_error_set (err, EPERM, "/proc is not the root of a procfs");
  return steal_fd (&fd);
}

int
sk_procfs_open_at (int procroot, const char *rel, int flags, sk_error_t *err)
{
  struct open_how how = {
    .flags = (uint64_t) (flags | O_CLOEXEC | O_NOCTTY),
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
  };
  cleanup_close int fd = -1;

  do
    fd = (int) syscall (SYS_openat2, procroot, rel, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  if (fd < 0)
    return sk_error_set (err, errno, "open /proc/%s", rel);
  if (!is_procfs (fd))
    return sk_error_set (err, EPERM, "/proc/%s is not a procfs file", rel);
  return steal_fd (&fd);
}

int
sk_procfs_write (int procroot, const char *rel, const char *data, size_t len, sk_error_t *err)
{
  cleanup_close int own = -1, fd = -1;
  ssize_t w;

  if (procroot < 0)
    {
      own = sk_procfs_open_private (err);
      if (own < 0)
        return -1;
      procroot = own;
    }
  fd = sk_procfs_open_at (procroot, rel, O_WRONLY, err);
  if (fd < 0)
    return -1;
  do
    w = write (fd, data, len);
  while (w < 0 && errno == EINTR);
  if (w != (ssize_t) len)
    return sk_error_set (err, w < 0 ? errno : EIO, "write /proc/%s", rel);
  return 0;
}
