/* Our own /proc attr files, written through a procfs that cannot be faked. */
#include "stockade/cleanup.h"
#include "stockade/linux/lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#define PROC_ROOT_INO 1

int
sk_procfs_open_root (sk_error_t *err)
{
  int fd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  struct statfs sfs;
  struct stat st;

  if (fd < 0)
    return sk_error_set (err, errno, "open /proc");
  if (fstatfs (fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC || fstat (fd, &st) < 0 || st.st_ino != PROC_ROOT_INO)
    {
      close (fd);
      return sk_error_set (err, EPERM, "/proc is not the root of a procfs mount");
    }
  return fd;
}

int
sk_procfs_write_self (int procfd, const char *rel, const char *value)
{
  struct open_how how = {
    .flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
  };
  char path[128];
  cleanup_close int fd = -1;
  struct statfs sfs;
  size_t len = strlen (value);
  ssize_t n;

  if ((size_t) snprintf (path, sizeof path, "thread-self/%s", rel) >= sizeof path)
    return -ENAMETOOLONG;
  fd = (int) syscall (SYS_openat2, procfd, path, &how, sizeof how);
  if (fd < 0)
    return -errno;
  if (fstatfs (fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return -EPERM;
  do
    n = write (fd, value, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -errno;
  return (size_t) n == len ? 0 : -EIO;
}

ssize_t
sk_procfs_read (int procfd, const char *rel, char *buf, size_t size)
{
  struct open_how how = {
    .flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
  };
  cleanup_close int fd = (int) syscall (SYS_openat2, procfd, rel, &how, sizeof how);
  ssize_t n;

  if (fd < 0)
    return -errno;
  do
    n = read (fd, buf, size - 1);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -errno;
  while (n > 0 && (buf[n - 1] == '\0' || buf[n - 1] == '\n'))
    n--;
  buf[n] = '\0';
  return n;
}
