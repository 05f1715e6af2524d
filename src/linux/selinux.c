/* SELinux on the container's process: the exec label.  (Mount labels go
 * with each mount as fsconfig's "context" key, see mounts.c.) */
#include "stockade/linux/lsm.h"
#include "stockade/cleanup.h"
#include "stockade/selinux_label.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

bool
sk_selinux_enabled (void)
{
  struct statfs sfs;

  return statfs ("/sys/fs/selinux", &sfs) == 0 && (unsigned long) sfs.f_type == SELINUX_MAGIC;
}

int
sk_selinux_set_exec_label (int procfd, const char *label, sk_error_t *err)
{
  /* What setexeccon() writes, but through the verified procfs. */
  int r = sk_procfs_write_self (procfd, "attr/exec", label);

  if (r < 0)
    return sk_error_set (err, -r, "process.selinuxLabel: cannot set exec label \"%s\"", label);
  return 0;
}

static int
add_unique (char ***v, size_t *n, const char *s)
{
  char **grown;

  for (size_t i = 0; i < *n; i++)
    if (strcmp ((*v)[i], s) == 0)
      return 0;
  grown = realloc (*v, (*n + 2) * sizeof *grown);
  if (grown == NULL)
    return -1;
  *v = grown;
  if ((grown[*n] = strdup (s)) == NULL)
    return -1;
  grown[++*n] = NULL;
  return 0;
}

int
sk_selinux_levels_in_use (int procfd, char ***out, sk_error_t *err)
{
  cleanup_strv char **levels = calloc (1, sizeof *levels);
  int dirfd = openat (procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = dirfd >= 0 ? fdopendir (dirfd) : NULL;
  struct dirent *e;
  size_t n = 0;

  if (d == NULL)
    {
      int saved = errno;
      if (dirfd >= 0)
        close (dirfd);
      return sk_error_set (err, saved, "SELinux: list processes");
    }
  while (levels != NULL && (e = readdir (d)) != NULL)
    {
      /* The label a process runs with, and the one its next execve takes:
       * a created container's init holds its level only in attr/exec. */
      static const char *const attrs[] = { "current", "exec" };

      if (e->d_name[0] < '1' || e->d_name[0] > '9' || e->d_name[strspn (e->d_name, "0123456789")] != '\0')
        continue;
      for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        {
          char rel[300], label[4096];
          const char *level;

          snprintf (rel, sizeof rel, "%s/attr/%s", e->d_name, attrs[i]);
          /* Processes come and go while we look: a gone one holds nothing. */
          if (sk_procfs_read (procfd, rel, label, sizeof label) <= 0
              || (level = sk_selinux_label_level (label)) == NULL)
            continue;
          if (add_unique (&levels, &n, level) < 0)
            {
              closedir (d);
              return sk_error_set (err, ENOMEM, "SELinux levels");
            }
        }
    }
  closedir (d);
  if (levels == NULL)
    return sk_error_set (err, ENOMEM, "SELinux levels");
  *out = levels;
  levels = NULL;
  return 0;
}

int
sk_selinux_level_of (int procfd, pid_t pid, char **out, sk_error_t *err)
{
  char rel[64], label[4096];
  const char *level;
  ssize_t n;

  snprintf (rel, sizeof rel, "%d/attr/current", (int) pid);
  n = sk_procfs_read (procfd, rel, label, sizeof label);
  if (n < 0)
    return sk_error_set (err, (int) -n, "SELinux: label of process %d", (int) pid);
  if ((level = sk_selinux_label_level (label)) == NULL)
    return sk_error_set (err, EINVAL, "SELinux: process %d runs as \"%s\", which has no level", (int) pid, label);
  if ((*out = strdup (level)) == NULL)
    return sk_error_set (err, ENOMEM, "SELinux level");
  return 0;
}
