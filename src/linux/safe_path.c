#include "stockade/linux/safe_path.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
openat2_retry (int dirfd, const char *path, int flags, uint64_t resolve)
{
  struct open_how how = { .flags = (uint64_t) (flags | O_CLOEXEC), .resolve = resolve };
  int fd;

  do
    fd = (int) syscall (SYS_openat2, dirfd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

static int
openat2_scoped (int rootfd, const char *path, int flags)
{
  /* An empty or "/" path means the root itself. */
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  return openat2_retry (rootfd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

int
sk_open_in_root (int rootfd, const char *path, int flags, sk_error_t *err)
{
  int fd = openat2_scoped (rootfd, path, flags);
  if (fd < 0)
    return sk_error_set (err, errno, "open `%s` inside the rootfs", path);
  return fd;
}

void
sk_proc_fd_path (int fd, char buf[SK_PROC_FD_PATH_MAX])
{
  snprintf (buf, SK_PROC_FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

/* Walk `path` one component at a time from the root, creating what is missing.
 * Each component is created with mkdirat() on the O_PATH fd of its parent as
 * already resolved in the root, so a concurrent symlink swap cannot redirect
 * the creation outside the rootfs. */
int
sk_mkdir_in_root (int rootfd, const char *path, mode_t mode, const char *what, sk_error_t *err)
{
  cleanup_free char *copy = strdup (path);
  cleanup_close int cur = -1;
  char *save = NULL;

  if (copy == NULL)
    return sk_error_set (err, ENOMEM, "%s", what);
  /* Most targets exist: one lookup, the same the walk below ends with. */
  cur = openat2_scoped (rootfd, path, O_PATH | O_DIRECTORY);
  if (cur >= 0)
    return steal_fd (&cur);
  cur = openat2_scoped (rootfd, "/", O_PATH | O_DIRECTORY);
  if (cur < 0)
    return sk_error_set (err, errno, "%s: open rootfs", what);

  for (char *comp = strtok_r (copy, "/", &save); comp != NULL; comp = strtok_r (NULL, "/", &save))
    {
      /* Resolve the prefix up to and including this component, in the root. */
      size_t prefix_len = (size_t) (comp - copy) + strlen (comp);
      cleanup_free char *prefix = strndup (path, prefix_len);
      int next;

      if (prefix == NULL)
        return sk_error_set (err, ENOMEM, "%s", what);
      next = openat2_scoped (rootfd, prefix, O_PATH | O_DIRECTORY);
      if (next < 0 && errno == ENOENT)
        {
          if (strcmp (comp, "..") == 0)
            return sk_error_set (err, ENOENT, "%s: `%s`", what, path);
          if (mkdirat (cur, comp, mode) < 0 && errno != EEXIST)
            return sk_error_set (err, errno, "%s: create `%s` inside the rootfs", what, prefix);
          next = openat2_scoped (rootfd, prefix, O_PATH | O_DIRECTORY);
        }
      if (next < 0)
        return sk_error_set (err, errno, "%s: `%s` inside the rootfs", what, prefix);
      close (cur);
      cur = next;
    }
  return steal_fd (&cur);
}

int
sk_mkfile_in_root (int rootfd, const char *path, mode_t mode, const char *what, sk_error_t *err)
{
  cleanup_free char *parent = NULL;
  cleanup_close int dirfd = -1;
  const char *slash, *base;
  int fd;

  fd = openat2_scoped (rootfd, path, O_PATH);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return sk_error_set (err, errno, "%s: `%s` inside the rootfs", what, path);

  slash = strrchr (path, '/');
  base = slash ? slash + 1 : path;
  if (*base == '\0' || strcmp (base, ".") == 0 || strcmp (base, "..") == 0)
    return sk_error_set (err, EINVAL, "%s: `%s` is not a file path", what, path);
  parent = slash ? strndup (path, (size_t) (slash - path)) : strdup ("/");
  if (parent == NULL)
    return sk_error_set (err, ENOMEM, "%s", what);
  dirfd = sk_mkdir_in_root (rootfd, parent, 0755, what, err);
  if (dirfd < 0)
    return -1;
  /* The parent was resolved inside the root; O_NOFOLLOW keeps a symlink planted
   * as the last component from being followed by O_CREAT. */
  fd = openat (dirfd, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0 && errno != EEXIST)
    return sk_error_set (err, errno, "%s: create `%s` inside the rootfs", what, path);
  if (fd >= 0)
    close (fd);
  fd = openat2_scoped (rootfd, path, O_PATH);
  if (fd < 0)
    return sk_error_set (err, errno, "%s: `%s` inside the rootfs", what, path);
  return fd;
}

int
sk_mkdir_beneath (int dirfd, const char *name, mode_t mode, const char *what, sk_error_t *err)
{
  int fd;

  if (*name == '\0' || strchr (name, '/') != NULL || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return sk_error_set (err, EINVAL, "%s: `%s` is not a directory name", what, name);
  if (mkdirat (dirfd, name, mode) < 0 && errno != EEXIST)
    return sk_error_set (err, errno, "%s: create `%s`", what, name);
  fd = openat2_retry (dirfd, name, O_PATH | O_DIRECTORY, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (fd < 0)
    return sk_error_set (err, errno, "%s: `%s`", what, name);
  return fd;
}
