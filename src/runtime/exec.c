/* `exec`: a new process in a running container, set up like its init. */
#include "exec.h"
#include "init.h"
#include "policy.h"
#include "relay.h"
#include "statedir.h"
#include "status.h"
#include "stockade/cleanup.h"
#include "stockade/linux/cgroup.h"
#include "stockade/linux/namespaces.h"
#include "stockade/linux/process.h"
#include "stockade/linux/seccomp.h"
#include "stockade/linux/terminal.h"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct exec_child
{
  const struct oci_process *p;
  const struct sk_caps *caps;
  const struct sk_seccomp *seccomp;
  const struct sk_seccomp *profile_seccomp;
  const struct sk_lsm *lsm;
  unsigned int preserve_fds;
  int ns_fds[OCI_NS__COUNT];
  int sync_fd;
  int console_fd;
};

static char **
strv_dup (char *const *v)
{
  size_t n = sk_strv_len (v);
  char **out = calloc (n + 1, sizeof *out);

  for (size_t i = 0; out != NULL && i < n; i++)
    if ((out[i] = strdup (v[i])) == NULL)
      {
        sk_strv_free (out);
        return NULL;
      }
  return out;
}

/* Append (or replace, for KEY=...) entries of `add` to *env. */
static int
env_merge (char ***env, char *const *add, sk_error_t *err)
{
  for (size_t i = 0; add != NULL && add[i] != NULL; i++)
    {
      const char *eq = strchr (add[i], '=');
      size_t key_len = eq ? (size_t) (eq - add[i]) : strlen (add[i]);
      size_t n = sk_strv_len (*env), j;
      char *copy = strdup (add[i]);

      if (copy == NULL)
        return sk_error_set (err, ENOMEM, "--env");
      for (j = 0; j < n; j++)
        if (strncmp ((*env)[j], add[i], key_len) == 0 && (*env)[j][key_len] == '=')
          break;
      if (j < n)
        {
          free ((*env)[j]);
          (*env)[j] = copy;
          continue;
        }
      char **nv = realloc (*env, (n + 2) * sizeof *nv);
      if (nv == NULL)
        {
          free (copy);
          return sk_error_set (err, ENOMEM, "--env");
        }
      nv[n] = copy;
      nv[n + 1] = NULL;
      *env = nv;
    }
  return 0;
}

static int
strv_append (char ***v, const char *s, sk_error_t *err)
{
  size_t n = sk_strv_len (*v);
  char **nv = realloc (*v, (n + 2) * sizeof *nv);

  if (nv == NULL || (nv[n] = strdup (s)) == NULL)
    {
      if (nv != NULL)
        *v = nv;
      return sk_error_set (err, ENOMEM, "--cap");
    }
  nv[n + 1] = NULL;
  *v = nv;
  return 0;
}

static int
parse_user (const char *spec, struct oci_user *u, sk_error_t *err)
{
  unsigned int uid, gid;
  char extra;

  if (sscanf (spec, "%u:%u%c", &uid, &gid, &extra) == 2)
    {
      u->uid = uid;
      u->gid = gid;
      return 0;
    }
  if (sscanf (spec, "%u%c", &uid, &extra) == 1)
    {
      u->uid = uid;
      return 0;
    }
  return sk_error_set (err, 0, "--user: \"%s\" is not uid[:gid] (numeric ids only)", spec);
}

static int
replace_string (char **dst, const char *src, sk_error_t *err)
{
  char *copy = strdup (src);
  if (copy == NULL)
    return sk_error_set (err, ENOMEM, "exec");
  free (*dst);
  *dst = copy;
  return 0;
}

