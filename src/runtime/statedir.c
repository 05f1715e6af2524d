#include "statedir.h"
#include "crash_point.h"
#include "stockade/cleanup.h"
#include "stockade/container_id.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

void
sk_statedir_close (struct sk_statedir *sd)
{
  sk_closep (&sd->dirfd);
  free (sd->path);
  sd->path = NULL;
}

static int
mkdir_p (const char *path, mode_t mode, sk_error_t *err)
{
  cleanup_free char *copy = strdup (path);

  if (copy == NULL)
    return sk_error_set (err, ENOMEM, "--root");
  for (char *p = copy + 1; *p; p++)
    if (*p == '/')
      {
        *p = '\0';
        if (mkdir (copy, 0755) < 0 && errno != EEXIST)
          return sk_error_set (err, errno, "create state root `%s`", copy);
        *p = '/';
      }
  if (mkdir (copy, mode) < 0 && errno != EEXIST)
    return sk_error_set (err, errno, "create state root `%s`", copy);
  return 0;
}

static int
open_locked (const char *path, bool lock, struct sk_statedir *sd, const char *id, sk_error_t *err)
{
  struct stat st;

  sd->dirfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (sd->dirfd < 0)
    {
      if (errno == ENOENT)
        return sk_error_set (err, ENOENT, "container \"%s\" does not exist", id);
      return sk_error_set (err, errno, "open state directory `%s`", path);
    }
  if (lock)
    {
      int r;
      do
        r = flock (sd->dirfd, LOCK_EX);
      while (r < 0 && errno == EINTR);
      if (r < 0)
        return sk_error_set (err, errno, "lock state directory `%s`", path);
      /* A delete may have removed the directory while we waited. */
      if (fstat (sd->dirfd, &st) < 0 || st.st_nlink == 0)
        return sk_error_set (err, ENOENT, "container \"%s\" does not exist", id);
    }
  sd->path = strdup (path);
  if (sd->path == NULL)
    return sk_error_set (err, ENOMEM, "state directory");
  return 0;
}

int
sk_statedir_create (const char *root, const char *id, struct sk_statedir *sd, sk_error_t *err)
{
  cleanup_free char *path = NULL;

  sd->dirfd = -1;
  sd->path = NULL;
  if (sk_container_id_validate (id, err) < 0)
    return -1;
  if (mkdir_p (root, 0700, err) < 0)
    return -1;
  if (asprintf (&path, "%s/%s", root, id) < 0)
    return sk_error_set (err, ENOMEM, "state directory");
  if (mkdir (path, 0700) < 0)
    {
      if (errno == EEXIST)
        return sk_error_set (err, EEXIST, "container \"%s\" already exists", id);
      return sk_error_set (err, errno, "create state directory `%s`", path);
    }
  if (open_locked (path, true, sd, id, err) < 0)
    {
      rmdir (path);
      return -1;
    }
  return 0;
}

int
sk_statedir_open (const char *root, const char *id, bool lock, struct sk_statedir *sd, sk_error_t *err)
{
  cleanup_free char *path = NULL;

  sd->dirfd = -1;
  sd->path = NULL;
  if (sk_container_id_validate (id, err) < 0)
    return -1;
  if (asprintf (&path, "%s/%s", root, id) < 0)
    return sk_error_set (err, ENOMEM, "state directory");
  return open_locked (path, lock, sd, id, err);
}

bool
sk_statedir_is_locked (const struct sk_statedir *sd)
{
  cleanup_close int fd = -1;
  char self[32];

  /* A second open file description: flock conflicts with the holder's. */
  snprintf (self, sizeof self, "/proc/self/fd/%d", sd->dirfd);
  fd = open (self, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return false;
  if (flock (fd, LOCK_EX | LOCK_NB) < 0)
    return errno == EWOULDBLOCK;
  flock (fd, LOCK_UN);
  return false;
}

int
sk_statedir_write (const struct sk_statedir *sd, const char *name, const char *data, size_t len, sk_error_t *err)
{
  char tmp[128];
  cleanup_close int fd = -1;

  snprintf (tmp, sizeof tmp, ".%s.tmp", name);
  fd = openat (sd->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return sk_error_set (err, errno, "write %s/%s", sd->path, name);
  for (size_t off = 0; off < len;)
    {
      ssize_t w = write (fd, data + off, len - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          int saved = w < 0 ? errno : ENOSPC;
          unlinkat (sd->dirfd, tmp, 0);
          return sk_error_set (err, saved, "write %s/%s", sd->path, name);
        }
      off += (size_t) w;
    }
  {
    char point[160];
    snprintf (point, sizeof point, "before-rename-%s", name);
    sk_test_crash_point (point);
  }
  if (renameat (sd->dirfd, tmp, sd->dirfd, name) < 0)
    {
      int saved = errno;
      unlinkat (sd->dirfd, tmp, 0);
      return sk_error_set (err, saved, "replace %s/%s", sd->path, name);
    }
  return 0;
}

int
sk_statedir_read (const struct sk_statedir *sd, const char *name, char **data, size_t *len, sk_error_t *err)
{
  cleanup_close int fd = openat (sd->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  cleanup_free char *buf = NULL;
  size_t size = 0, used = 0;

  if (fd < 0)
    return sk_error_set (err, errno, "read %s/%s", sd->path, name);
  for (;;)
    {
      ssize_t r;
      if (used + 4096 + 1 > size)
        {
          char *nb = realloc (buf, size = (size ? size * 2 : 8192));
          if (nb == NULL)
            return sk_error_set (err, ENOMEM, "read %s/%s", sd->path, name);
          buf = nb;
        }
      r = read (fd, buf + used, size - used - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return sk_error_set (err, errno, "read %s/%s", sd->path, name);
      if (r == 0)
        break;
      used += (size_t) r;
    }
  buf[used] = '\0';
  *data = steal_pointer (&buf);
  *len = used;
  return 0;
}

bool
sk_statedir_has (const struct sk_statedir *sd, const char *name)
{
  struct stat st;
  return fstatat (sd->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int
sk_statedir_remove (struct sk_statedir *sd, sk_error_t *err)
{
  cleanup_close int fd = openat (sd->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d;
  struct dirent *de;

  if (fd < 0)
    return sk_error_set (err, errno, "open %s", sd->path);
  d = fdopendir (fd);
  if (d == NULL)
    return sk_error_set (err, errno, "open %s", sd->path);
  fd = -1;
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      unlinkat (sd->dirfd, de->d_name, 0);
  closedir (d);
  if (rmdir (sd->path) < 0 && errno != ENOENT)
    return sk_error_set (err, errno, "remove %s", sd->path);
  return 0;
}

int
sk_write_file_atomic (const char *path, const char *data, size_t len, sk_error_t *err)
{
  cleanup_free char *tmp = NULL;
  cleanup_close int fd = -1;

  if (asprintf (&tmp, "%s.stockade-tmp", path) < 0)
    return sk_error_set (err, ENOMEM, "%s", path);
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return sk_error_set (err, errno, "write `%s`", path);
  if (write (fd, data, len) != (ssize_t) len)
    {
      int saved = errno;
      unlink (tmp);
      return sk_error_set (err, saved ? saved : ENOSPC, "write `%s`", path);
    }
  if (rename (tmp, path) < 0)
    {
      int saved = errno;
      unlink (tmp);
      return sk_error_set (err, saved, "rename to `%s`", path);
    }
  return 0;
}
