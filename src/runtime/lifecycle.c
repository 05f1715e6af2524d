/* start, kill, delete, state and list: commands that act on a recorded
 * container. */
#include "create.h"
#include "hooks.h"
#include "statedir.h"
#include "status.h"
#include "stockade/cleanup.h"
#include "stockade/linux/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

static int
load_state (const struct sk_statedir *sd, struct sk_state **out, sk_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;

  *out = NULL;
  if (!sk_statedir_has (sd, SK_STATE_FILE))
    return 0; /* being created, or a create that died before recording it */
  if (sk_statedir_read (sd, SK_STATE_FILE, &data, &len, err) < 0)
    {
      const char *slash = strrchr (sd->path, '/');
      if ((*err)->status != ENOENT)
        return -1;
      /* Deleted between the two looks. */
      sk_error_release (err);
      return sk_error_set (err, ENOENT, "container \"%s\" does not exist", slash ? slash + 1 : sd->path);
    }
  if (sk_state_from_json (data, len, out, err) < 0)
    return sk_error_wrap (err, "%s/%s", sd->path, SK_STATE_FILE);
  return 0;
}

/* poststart and poststop failures are warnings: the container's lifecycle
 * goes on (runtime-spec). */
static void
run_warning_hooks (const struct sk_context *ctx, const struct sk_statedir *sd, const struct sk_state *s,
                   bool poststart)
{
  cleanup_config struct oci_config *c = NULL;
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *data = NULL, *state = NULL;
  const struct oci_hook_list *list;
  size_t len;

  if (s == NULL || (s->post_hooks != NULL && strstr (s->post_hooks, poststart ? "poststart" : "poststop") == NULL))
    return;
  if (sk_statedir_read (sd, SK_CONFIG_FILE, &data, &len, &err) < 0
      || oci_config_parse_data (data, len, &c, &err) < 0)
    return;
  list = poststart ? &c->hooks.poststart : &c->hooks.poststop;
  if (list->n == 0)
    return;
  if (sk_state_render (s, poststart ? "running" : "stopped", false, &state, &len, &err) < 0
      || sk_hooks_run (list, poststart ? "poststart" : "poststop", state, &err) < 0)
    sk_log_warn (ctx->log, "%s", sk_error_msg (&err));
}

int
sk_start_locked (const struct sk_context *ctx, const char *id, const struct sk_statedir *sd, sk_error_t *err)
{
  cleanup_state struct sk_state *s = NULL;
  cleanup_close int fd = -1, watch = -1;
  ssize_t w;

  /* ENXIO: no reader, the init is gone.  Opened before our own read end,
   * which would otherwise count as a reader. */
  fd = openat (sd->dirfd, SK_EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENXIO)
        return sk_error_set (err, 0, "cannot start container \"%s\": its init process has exited", id);
      return sk_error_set (err, errno, "cannot start container \"%s\": open exec fifo", id);
    }
  /* Our read end sees POLLHUP once no writer is left: the init holds its
   * end until execve (or death). */
  watch = openat (sd->dirfd, SK_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  do
    w = write (fd, "0", 1);
  while (w < 0 && errno == EINTR);
  if (w != 1)
    return sk_error_set (err, errno, "cannot start container \"%s\": release init", id);
  sk_closep (&fd);
  /* No events asked: the byte still pending (POLLIN) must not wake us, only
   * the last writer's close (POLLHUP), without a polling sleep. */
  if (watch >= 0)
    {
      struct pollfd pfd = { .fd = watch, .events = 0 };
      while (poll (&pfd, 1, -1) < 0 && errno == EINTR)
        ;
    }
  /* Its absence is what tells "running" from "created" from now on. */
  if (unlinkat (sd->dirfd, SK_EXEC_FIFO, 0) < 0)
    return sk_error_set (err, errno, "remove exec fifo");
  if (load_state (sd, &s, err) < 0)
    return -1;
  run_warning_hooks (ctx, sd, s, true);
  return 0;
}

void
sk_start_poststart (const struct sk_context *ctx, const struct sk_statedir *sd)
{
  cleanup_state struct sk_state *s = NULL;
  cleanup_error sk_error_t err = NULL;

  if (load_state (sd, &s, &err) < 0)
    sk_log_warn (ctx->log, "%s", sk_error_msg (&err));
  else
    run_warning_hooks (ctx, sd, s, true);
}