/* The container's process with the exec flags applied on top. */
static int
apply_flags (struct oci_process *p, const struct sk_exec_opts *o, sk_error_t *err)
{
  char **args = strv_dup (o->args);

  if (args == NULL || args[0] == NULL)
    {
      sk_strv_free (args);
      return sk_error_set (err, 0, "exec: a command to run is required");
    }
  sk_strv_free (p->args);
  p->args = args;
  p->terminal = o->tty;
  if (env_merge (&p->env, o->env, err) < 0)
    return -1;
  if (o->cwd != NULL && replace_string (&p->cwd, o->cwd, err) < 0)
    return -1;
  if (o->user != NULL && parse_user (o->user, &p->user, err) < 0)
    return -1;
  for (size_t i = 0; o->additional_gids != NULL && o->additional_gids[i] != NULL; i++)
    {
      unsigned int g;
      uint32_t *nv;
      if (sscanf (o->additional_gids[i], "%u", &g) != 1)
        return sk_error_set (err, 0, "--additional-gids: \"%s\" is not a gid", o->additional_gids[i]);
      nv = realloc (p->user.additional_gids, (p->user.n_additional_gids + 1) * sizeof *nv);
      if (nv == NULL)
        return sk_error_set (err, ENOMEM, "--additional-gids");
      nv[p->user.n_additional_gids++] = g;
      p->user.additional_gids = nv;
    }
  if (o->caps != NULL && p->capabilities == NULL && (p->capabilities = calloc (1, sizeof *p->capabilities)) == NULL)
    return sk_error_set (err, ENOMEM, "--cap");
  for (size_t i = 0; o->caps != NULL && o->caps[i] != NULL; i++)
    if (strv_append (&p->capabilities->bounding, o->caps[i], err) < 0
        || strv_append (&p->capabilities->effective, o->caps[i], err) < 0
        || strv_append (&p->capabilities->permitted, o->caps[i], err) < 0)
      return -1;
  p->no_new_privileges |= o->no_new_privs;
  if (o->apparmor != NULL && replace_string (&p->apparmor_profile, o->apparmor, err) < 0)
    return -1;
  if (o->process_label != NULL && replace_string (&p->selinux_label, o->process_label, err) < 0)
    return -1;
  return 0;
}

static int
exec_child_main (const struct exec_child *x)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *exe = NULL;
  struct sk_sync_msg m;

  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (sk_sync_send (x->sync_fd, SK_SYNC_HELLO, 0, NULL) < 0)
    return 1;
  if (x->p->terminal && (setsid () < 0 || sk_init_hand_over_terminal (x->p, false, x->console_fd, x->sync_fd, &err) < 0))
    goto fail;
  if (x->console_fd >= 0)
    close (x->console_fd);
  if (sk_init_finish_process (x->p, x->caps, x->preserve_fds, x->seccomp, x->profile_seccomp, x->lsm, x->sync_fd,
                              &exe, &err) < 0)
    goto fail;
  if (sk_sync_write (x->sync_fd, SK_SYNC_READY) < 0 || sk_sync_read (x->sync_fd, &m, &err) < 0
      || m.type != SK_SYNC_COMMIT)
    return 1;
  execve (exe, x->p->args, x->p->env ? x->p->env : (char *[]){ NULL });
  fprintf (stderr, "stockade: exec `%s`: %s\n", exe, strerror (errno));
  return 127;
fail:
  if (err == NULL)
    sk_error_set (&err, errno, "process.terminal: setsid");
  sk_sync_send_error (x->sync_fd, &err);
  return 1;
}

/* Stage 1 of exec: join the container's namespaces (user first), then clone
 * the process with CLONE_PARENT so it lands in the pid namespace and stays
 * the runtime's child. */
static int
exec_stage1 (const struct exec_child *x)
{
  cleanup_error sk_error_t err = NULL;
  sigset_t none;
  pid_t pid;

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (sk_sync_expect (x->sync_fd, SK_SYNC_GO, NULL, &err) < 0)
    return 1;
  /* Before joining the user namespace (see sk_init_stage1). */
  if (sk_process_set_oom_score_adj (x->p, &err) < 0)
    {
      sk_sync_send_error (x->sync_fd, &err);
      return 1;
    }
  if (sk_ns_join (x->ns_fds, &err) < 0)
    {
      sk_sync_send_error (x->sync_fd, &err);
      return 1;
    }
  pid = (pid_t) syscall (SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0)
    {
      sk_error_set (&err, errno, "clone exec process");
      sk_sync_send_error (x->sync_fd, &err);
      return 1;
    }
  if (pid == 0)
    _exit (exec_child_main (x));
  return 0;
}

/* Parent side: drive the children until the process is ready to exec. */
struct exec_ctx
{
  const struct sk_cgroup *cg;
  const struct oci_seccomp *seccomp;
  const struct sk_state *state;
};

static int
exec_hand_listener (int sync_fd, const struct exec_ctx *e, pid_t child, int notify, sk_error_t *err)
{
  cleanup_close int fd = notify;
  cleanup_free char *state = NULL;
  size_t len;

  if (e->seccomp == NULL || e->seccomp->listener_path == NULL)
    return sk_error_set (err, 0, "linux.seccomp.listenerPath: required with SCMP_ACT_NOTIFY");
  if (sk_state_render (e->state, "running", false, &state, &len, err) < 0
      || sk_seccomp_send_listener (e->seccomp->listener_path, e->seccomp->listener_metadata, fd, child, state, err) < 0)
    return -1;
  if (sk_sync_send (sync_fd, SK_SYNC_SECCOMP_DONE, 0, NULL) < 0)
    return sk_error_set (err, errno, "exec process exited during setup");
  return 0;
}

