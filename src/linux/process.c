#include "stockade/linux/process.h"
#include "stockade/cleanup.h"
#include "stockade/linux/procfs.h"
#include "stockade/linux/safe_path.h"

#include <linux/close_range.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int
sk_process_set_hostname (const struct oci_config *c, bool own_uts, sk_error_t *err)
{
  if ((c->hostname != NULL || c->domainname != NULL) && !own_uts)
    return sk_error_set (err, 0, "hostname: cannot set without a new uts namespace");
  if (c->hostname != NULL && sethostname (c->hostname, strlen (c->hostname)) < 0)
    return sk_error_set (err, errno, "hostname: `%s`", c->hostname);
  if (c->domainname != NULL && setdomainname (c->domainname, strlen (c->domainname)) < 0)
    return sk_error_set (err, errno, "domainname: `%s`", c->domainname);
  return 0;
}

int
sk_process_set_rlimits (const struct oci_process *p, sk_error_t *err)
{
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
      int res = oci_rlimit_from_name (p->rlimits[i].type);

      if (res < 0)
        return sk_error_set (err, 0, "process.rlimits[%zu].type: unknown \"%s\"", i, p->rlimits[i].type);
      if (setrlimit ((__rlimit_resource_t) res, &rl) < 0)
        return sk_error_set (err, errno, "process.rlimits[%zu]: set %s", i, p->rlimits[i].type);
    }
  return 0;
}

int
sk_process_set_oom_score_adj (const struct oci_process *p, sk_error_t *err)
{
  char buf[16];
  int len;

  if (!p->oom_score_adj.set)
    return 0;
  /* Through a private procfs: a mount over /proc/self/oom_score_adj must
   * not receive the write (CVE-2025-52881). */
  len = snprintf (buf, sizeof buf, "%d", p->oom_score_adj.v);
  if (sk_procfs_write (-1, "self/oom_score_adj", buf, (size_t) len, err) < 0)
    return sk_error_wrap (err, "process.oomScoreAdj: %d", p->oom_score_adj.v);
  return 0;
}

int
sk_process_switch_user (const struct oci_process *p, bool setgroups_allowed, sk_error_t *err)
{
  const struct oci_user *u = &p->user;

  if (setgroups_allowed)
    {
      if (setgroups (u->n_additional_gids, (const gid_t *) u->additional_gids) < 0)
        return sk_error_set (err, errno, "process.user.additionalGids");
    }
  else if (u->n_additional_gids > 0)
    return sk_error_set (err, EPERM, "process.user.additionalGids: setgroups is denied in this user namespace");
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return sk_error_set (err, errno, "process.user.gid: %u", u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return sk_error_set (err, errno, "process.user.uid: %u", u->uid);
  umask (u->umask.set ? (mode_t) (u->umask.v & 0777) : 022);
  return 0;
}

int
sk_process_enter_cwd (const struct oci_process *p, sk_error_t *err)
{
  cleanup_close int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int dir = -1;

  if (root < 0)
    return sk_error_set (err, errno, "open container root");
  dir = sk_mkdir_in_root (root, p->cwd, 0755, "process.cwd", err);
  if (dir < 0)
    return -1;
  if (fchdir (dir) < 0)
    return sk_error_set (err, errno, "process.cwd: chdir `%s`", p->cwd);
  return 0;
}

static const char *
env_lookup (char *const *env, const char *name)
{
  size_t len = strlen (name);
  for (size_t i = 0; env != NULL && env[i] != NULL; i++)
    if (strncmp (env[i], name, len) == 0 && env[i][len] == '=')
      return env[i] + len + 1;
  return NULL;
}

static bool
is_executable_file (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

int
sk_process_find_executable (const struct oci_process *p, char **out, sk_error_t *err)
{
  const char *name = p->args[0];
  const char *path_env;
  cleanup_free char *copy = NULL;
  char *save = NULL;

  if (strchr (name, '/') != NULL)
    {
      if (!is_executable_file (name))
        return sk_error_set (err, errno ? errno : EACCES, "process.args[0]: exec `%s`", name);
      *out = strdup (name);
      return *out ? 0 : sk_error_set (err, ENOMEM, "process.args[0]");
    }
  path_env = env_lookup (p->env, "PATH");
  copy = strdup (path_env ? path_env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  if (copy == NULL)
    return sk_error_set (err, ENOMEM, "process.args[0]");
  for (char *dir = strtok_r (copy, ":", &save); dir != NULL; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *candidate = NULL;
      if (asprintf (&candidate, "%s/%s", *dir ? dir : ".", name) < 0)
        return sk_error_set (err, ENOMEM, "process.args[0]");
      if (is_executable_file (candidate))
        {
          *out = steal_pointer (&candidate);
          return 0;
        }
    }
  return sk_error_set (err, ENOENT, "process.args[0]: `%s` not found in $PATH", name);
}

int
sk_process_prepare_fds (unsigned int preserve_fds, sk_error_t *err)
{
  unsigned int first = 3 + preserve_fds;

  /* Everything above the preserved range closes at execve, whatever it is;
   * the sync socket and exec fifo are still needed until then. */
  if (syscall (SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return sk_error_set (err, errno, "close_range");
  for (unsigned int fd = 3; fd < first; fd++)
    {
      int fl = fcntl ((int) fd, F_GETFD);
      if (fl < 0)
        return sk_error_set (err, errno, "--preserve-fds: fd %u is not open", fd);
      if (fcntl ((int) fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
        return sk_error_set (err, errno, "--preserve-fds: fd %u", fd);
    }
  return 0;
}
