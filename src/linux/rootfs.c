#include "stockade/linux/rootfs.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

struct propagation_entry
{
  const char *name;
  unsigned long flags;
};

static const struct propagation_entry propagation_table[] = {
  { "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
  { "shared", MS_SHARED },   { "rshared", MS_SHARED | MS_REC },
  { "slave", MS_SLAVE },     { "rslave", MS_SLAVE | MS_REC },
  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static unsigned long
propagation_flags (const char *name)
{
  for (size_t i = 0; name != NULL && i < sizeof propagation_table / sizeof propagation_table[0]; i++)
    if (strcmp (propagation_table[i].name, name) == 0)
      return propagation_table[i].flags;
  return 0;
}

int
sk_rootfs_prepare (const char *rootfs, const char *propagation, int tree, sk_error_t *err)
{
  unsigned long flags = propagation_flags (propagation);
  int fd;

  /* Nothing the container mounts may propagate to the host.  A requested
   * shared propagation is applied to the container's own "/" after the switch,
   * where it cannot reach back to host mounts. */
  if (flags == 0 || (flags & MS_SHARED))
    flags = MS_SLAVE | MS_REC;
  if (mount (NULL, "/", NULL, flags, NULL) < 0)
    return sk_error_set (err, errno, "linux.rootfsPropagation: set propagation of /");
  if (tree >= 0)
    {
      /* The idmapped clone the runtime prepared goes on top of the path. */
      if (move_mount (tree, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return sk_error_set (err, errno, "root.path: attach idmapped rootfs on `%s`", rootfs);
    }
  else if (mount (rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return sk_error_set (err, errno, "root.path: bind `%s`", rootfs);
  fd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return sk_error_set (err, errno, "root.path: open `%s`", rootfs);
  return fd;
}

/* By fd: the path to the rootfs may not be searchable by the container's
 * (unprivileged) host uid. */
static int
pivot_into (int rootfd, sk_error_t *err)
{
  cleanup_close int oldroot = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);

  if (oldroot < 0)
    return sk_error_set (err, errno, "root.path: open / for pivot_root");
  if (fchdir (rootfd) < 0)
    return sk_error_set (err, errno, "root.path: chdir");
  /* pivot_root(".", ".") stacks the old root on top of the new one; detaching
   * it then leaves only the container's tree, with no directory needed. */
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return sk_error_set (err, errno, "pivot_root into the rootfs");
  if (fchdir (oldroot) < 0)
    return sk_error_set (err, errno, "chdir to old root");
  /* Keep the detach from propagating to the host's mounts. */
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return sk_error_set (err, errno, "make old root rslave");
  if (umount2 (".", MNT_DETACH) < 0)
    return sk_error_set (err, errno, "detach old root");
  if (chdir ("/") < 0)
    return sk_error_set (err, errno, "chdir /");
  return 0;
}

static int
move_into (int rootfd, sk_error_t *err)
{
  if (fchdir (rootfd) < 0)
    return sk_error_set (err, errno, "root.path: chdir");
  if (mount (".", "/", NULL, MS_MOVE, NULL) < 0)
    return sk_error_set (err, errno, "--no-pivot: move the rootfs to /");
  if (chroot (".") < 0)
    return sk_error_set (err, errno, "--no-pivot: chroot");
  if (chdir ("/") < 0)
    return sk_error_set (err, errno, "chdir /");
  return 0;
}

int
sk_rootfs_enter (int rootfd, bool no_pivot, sk_error_t *err)
{
  return no_pivot ? move_into (rootfd, err) : pivot_into (rootfd, err);
}

int
sk_rootfs_set_propagation (const char *propagation, sk_error_t *err)
{
  unsigned long flags = propagation_flags (propagation);

  if (flags == 0)
    return 0;
  if (mount (NULL, "/", NULL, flags, NULL) < 0)
    return sk_error_set (err, errno, "linux.rootfsPropagation: `%s`", propagation);
  return 0;
}