static int
drive_exec (int sync_fd, const struct exec_ctx *e, pid_t stage1, pid_t *child, int *master, sk_error_t *err)
{
  struct sk_sync_msg m;
  pid_t sender;

  if (sk_sync_send (sync_fd, SK_SYNC_GO, 0, NULL) < 0)
    return sk_error_set (err, errno, "start exec");
  for (;;)
    {
      int passed = -1;
      if (sk_sync_recv (sync_fd, &m, &sender, &passed, err) < 0)
        return -1;
      switch (m.type)
        {
        case SK_SYNC_HELLO:
          *child = sender;
          while (waitpid (stage1, NULL, 0) < 0 && errno == EINTR)
            ;
          /* Into the container's cgroup before it runs anything of its own. */
          if (e->cg != NULL && sk_cgroup_enter (e->cg, sender, err) < 0)
            return -1;
          break;
        case SK_SYNC_SECCOMP_FD:
          if (passed < 0)
            return sk_error_set (err, EPROTO, "linux.seccomp: no notify fd received");
          if (exec_hand_listener (sync_fd, e, *child, passed, err) < 0)
            return -1;
          break;
        case SK_SYNC_CONSOLE:
          sk_closep (master);
          *master = passed;
          break;
        case SK_SYNC_READY:
          return 0;
        case SK_SYNC_ERROR:
          return sk_sync_error_from (&m, err);
        default:
          if (passed >= 0)
            close (passed);
          return sk_error_set (err, EPROTO, "unexpected message %u from exec process", m.type);
        }
    }
}

static int
load_container (const struct sk_context *ctx, const char *id, bool ignore_paused, struct oci_config **c,
                struct sk_state **s, struct sk_cgroup **cg, sk_error_t *err)
{
  cleanup_statedir struct sk_statedir sd = { .dirfd = -1 };
  cleanup_free char *state_data = NULL, *config_data = NULL;
  size_t len;
  const char *status;

  if (sk_statedir_open (ctx->root, id, true, &sd, err) < 0)
    return -1;
  if (!sk_statedir_has (&sd, SK_STATE_FILE))
    return sk_error_set (err, 0, "cannot exec in container \"%s\": it is still being created", id);
  if (sk_statedir_read (&sd, SK_STATE_FILE, &state_data, &len, err) < 0 || sk_state_from_json (state_data, len, s, err) < 0)
    return -1;
  /* Opened once: for the paused check and for moving the process in. */
  if ((*s)->cgroup_path != NULL && sk_cgroup_open ((*s)->cgroup_path, cg, err) < 0)
    return -1;
  status = sk_status_of_cgroup (&sd, *s, *cg);
  if (strcmp (status, "stopped") == 0)
    return sk_error_set (err, 0, "cannot exec in a stopped container \"%s\"", id);
  /* A frozen container would leave the exec (and us) waiting forever. */
  if (strcmp (status, "paused") == 0 && !ignore_paused)
    return sk_error_set (err, 0, "cannot exec in a paused container \"%s\" (use --ignore-paused to override)", id);
  if (sk_statedir_read (&sd, SK_CONFIG_FILE, &config_data, &len, err) < 0
      || oci_config_parse_data (config_data, len, c, err) < 0)
    return -1;
  return 0;
}

