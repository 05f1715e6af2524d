#include "stockade/linux/devices.h"
#include "stockade/cleanup.h"
#include "stockade/linux/safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct default_device
{
  const char *path;
  unsigned int major, minor;
};

static const struct default_device default_devices[] = {
  { "/dev/null", 1, 3 },   { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
  { "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static const struct
{
  const char *target;
  const char *link;
} default_links[] = {
  { "/proc/self/fd", "/dev/fd" },
  { "/proc/self/fd/0", "/dev/stdin" },
  { "/proc/self/fd/1", "/dev/stdout" },
  { "/proc/self/fd/2", "/dev/stderr" },
  { "pts/ptmx", "/dev/ptmx" },
};

/* Split `path` into an O_PATH fd on its parent (created inside the root) and
 * the last component. */
static int
open_parent (int rootfd, const char *path, const char **base, const char *what, sk_error_t *err)
{
  cleanup_free char *parent = NULL;
  const char *slash = strrchr (path, '/');

  *base = slash ? slash + 1 : path;
  if (**base == '\0' || strcmp (*base, ".") == 0 || strcmp (*base, "..") == 0)
    return sk_error_set (err, EINVAL, "%s: `%s` is not a device path", what, path);
  parent = slash ? strndup (path, (size_t) (slash - path)) : strdup ("/");
  if (parent == NULL)
    return sk_error_set (err, ENOMEM, "%s", what);
  return sk_mkdir_in_root (rootfd, parent, 0755, what, err);
}

static int
bind_host_node (int rootfd, const char *path, const char *what, sk_error_t *err)
{
  cleanup_close int target = sk_mkfile_in_root (rootfd, path, 0000, what, err);
  cleanup_close int tree = -1;

  if (target < 0)
    return -1;
  tree = open_tree (AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return sk_error_set (err, errno, "%s: host device `%s`", what, path);
  if (move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return sk_error_set (err, errno, "%s: bind `%s`", what, path);
  return 0;
}

static int
make_node (int rootfd, const char *path, mode_t type, dev_t dev, mode_t perm, uid_t uid, gid_t gid,
           bool bind_instead, const char *what, sk_error_t *err)
{
  cleanup_close int dirfd = -1;
  const char *base;

  if (bind_instead && type != S_IFIFO)
    return bind_host_node (rootfd, path, what, err);
  dirfd = open_parent (rootfd, path, &base, what, err);
  if (dirfd < 0)
    return -1;
  /* Whatever the image put there is replaced (never followed). */
  if (unlinkat (dirfd, base, 0) < 0 && errno != ENOENT && errno != EISDIR)
    return sk_error_set (err, errno, "%s: remove existing `%s`", what, path);
  if (mknodat (dirfd, base, type | perm, dev) < 0)
    {
      if (errno == EPERM && type != S_IFIFO)
        return bind_host_node (rootfd, path, what, err);
      return sk_error_set (err, errno, "%s: mknod `%s`", what, path);
    }
  if (fchownat (dirfd, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return sk_error_set (err, errno, "%s: chown `%s`", what, path);
  if (fchmodat (dirfd, base, perm, 0) < 0)
    return sk_error_set (err, errno, "%s: chmod `%s`", what, path);
  return 0;
}

static int
make_links (int rootfd, sk_error_t *err)
{
  for (size_t i = 0; i < sizeof default_links / sizeof default_links[0]; i++)
    {
      cleanup_close int dirfd = -1;
      const char *base;

      dirfd = open_parent (rootfd, default_links[i].link, &base, "/dev symlinks", err);
      if (dirfd < 0)
        return -1;
      if (symlinkat (default_links[i].target, dirfd, base) < 0 && errno != EEXIST)
        return sk_error_set (err, errno, "create symlink `%s`", default_links[i].link);
    }
  return 0;
}

static mode_t
device_type (char t)
{
  switch (t)
    {
    case 'b':
      return S_IFBLK;
    case 'p':
      return S_IFIFO;
    default: /* 'c' and 'u' (unbuffered char) */
      return S_IFCHR;
    }
}

int
sk_devices_create (int rootfd, const struct oci_device *devs, size_t n, bool bind_instead, sk_error_t *err)
{
  for (size_t i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++)
    {
      const struct default_device *d = &default_devices[i];
      if (make_node (rootfd, d->path, S_IFCHR, makedev (d->major, d->minor), 0666, 0, 0, bind_instead,
                     "default devices", err) < 0)
        return -1;
    }
  if (make_links (rootfd, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      const struct oci_device *d = &devs[i];
      char what[48];

      snprintf (what, sizeof what, "linux.devices[%zu]", i);
      if (make_node (rootfd, d->path, device_type (d->type),
                     makedev ((unsigned int) d->major, (unsigned int) d->minor),
                     d->file_mode.set ? (d->file_mode.v & 07777) : 0666, d->uid.set ? d->uid.v : 0,
                     d->gid.set ? d->gid.v : 0, bind_instead, what, err) < 0)
        return -1;
    }
  return 0;
}