int
sk_container_start (const struct sk_context *ctx, const char *id, sk_error_t *err)
{
  cleanup_statedir struct sk_statedir sd = { .dirfd = -1 };
  cleanup_state struct sk_state *s = NULL;
  const char *status;

  if (sk_statedir_open (ctx->root, id, true, &sd, err) < 0 || load_state (&sd, &s, err) < 0)
    return -1;
  status = sk_status_of (&sd, s);
  if (strcmp (status, "created") != 0)
    return sk_error_set (err, 0, "cannot start container \"%s\" in the %s state", id, status);
  return sk_start_locked (ctx, id, &sd, err);
}

/* Every process in the init's pid namespace (only the init when the
 * container shares the host's). */
static int
kill_all (const struct sk_state *s, int sig, sk_error_t *err)
{
  char path[64], init_ns[64], ns[64];
  DIR *d;
  struct dirent *de;
  ssize_t n;

  snprintf (path, sizeof path, "/proc/%d/ns/pid", s->pid);
  n = readlink (path, init_ns, sizeof init_ns - 1);
  if (n < 0)
    return sk_error_set (err, errno, "read pid namespace of %d", s->pid);
  init_ns[n] = '\0';
  snprintf (path, sizeof path, "/proc/self/ns/pid");
  n = readlink (path, ns, sizeof ns - 1);
  if (n > 0 && (ns[n] = '\0', strcmp (ns, init_ns) == 0))
    return kill (s->pid, sig) < 0 ? sk_error_set (err, errno, "kill %d", s->pid) : 0;
  d = opendir ("/proc");
  if (d == NULL)
    return sk_error_set (err, errno, "open /proc");
  while ((de = readdir (d)) != NULL)
    {
      int pid = atoi (de->d_name);
      if (pid <= 0)
        continue;
      snprintf (path, sizeof path, "/proc/%d/ns/pid", pid);
      n = readlink (path, ns, sizeof ns - 1);
      if (n > 0 && (ns[n] = '\0', strcmp (ns, init_ns) == 0))
        kill (pid, sig);
    }
  closedir (d);
  return 0;
}

int
sk_container_kill (const struct sk_context *ctx, const char *id, int sig, bool all, sk_error_t *err)
{
  cleanup_statedir struct sk_statedir sd = { .dirfd = -1 };
  cleanup_state struct sk_state *s = NULL;

  if (sk_statedir_open (ctx->root, id, true, &sd, err) < 0 || load_state (&sd, &s, err) < 0)
    return -1;
  /* runc's words: containerd's shim recognises "container not running"
   * (and "does not exist") and treats the kill as done, not as a failure. */
  if (s == NULL || !sk_state_pid_alive (s))
    return sk_error_set (err, 0, "cannot signal container \"%s\": container not running", id);
  if (all && s->cgroup_path != NULL)
    {
      cleanup_cgroup struct sk_cgroup *cg = NULL;
      cleanup_free pid_t *pids = NULL;
      size_t n = 0;
      if (sk_cgroup_open (s->cgroup_path, &cg, err) < 0 || sk_cgroup_pids (cg, &pids, &n, err) < 0)
        return -1;
      for (size_t i = 0; i < n; i++)
        kill (pids[i], sig);
      return 0;
    }
  if (all)
    return kill_all (s, sig, err);
  if (kill (s->pid, sig) < 0)
    return sk_error_set (err, errno, "kill container \"%s\"", id);
  return 0;
}

/* SIGKILL the init and wait until it is gone (we are usually not its parent:
 * a pidfd tells us when it exits). */
static int
kill_and_wait (const struct sk_state *s, sk_error_t *err)
{
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, s->pid, 0);
  struct pollfd pfd;

  if (pidfd < 0 || !sk_state_pid_alive (s))
    return 0; /* already gone */
  if (syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
    return sk_error_set (err, errno, "kill container init %d", s->pid);
  pfd.fd = pidfd;
  pfd.events = POLLIN;
  if (poll (&pfd, 1, 10000) <= 0)
    return sk_error_set (err, ETIMEDOUT, "container init %d did not exit after SIGKILL", s->pid);
  return 0;
}

/* The state's cgroup, or, for a create killed before it wrote the state,
 * the one it recorded before making it.  Also kills every process the init
 * left behind in it. */
static int
destroy_cgroup (const struct sk_statedir *sd, const struct sk_state *s, sk_error_t *err)
{
  cleanup_cgroup struct sk_cgroup *cg = NULL;
  cleanup_free char *recorded = NULL;
  const char *path = s != NULL ? s->cgroup_path : NULL;
  size_t len;

  if (s == NULL && sk_statedir_has (sd, SK_CGROUP_FILE))
    {
      if (sk_statedir_read (sd, SK_CGROUP_FILE, &recorded, &len, err) < 0)
        return -1;
      path = recorded;
    }
  if (path == NULL)
    return 0;
  if (sk_cgroup_open (path, &cg, err) < 0 || sk_cgroup_destroy (cg, err) < 0)
    return -1;
  return 0;
}