int
sk_container_exec (const struct sk_context *ctx, const char *id, const struct sk_exec_opts *o, int *exit_code,
                   sk_error_t *err)
{
  __attribute__ ((cleanup (sk_cgroup_warm_finish))) struct sk_cgroup_warm warm = { 0 };
  cleanup_config struct oci_config *c = NULL;
  cleanup_state struct sk_state *s = NULL;
  struct exec_child x = { .console_fd = -1 };
  struct relay r = { .master = -1, .sigfd = -1, .stdin_open = true };
  struct sk_caps caps;
  __attribute__ ((cleanup (sk_runtime_policy_clear))) struct sk_runtime_policy pol = { 0 };
  __attribute__ ((cleanup (sk_lsm_release))) struct sk_lsm lsm = { .proc_fd = -1 };
  cleanup_cgroup struct sk_cgroup *cg = NULL;
  struct sk_seccomp *filter = NULL;
  struct exec_ctx e = { 0 };
  int sync[2] = { -1, -1 }, one = 1, ret = -1;
  pid_t stage1 = -1, child = -1;
  sigset_t all, old;

  *exit_code = 0;
  if (load_container (ctx, id, o->ignore_paused, &c, &s, &cg, err) < 0)
    return -1;
  /* The exec'd process is moved into the cgroup: start paying the kernel's
   * grace period for that now (src/linux/cgroup_warm.c). */
  sk_cgroup_warm_start (&warm, cg);
  if (o->process_file != NULL)
    {
      struct oci_process *p = NULL;
      if (oci_process_parse_file (o->process_file, &p, err) < 0)
        return sk_error_wrap (err, "--process");
      oci_process_free (c->process);
      c->process = p;
    }
  else if (c->process == NULL || apply_flags (c->process, o, err) < 0)
    return c->process == NULL ? sk_error_set (err, 0, "config.json of \"%s\" has no process", id) : -1;
  /* The profile the container was created under also bounds what an exec
   * may ask for (--cap, --process). */
  if (sk_runtime_policy_load (ctx, s->profile ? s->profile : "none", &pol, err) < 0
      || sk_runtime_policy_apply_process (ctx, &pol, id, s->pid, c->process, err) < 0)
    return -1;
  x.profile_seccomp = pol.filter;
  /* The same Landlock domain as the init's, from the same profile. */
  {
    const char *const *ro = NULL, *const *rw = NULL;
    if (pol.profile != NULL)
      sk_profile_landlock (pol.profile, &ro, &rw);
    if (sk_lsm_prepare (ctx->log, c->process, NULL, ro, rw, &lsm, err) < 0)
      return -1;
    x.lsm = &lsm;
  }
  if (c->process->terminal && o->detach && o->console_socket == NULL)
    return sk_error_set (err, 0, "process.terminal: a detached exec needs --console-socket to receive its pty");
  if (c->process->capabilities != NULL)
    {
      if (sk_caps_resolve (c->process->capabilities, ctx->log, &caps, err) < 0)
        return -1;
      x.caps = &caps;
    }
  x.p = c->process;
  x.preserve_fds = o->preserve_fds;
  /* The same filter as the init's: an exec must not escape it. */
  if (c->linux_cfg != NULL && c->linux_cfg->seccomp != NULL)
    {
      if (sk_seccomp_build (c->linux_cfg->seccomp, ctx->log, &filter, err) < 0)
        return -1;
      x.seccomp = filter;
      e.seccomp = c->linux_cfg->seccomp;
    }
  e.cg = cg;
  e.state = s;
  if (sk_ns_open_of_pid (s->pid, c->linux_cfg, x.ns_fds, err) < 0)
    {
      sk_seccomp_free (filter);
      return -1;
    }
  /* The fds must name the recorded init, not a process that reused its pid. */
  if (!sk_state_pid_alive (s))
    {
      sk_ns_close_fds (x.ns_fds);
      sk_seccomp_free (filter);
      return sk_error_set (err, 0, "cannot exec in container \"%s\": it has stopped", id);
    }
  if (c->process->terminal && o->console_socket != NULL
      && (x.console_fd = sk_terminal_connect (o->console_socket, err)) < 0)
    goto out;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0
      || setsockopt (sync[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0)
    {
      sk_error_set (err, errno, "sync socket");
      goto out;
    }
  x.sync_fd = sync[1];
  sk_relay_signal_set (&all);
  sigprocmask (SIG_BLOCK, &all, &old);
  stage1 = fork ();
  if (stage1 == 0)
    {
      close (sync[0]);
      _exit (exec_stage1 (&x));
    }
  sk_closep (&sync[1]);
  sk_closep (&x.console_fd);
  if (stage1 < 0)
    sk_error_set (err, errno, "fork");
  else if (drive_exec (sync[0], &e, stage1, &child, &r.master, err) == 0)
    {
      char buf[32];
      int n = snprintf (buf, sizeof buf, "%d", child);
      ret = o->pid_file ? sk_write_file_atomic (o->pid_file, buf, (size_t) n, err) : 0;
      if (ret == 0 && sk_sync_send (sync[0], SK_SYNC_COMMIT, 0, NULL) < 0)
        ret = sk_error_set (err, errno, "exec process exited during setup");
      if (ret == 0 && !o->detach)
        {
          r.init = child;
          ret = sk_relay_run (&r, &all, err);
          *exit_code = r.exit_code;
        }
    }
  if (ret < 0)
    {
      sk_kill_and_reap (child);
      sk_kill_and_reap (stage1);
    }
  sigprocmask (SIG_SETMASK, &old, NULL);
out:
  sk_closep (&r.master);
  sk_closep (&x.console_fd);
  sk_closep (&sync[0]);
  sk_closep (&sync[1]);
  sk_ns_close_fds (x.ns_fds);
  sk_seccomp_free (filter);
  return ret;
}
