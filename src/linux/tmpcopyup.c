/* tmpcopyup (runc's mount option): a tmpfs mounted over a directory of the
 * image starts with a copy of what the image had there, so a read-only
 * rootfs with a writable /run keeps the image's /run/nginx.
 *
 * The copy walks the shadowed directory through fds only: every entry is
 * opened relative to its parent with O_NOFOLLOW, symbolic links are copied
 * as links and never followed, so a hostile image cannot point the copy at
 * anything outside the directory. */
#include "stockade/linux/mounts.h"
#include "stockade/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Deeper than this is not an image's /run: refuse rather than recurse. */
#define COPY_MAX_DEPTH 32

static int copy_dir (int src, int dst, unsigned depth, const char *where, sk_error_t *err);

/* An owner the container's user namespace cannot map (shown as the overflow
 * id) cannot be given to the copy: it stays the copier's (container root). */
static int
copy_owner (int dst, const char *name, const struct stat *st, const char *where, sk_error_t *err)
{
  if (fchownat (dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
    return sk_error_set (err, errno, "%s: tmpcopyup: chown `%s`", where, name);
  return 0;
}

static int
copy_times (int dst, const char *name, const struct stat *st)
{
  const struct timespec ts[2] = { st->st_atim, st->st_mtim };
  return utimensat (dst, name, ts, AT_SYMLINK_NOFOLLOW);
}

static int
copy_file (int src, int dst, const char *name, const struct stat *st, const char *where, sk_error_t *err)
{
  cleanup_close int in = openat (src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  cleanup_close int out = -1;
  char buf[65536];

  if (in < 0)
    return sk_error_set (err, errno, "%s: tmpcopyup: open `%s`", where, name);
  out = openat (dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
  if (out < 0)
    return sk_error_set (err, errno, "%s: tmpcopyup: create `%s`", where, name);
  for (;;)
    {
      ssize_t n = read (in, buf, sizeof buf), done = 0;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return sk_error_set (err, errno, "%s: tmpcopyup: read `%s`", where, name);
      if (n == 0)
        break;
      while (done < n)
        {
          ssize_t w = write (out, buf + done, (size_t) (n - done));
          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            return sk_error_set (err, errno, "%s: tmpcopyup: write `%s`", where, name);
          done += w;
        }
    }
  /* The mode again: creation honours the umask, and setuid bits need it. */
  if (fchmod (out, st->st_mode & 07777) < 0)
    return sk_error_set (err, errno, "%s: tmpcopyup: chmod `%s`", where, name);
  return 0;
}

static int
copy_entry (int src, int dst, const char *name, unsigned depth, const char *where, sk_error_t *err)
{
  struct stat st;

  if (fstatat (src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return sk_error_set (err, errno, "%s: tmpcopyup: stat `%s`", where, name);
  switch (st.st_mode & S_IFMT)
    {
    case S_IFDIR:
      {
        cleanup_close int s = -1, d = -1;

        if (mkdirat (dst, name, st.st_mode & 07777) < 0)
          return sk_error_set (err, errno, "%s: tmpcopyup: mkdir `%s`", where, name);
        s = openat (src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        d = openat (dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0 || d < 0)
          return sk_error_set (err, errno, "%s: tmpcopyup: open directory `%s`", where, name);
        if (copy_dir (s, d, depth + 1, where, err) < 0)
          return -1;
        if (fchmod (d, st.st_mode & 07777) < 0)
          return sk_error_set (err, errno, "%s: tmpcopyup: chmod `%s`", where, name);
        break;
      }
    case S_IFREG:
      if (copy_file (src, dst, name, &st, where, err) < 0)
        return -1;
      break;
    case S_IFLNK:
      {
        char target[PATH_MAX];
        ssize_t n = readlinkat (src, name, target, sizeof target - 1);

        if (n < 0)
          return sk_error_set (err, errno, "%s: tmpcopyup: readlink `%s`", where, name);
        target[n] = '\0';
        if (symlinkat (target, dst, name) < 0)
          return sk_error_set (err, errno, "%s: tmpcopyup: symlink `%s`", where, name);
        break;
      }
    case S_IFIFO:
    case S_IFCHR:
    case S_IFBLK:
      if (mknodat (dst, name, st.st_mode, st.st_rdev) < 0)
        return sk_error_set (err, errno, "%s: tmpcopyup: mknod `%s`", where, name);
      break;
    default:
      /* A socket is bound by a process that is not here: nothing to copy. */
      return 0;
    }
  if (copy_owner (dst, name, &st, where, err) < 0)
    return -1;
  copy_times (dst, name, &st);
  return 0;
}

static int
copy_dir (int src, int dst, unsigned depth, const char *where, sk_error_t *err)
{
  cleanup_close int fd = -1;
  DIR *d;
  struct dirent *e;
  int r = 0;

  if (depth > COPY_MAX_DEPTH)
    return sk_error_set (err, ELOOP, "%s: tmpcopyup: directories nested deeper than %d", where, COPY_MAX_DEPTH);
  /* fdopendir takes the fd: give it its own. */
  fd = openat (src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    return sk_error_set (err, errno, "%s: tmpcopyup: read the shadowed directory", where);
  fd = -1;
  errno = 0;
  while (r == 0 && (e = readdir (d)) != NULL)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      r = copy_entry (src, dst, e->d_name, depth, where, err);
      errno = 0;
    }
  if (r == 0 && errno != 0)
    r = sk_error_set (err, errno, "%s: tmpcopyup: read the shadowed directory", where);
  closedir (d);
  return r;
}

int
sk_mount_copy_up (int target, int tree, const char *where, sk_error_t *err)
{
  cleanup_close int src = openat (target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  /* The contents only: the tmpfs root keeps the owner and mode its mount
   * options gave it (container root), so a writable path stays writable. */
  if (src < 0)
    return sk_error_set (err, errno, "%s: tmpcopyup: open the shadowed directory", where);
  return copy_dir (src, tree, 0, where, err);
}