int
sk_container_delete (const struct sk_context *ctx, const char *id, bool force, sk_error_t *err)
{
  cleanup_statedir struct sk_statedir sd = { .dirfd = -1 };
  cleanup_state struct sk_state *s = NULL;
  const char *status;

  if (sk_statedir_open (ctx->root, id, true, &sd, err) < 0)
    {
      /* runc: deleting a container that is already gone with --force
       * succeeds; containerd's shim calls it again after every exit. */
      if (force && *err != NULL && (*err)->status == ENOENT)
        {
          sk_error_release (err);
          return 0;
        }
      return -1;
    }
  if (load_state (&sd, &s, err) < 0 && !force)
    return -1;
  sk_error_release (err);
  status = sk_status_of (&sd, s);
  if (!force && (strcmp (status, "running") == 0 || strcmp (status, "paused") == 0))
    return sk_error_set (err, 0, "cannot delete container \"%s\" that is not stopped: %s", id, status);
  if (strcmp (status, "paused") == 0 && s != NULL && s->cgroup_path != NULL)
    {
      /* A frozen task cannot die: thaw first so SIGKILL is delivered. */
      cleanup_cgroup struct sk_cgroup *cg = NULL;
      if (sk_cgroup_open (s->cgroup_path, &cg, err) < 0 || sk_cgroup_freeze (cg, false, err) < 0)
        return -1;
    }
  if (s != NULL && kill_and_wait (s, err) < 0)
    return -1;
  if (destroy_cgroup (&sd, s, err) < 0)
    return sk_error_wrap (err, "delete container \"%s\"", id);
  run_warning_hooks (ctx, &sd, s, false);
  return sk_statedir_remove (&sd, err);
}

void
sk_container_info_clear (struct sk_container_info *i)
{
  sk_state_free (i->state);
  i->state = NULL;
}

int
sk_container_info (const struct sk_context *ctx, const char *id, struct sk_container_info *out, sk_error_t *err)
{
  cleanup_statedir struct sk_statedir sd = { .dirfd = -1 };

  out->state = NULL;
  if (sk_statedir_open (ctx->root, id, false, &sd, err) < 0 || load_state (&sd, &out->state, err) < 0)
    return -1;
  out->status = sk_status_of (&sd, out->state);
  if (out->state == NULL)
    {
      /* Not recorded yet: show what is known. */
      out->state = calloc (1, sizeof *out->state);
      if (out->state == NULL || (out->state->id = strdup (id)) == NULL)
        return sk_error_set (err, ENOMEM, "state");
    }
  return 0;
}

static int
compare_info (const void *a, const void *b)
{
  const struct sk_container_info *x = a, *y = b;
  return strcmp (x->state->id, y->state->id);
}

int
sk_container_list (const struct sk_context *ctx, struct sk_container_info **out, size_t *n, sk_error_t *err)
{
  struct sk_container_info *v = NULL;
  size_t count = 0;
  DIR *d = opendir (ctx->root);
  struct dirent *de;

  *out = NULL;
  *n = 0;
  if (d == NULL)
    return errno == ENOENT ? 0 : sk_error_set (err, errno, "open --root `%s`", ctx->root);
  while ((de = readdir (d)) != NULL)
    {
      cleanup_error sk_error_t e = NULL;
      struct sk_container_info info;
      struct sk_container_info *nv;

      if (de->d_name[0] == '.')
        continue;
      if (sk_container_info (ctx, de->d_name, &info, &e) < 0)
        {
          /* ENOENT: deleted since readdir, not an entry at all. */
          if (e->status != ENOENT)
            sk_log_warn (ctx->log, "skipping %s: %s", de->d_name, sk_error_msg (&e));
          sk_container_info_clear (&info);
          continue;
        }
      nv = realloc (v, (count + 1) * sizeof *v);
      if (nv == NULL)
        {
          sk_container_info_clear (&info);
          break;
        }
      v = nv;
      v[count++] = info;
    }
  closedir (d);
  if (count > 1) /* an empty root leaves V NULL, which qsort may not take */
    qsort (v, count, sizeof *v, compare_info);
  *out = v;
  *n = count;
  return 0;
}
