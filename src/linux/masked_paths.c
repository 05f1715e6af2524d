/* maskedPaths, readonlyPaths and root.readonly: applied after pivot_root,
 * resolved inside the container's root ("/" now), never following magic
 * links. */
#include "stockade/cleanup.h"
#include "stockade/linux/mounts.h"
#include "stockade/linux/safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int
open_root (sk_error_t *err)
{
  int fd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return sk_error_set (err, errno, "open container root");
  return fd;
}

static int
mask_dir (int target, const char *path, sk_error_t *err)
{
  cleanup_close int fsfd = fsopen ("tmpfs", FSOPEN_CLOEXEC);
  cleanup_close int mnt = -1;

  if (fsfd < 0 || fsconfig (fsfd, FSCONFIG_SET_STRING, "size", "0", 0) < 0
      || fsconfig (fsfd, FSCONFIG_SET_STRING, "nr_inodes", "1", 0) < 0
      || fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return sk_error_set (err, errno, "linux.maskedPaths: tmpfs for `%s`", path);
  mnt = fsmount (fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  if (mnt < 0 || move_mount (mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return sk_error_set (err, errno, "linux.maskedPaths: mask `%s`", path);
  return 0;
}

static int
mask_file (int target, int devnull_tree, const char *path, sk_error_t *err)
{
  cleanup_close int clone = open_tree (devnull_tree, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

  if (clone < 0 || move_mount (clone, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return sk_error_set (err, errno, "linux.maskedPaths: mask `%s`", path);
  return 0;
}

int
sk_mount_masked_paths (char *const *paths, int devnull_tree, sk_error_t *err)
{
  cleanup_close int root = -1;
  struct stat st;

  if (paths == NULL || paths[0] == NULL)
    return 0;
  /* The clone must really be the null device, whatever the image holds. */
  if (fstat (devnull_tree, &st) < 0 || !S_ISCHR (st.st_mode) || st.st_rdev != makedev (1, 3))
    return sk_error_set (err, EPERM, "linux.maskedPaths: /dev/null is not the null device");
  root = open_root (err);
  if (root < 0)
    return -1;
  for (size_t i = 0; paths[i] != NULL; i++)
    {
      cleanup_close int target = -1;
      int r;

      target = sk_open_in_root (root, paths[i], O_PATH, err);
      if (target < 0)
        {
          if ((*err)->status == ENOENT)
            {
              sk_error_release (err);
              continue;
            }
          return sk_error_wrap (err, "linux.maskedPaths[%zu]", i);
        }
      if (fstat (target, &st) < 0)
        return sk_error_set (err, errno, "linux.maskedPaths[%zu]: `%s`", i, paths[i]);
      if (S_ISDIR (st.st_mode))
        r = mask_dir (target, paths[i], err);
      else
        r = mask_file (target, devnull_tree, paths[i], err);
      if (r < 0)
        return -1;
    }
  return 0;
}

int
sk_mount_readonly_paths (char *const *paths, sk_error_t *err)
{
  cleanup_close int root = -1;

  if (paths == NULL || paths[0] == NULL)
    return 0;
  root = open_root (err);
  if (root < 0)
    return -1;
  for (size_t i = 0; paths[i] != NULL; i++)
    {
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                                             | MOUNT_ATTR_NOEXEC };
      cleanup_close int target = -1, tree = -1;

      target = sk_open_in_root (root, paths[i], O_PATH, err);
      if (target < 0)
        {
          if ((*err)->status == ENOENT)
            {
              sk_error_release (err);
              continue;
            }
          return sk_error_wrap (err, "linux.readonlyPaths[%zu]", i);
        }
      tree = open_tree (target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
      if (tree < 0 || mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0
          || move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return sk_error_set (err, errno, "linux.readonlyPaths[%zu]: `%s`", i, paths[i]);
    }
  return 0;
}

int
sk_remount_root_readonly (sk_error_t *err)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

  /* Only the root mount itself: /proc, /dev, volumes keep their own flags. */
  if (mount_setattr (AT_FDCWD, "/", 0, &attr, sizeof attr) < 0)
    return sk_error_set (err, errno, "root.readonly: remount / read-only");
  return 0;
}
