/* Reading and writing cgroupfs files, making and removing cgroup trees. */
#include "cgroup_internal.h"
#include "stockade/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void
sleep_ms (long ms)
{
  struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

int
sk_cg_write (const char *dir, const char *file, const char *value, const char *field, sk_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int fd = -1;
  size_t len = strlen (value);
  ssize_t w;

  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return sk_error_set (err, ENOMEM, "%s", field ? field : "cgroup");
  /* O_TRUNC is a no-op on cgroupfs (as runc uses it) and keeps a plain
   * file standing in for a cgroup in tests exact. */
  fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0)
    goto fail;
  /* cgroupfs takes one value per write(2); it is never partial. */
  do
    w = write (fd, value, len);
  while (w < 0 && errno == EINTR);
  if (w < 0)
    goto fail;
  return 0;

fail:
  if (field != NULL)
    return sk_error_set (err, errno, "%s: write %s", field, file);
  return sk_error_set (err, errno, "cgroup: write %s", path);
}

int
sk_cg_read (const char *dir, const char *file, char **out, sk_error_t *err)
{
  cleanup_free char *path = NULL, *buf = NULL;
  cleanup_close int fd = -1;
  size_t len = 0, cap = 4096;

  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return sk_error_set (err, ENOMEM, "cgroup");
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return sk_error_set (err, errno, "cgroup: open %s", path);
  buf = malloc (cap);
  if (buf == NULL)
    return sk_error_set (err, ENOMEM, "cgroup");
  for (;;)
    {
      ssize_t r;
      if (len + 1 >= cap)
        {
          char *grown = realloc (buf, cap * 2);
          if (grown == NULL)
            return sk_error_set (err, ENOMEM, "cgroup");
          buf = grown;
          cap *= 2;
        }
      r = read (fd, buf + len, cap - len - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return sk_error_set (err, errno, "cgroup: read %s", path);
      if (r == 0)
        break;
      len += (size_t) r;
    }
  while (len > 0 && buf[len - 1] == '\n')
    len--;
  buf[len] = '\0';
  *out = steal_pointer (&buf);
  return 0;
}

static int
parse_u64 (const char *s, uint64_t *v)
{
  char *end;

  if (strcmp (s, "max") == 0)
    {
      *v = UINT64_MAX;
      return 0;
    }
  if (*s < '0' || *s > '9')
    return -1;
  errno = 0;
  *v = strtoull (s, &end, 10);
  return errno != 0 || (*end != '\0' && *end != '\n' && *end != ' ') ? -1 : 0;
}

int
sk_cg_read_u64 (const char *dir, const char *file, uint64_t *v, sk_error_t *err)
{
  cleanup_free char *text = NULL;

  if (sk_cg_read (dir, file, &text, err) < 0)
    return -1;
  if (parse_u64 (text, v) < 0)
    return sk_error_set (err, EINVAL, "cgroup: %s/%s: not a number: \"%s\"", dir, file, text);
  return 0;
}

bool
sk_cg_has (const char *dir, const char *file)
{
  cleanup_free char *path = NULL;

  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return false;
  return access (path, F_OK) == 0;
}

bool
sk_cg_kv_u64 (const char *text, const char *key, uint64_t *v)
{
  size_t klen = strlen (key);

  for (const char *line = text; line != NULL && *line;)
    {
      if (strncmp (line, key, klen) == 0 && line[klen] == ' ')
        return parse_u64 (line + klen + 1, v) == 0;
      line = strchr (line, '\n');
      if (line != NULL)
        line++;
    }
  return false;
}

/* A new v1 cpuset starts with empty cpus/mems, and nothing can join it
 * until both are set: copy them down from the parent. */
static int
cpuset_inherit (const char *parent, const char *dir, sk_error_t *err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

  for (size_t i = 0; i < 2; i++)
    {
      cleanup_free char *cur = NULL, *up = NULL;
      if (sk_cg_read (dir, files[i], &cur, err) < 0)
        return -1;
      if (*cur != '\0')
        continue;
      if (sk_cg_read (parent, files[i], &up, err) < 0 || sk_cg_write (dir, files[i], up, NULL, err) < 0)
        return -1;
    }
  return 0;
}

int
sk_cg_mkdir_path (struct sk_cg_hier *h, bool cpuset_v1, sk_error_t *err)
{
  cleanup_free char *cur = strdup (h->mount), *parent = NULL;
  const char *p = h->path;

  if (cur == NULL)
    return sk_error_set (err, ENOMEM, "cgroup");
  h->created = false;
  while (*p)
    {
      size_t len;
      char *next;
      p += strspn (p, "/");
      len = strcspn (p, "/");
      if (len == 0)
        break;
      free (parent);
      parent = steal_pointer (&cur);
      if (asprintf (&next, "%s/%.*s", parent, (int) len, p) < 0)
        return sk_error_set (err, ENOMEM, "cgroup");
      cur = next;
      p += len;
      if (mkdir (cur, 0755) < 0)
        {
          if (errno != EEXIST)
            return sk_error_set (err, errno, "cgroup: mkdir %s", cur);
          h->created = false;
        }
      else
        h->created = true;
      if (cpuset_v1 && cpuset_inherit (parent, cur, err) < 0)
        return -1;
    }
  return 0;
}

struct pid_vec
{
  pid_t *v;
  size_t n, cap;
};

static int
collect_pids (int dirfd, const char *where, struct pid_vec *out, unsigned depth, sk_error_t *err)
{
  cleanup_file FILE *procs = NULL;
  int fd;
  DIR *d;
  struct dirent *e;
  long pid;

  if (depth > 64)
    return sk_error_set (err, ELOOP, "cgroup: %s: too deeply nested", where);
  fd = openat (dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return sk_error_set (err, errno, "cgroup: open %s/cgroup.procs", where);
  procs = fdopen (fd, "re");
  if (procs == NULL)
    {
      close (fd);
      return sk_error_set (err, errno, "cgroup: read %s/cgroup.procs", where);
    }
  while (fscanf (procs, "%ld", &pid) == 1)
    {
      if (out->n == out->cap)
        {
          size_t cap = out->cap ? out->cap * 2 : 32;
          pid_t *grown = realloc (out->v, cap * sizeof *grown);
          if (grown == NULL)
            return sk_error_set (err, ENOMEM, "cgroup");
          out->v = grown;
          out->cap = cap;
        }
      out->v[out->n++] = (pid_t) pid;
    }
  fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      return sk_error_set (err, saved, "cgroup: open %s", where);
    }
  while ((e = readdir (d)) != NULL)
    {
      int sub;
      if (e->d_type != DT_DIR || strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      sub = openat (dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (sub < 0)
        continue; /* removed meanwhile */
      if (collect_pids (sub, e->d_name, out, depth + 1, err) < 0)
        {
          close (sub);
          closedir (d);
          return -1;
        }
      close (sub);
    }
  closedir (d);
  return 0;
}

int
sk_cg_read_pids (const char *dir, pid_t **pids, size_t *n, sk_error_t *err)
{
  struct pid_vec v = { 0 };
  cleanup_close int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return sk_error_set (err, errno, "cgroup: open %s", dir);
  if (collect_pids (fd, dir, &v, 0, err) < 0)
    {
      free (v.v);
      return -1;
    }
  *pids = v.v;
  *n = v.n;
  return 0;
}

/* Sub-cgroups first; EBUSY lingers briefly after the last task exits, so
 * with wait it is retried for a while. */
static int
rmdir_tree (const char *dir, unsigned depth, bool wait, sk_error_t *err)
{
  DIR *d;
  struct dirent *e;

  if (depth > 64)
    return sk_error_set (err, ELOOP, "cgroup: %s: too deeply nested", dir);
  /* The usual case, a leaf with no process left, needs no listing. */
  if (rmdir (dir) == 0 || errno == ENOENT)
    return 0;
  d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : sk_error_set (err, errno, "cgroup: open %s", dir);
  while ((e = readdir (d)) != NULL)
    {
      cleanup_free char *sub = NULL;
      if (e->d_type != DT_DIR || strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      if (asprintf (&sub, "%s/%s", dir, e->d_name) < 0)
        {
          closedir (d);
          return sk_error_set (err, ENOMEM, "cgroup");
        }
      if (rmdir_tree (sub, depth + 1, wait, err) < 0)
        {
          closedir (d);
          return -1;
        }
    }
  closedir (d);
  for (int attempt = 0;; attempt++)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY || !wait || attempt >= 200)
        return sk_error_set (err, errno, "cgroup: rmdir %s", dir);
      sleep_ms (attempt < 20 ? 5 : 20);
    }
}

int
sk_cg_rmdir_tree (const char *dir, bool wait, sk_error_t *err)
{
  return rmdir_tree (dir, 0, wait, err);
}
