#include "create.h"
#include "crash_point.h"
#include "hooks.h"
#include "idmap_trees.h"
#include "init.h"
#include "policy.h"
#include "statedir.h"
#include "status.h"
#include "stockade/cleanup.h"
#include "stockade/linux/cgroup.h"
#include "stockade/linux/namespaces.h"
#include "stockade/linux/seccomp.h"
#include "stockade/linux/terminal.h"
#include "stockade/container_id.h"
#include "stockade/sysctl_check.h"
#include "sync.h"

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Everything `create` owns until it has succeeded; released in reverse. */
struct create_job
{
  struct sk_statedir sd;
  bool sd_created;
  int ns_fds[OCI_NS__COUNT];
  int sync[2];
  int fifo_fd;
  int console_fd;     /* connected --console-socket */
  int console_master; /* pty master handed to a foreground run */
  pid_t stage1;
  pid_t init;
  const char *id, *bundle, *rootfs; /* for the hooks' state */
  struct sk_cgroup *cg;
  struct sk_seccomp *seccomp;
  struct sk_runtime_policy policy;
  struct sk_lsm lsm;
  struct sk_idmap_plan idmap;
  struct sk_cgroup_warm *warm; /* the grace-period thread, joined at HELLO */
  const struct sk_context *ctx;
};

static void
close_setup_fds (struct create_job *j)
{
  sk_ns_close_fds (j->ns_fds);
  sk_closep (&j->sync[0]);
  sk_closep (&j->sync[1]);
  sk_closep (&j->fifo_fd);
  sk_closep (&j->console_fd);
  sk_closep (&j->console_master);
}

/* On failure nothing may stay behind: processes, state directory.  The
 * setup fds go first: a create that failed for want of fds (EMFILE) needs
 * some to remove its cgroup and state directory. */
static void
create_job_abort (struct create_job *j)
{
  sk_cgroup_warm_finish (j->warm);
  sk_kill_and_reap (j->init);
  sk_kill_and_reap (j->stage1);
  close_setup_fds (j);
  if (j->cg != NULL)
    {
      cleanup_error sk_error_t ignored = NULL;
      sk_cgroup_destroy (j->cg, &ignored);
    }
  if (j->sd_created)
    {
      cleanup_error sk_error_t ignored = NULL;
      sk_statedir_remove (&j->sd, &ignored);
    }
}

static void
create_job_release (struct create_job *j)
{
  close_setup_fds (j);
  sk_statedir_close (&j->sd);
  sk_cgroup_free (j->cg);
  j->cg = NULL;
  sk_seccomp_free (j->seccomp);
  j->seccomp = NULL;
  sk_runtime_policy_clear (&j->policy);
  sk_lsm_release (&j->lsm);
  sk_idmap_plan_clear (&j->idmap);
}

static int
read_whole_file (const char *path, char **out, size_t *len, sk_error_t *err)
{
  cleanup_file FILE *f = fopen (path, "re");
  cleanup_free char *buf = NULL;
  size_t size = 0;
  FILE *mem;

  if (f == NULL)
    return sk_error_set (err, errno, "open `%s`", path);
  mem = open_memstream (&buf, &size);
  if (mem == NULL)
    return sk_error_set (err, errno, "read `%s`", path);
  for (;;)
    {
      char chunk[8192];
      size_t n = fread (chunk, 1, sizeof chunk, f);
      if (n > 0)
        fwrite (chunk, 1, n, mem);
      if (n < sizeof chunk)
        break;
      if (size > 16 * 1024 * 1024)
        {
          fclose (mem);
          return sk_error_set (err, EFBIG, "`%s` is larger than 16 MiB", path);
        }
    }
  if (ferror (f))
    {
      fclose (mem);
      return sk_error_set (err, errno, "read `%s`", path);
    }
  fclose (mem);
  *len = size;
  *out = steal_pointer (&buf);
  return 0;
}

static void
format_created (char *buf, size_t size)
{
  struct timespec ts;
  struct tm tm;
  size_t n;

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  n = strftime (buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

/* Everything that can be refused is refused before any side effect. */
static int
validate_config (const struct oci_config *c, const struct sk_create_opts *o, bool relay_terminal,
                 const char *rootfs, sk_error_t *err)
{
  struct stat st;

  if (c->process == NULL)
    return sk_error_set (err, 0, "process: required to create a container");
  if (stat (rootfs, &st) < 0)
    return sk_error_set (err, errno, "root.path: `%s`", rootfs);
  if (!S_ISDIR (st.st_mode))
    return sk_error_set (err, ENOTDIR, "root.path: `%s` is not a directory", rootfs);
  if (!(sk_ns_new_flags (c->linux_cfg) & CLONE_NEWNS))
    return sk_error_set (err, 0, "linux.namespaces: a new mount namespace is required");
  for (size_t i = 0; c->linux_cfg != NULL && i < c->linux_cfg->n_sysctl; i++)
    {
      int own = sk_ns_listed_flags (c->linux_cfg);
      if (sk_sysctl_check (c->linux_cfg->sysctl[i].key, own & CLONE_NEWIPC, own & CLONE_NEWUTS, own & CLONE_NEWNET,
                           err) < 0)
        return -1;
    }
  if (c->process->terminal && o->console_socket == NULL && !relay_terminal)
    return sk_error_set (err, 0, "process.terminal: a detached container needs --console-socket to receive its pty");
  return 0;
}

static int
resolve_paths (const struct sk_create_opts *o, const struct oci_config *c, char **bundle, char **rootfs,
               sk_error_t *err)
{
  char real[PATH_MAX];

  if (realpath (o->bundle ? o->bundle : ".", real) == NULL)
    return sk_error_set (err, errno, "bundle `%s`", o->bundle ? o->bundle : ".");
  *bundle = strdup (real);
  if (*bundle == NULL)
    return sk_error_set (err, ENOMEM, "bundle");
  if (c->root.path[0] == '/')
    *rootfs = strdup (c->root.path);
  else if (asprintf (rootfs, "%s/%s", *bundle, c->root.path) < 0)
    *rootfs = NULL;
  if (*rootfs == NULL)
    return sk_error_set (err, ENOMEM, "root.path");
  if (realpath (*rootfs, real) != NULL)
    {
      free (*rootfs);
      *rootfs = strdup (real);
    }
  return *rootfs ? 0 : sk_error_set (err, ENOMEM, "root.path");
}

static int
write_state (const struct create_job *j, const char *id, const struct oci_config *c,
             const char *bundle, const char *rootfs, sk_error_t *err)
{
  cleanup_free char *json = NULL;
  cleanup_free char *cgroup_path = j->cg ? sk_cgroup_serialize (j->cg) : NULL;
  char created[64];
  size_t len;
  struct sk_state s = {
    .cgroup_path = cgroup_path,
    .profile = j->policy.profile ? (char *) j->policy.name : NULL,
    .oci_version = c->oci_version,
    .id = (char *) id,
    .pid = j->init,
    .bundle = (char *) bundle,
    .rootfs = (char *) rootfs,
    .created = created,
    .owner = "",
    .annotations = c->annotations,
    .n_annotations = c->n_annotations,
  };
  char st;
  /* So start and delete read the config only when it has hooks for them. */
  char post_hooks[32];

  snprintf (post_hooks, sizeof post_hooks, "%s%s%s", c->hooks.poststart.n > 0 ? "poststart" : "",
            c->hooks.poststart.n > 0 && c->hooks.poststop.n > 0 ? "," : "", c->hooks.poststop.n > 0 ? "poststop" : "");
  s.post_hooks = post_hooks;

  format_created (created, sizeof created);
  if (sk_proc_stat (j->init, &s.pid_start_time, &st) < 0)
    return sk_error_set (err, ESRCH, "container init exited during setup");
  if (sk_state_to_json (&s, &json, &len, err) < 0)
    return -1;
  return sk_statedir_write (&j->sd, SK_STATE_FILE, json, len, err);
}

/* Planned and recorded before the cgroup exists: a create killed while
 * making it leaves a record that `delete` uses to remove it.  j->cg is set
 * only once made: until then a failure must not remove a cgroup that was
 * there before. */
static int
make_cgroup (struct create_job *j, const struct oci_config *c, sk_error_t *err)
{
  cleanup_cgroup struct sk_cgroup *cg = NULL;
  cleanup_free char *saved = NULL;

  if (j->cg != NULL)
    return 0;
  if (sk_cgroup_plan (c->linux_cfg ? c->linux_cfg->cgroups_path : NULL, j->id, &cg, err) < 0)
    return -1;
  saved = sk_cgroup_serialize (cg);
  if (saved == NULL)
    return sk_error_set (err, ENOMEM, "cgroup");
  if (sk_statedir_write (&j->sd, SK_CGROUP_FILE, saved, strlen (saved), err) < 0)
    return -1;
  sk_test_crash_point ("cgroup-recorded");
  if (sk_cgroup_make (cg, c->linux_cfg ? c->linux_cfg->resources : NULL, j->ctx->log, err) < 0)
    return -1;
  j->cg = steal_pointer (&cg);
  sk_test_crash_point ("cgroup");
  /* The init is moved into the cgroup once it exists (HELLO); the kernel's
   * grace period for that move runs from here, alongside the rest of the
   * setup (src/linux/cgroup_warm.c). */
  sk_cgroup_warm_start (j->warm, j->cg);
  return 0;
}

static int
write_pid_file (const char *path, pid_t pid, sk_error_t *err)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%d", pid);
  if (path == NULL)
    return 0;
  if (sk_write_file_atomic (path, buf, (size_t) n, err) < 0)
    return sk_error_wrap (err, "--pid-file");
  return 0;
}

/* The state a hook or the seccomp agent sees while the container is created. */
static char *
creating_state (const struct create_job *j, const struct oci_config *c, sk_error_t *err)
{
  struct sk_state s = {
    .oci_version = c->oci_version,
    .id = (char *) j->id,
    .pid = j->init,
    .bundle = (char *) j->bundle,
    .rootfs = (char *) j->rootfs,
    .annotations = c->annotations,
    .n_annotations = c->n_annotations,
  };
  char *state = NULL;
  size_t len;

  if (sk_state_render (&s, "creating", false, &state, &len, err) < 0)
    return NULL;
  return state;
}

static int
hand_listener (const struct create_job *j, const struct oci_config *c, int notify, sk_error_t *err)
{
  cleanup_close int fd = notify;
  cleanup_free char *state = creating_state (j, c, err);
  const struct oci_seccomp *sc = c->linux_cfg ? c->linux_cfg->seccomp : NULL;

  if (state == NULL)
    return -1;
  if (sc == NULL || sc->listener_path == NULL)
    return sk_error_set (err, 0, "linux.seccomp.listenerPath: required with SCMP_ACT_NOTIFY");
  if (sk_seccomp_send_listener (sc->listener_path, sc->listener_metadata, fd, j->init, state, err) < 0)
    return -1;
  if (sk_sync_send (j->sync[0], SK_SYNC_SECCOMP_DONE, 0, NULL) < 0)
    return sk_error_set (err, errno, "container init exited during setup");
  return 0;
}

static int
run_runtime_hooks (const struct create_job *j, const struct oci_config *c, sk_error_t *err)
{
  cleanup_free char *state = creating_state (j, c, err);

  if (state == NULL)
    return -1;
  if (sk_hooks_run (&c->hooks.prestart, "prestart", state, err) < 0
      || sk_hooks_run (&c->hooks.create_runtime, "createRuntime", state, err) < 0)
    return -1;
  if (sk_sync_send (j->sync[0], SK_SYNC_HOOKS_DONE, j->init, NULL) < 0)
    return sk_error_set (err, errno, "container init exited during setup");
  return 0;
}

/* The parent's half of the sync protocol: user namespace maps, hooks, then READY. */
static int
drive_init (struct create_job *j, const struct oci_config *c, sk_error_t *err)
{
  struct sk_sync_msg m;
  pid_t sender;

  /* The cgroup is made while stage 1 works: at once, or once stage 1 has
   * what it waits for from us (user namespace maps, idmapped trees). */
  if (!(sk_ns_new_flags (c->linux_cfg) & CLONE_NEWUSER) && make_cgroup (j, c, err) < 0)
    return -1;
  for (;;)
    {
      int passed = -1;
      if (sk_sync_recv (j->sync[0], &m, &sender, &passed, err) < 0)
        return -1;
      if (passed >= 0 && m.type != SK_SYNC_CONSOLE && m.type != SK_SYNC_SECCOMP_FD)
        close (passed);
      switch (m.type)
        {
        case SK_SYNC_USERNS_MAP:
          if (sk_userns_write_maps (j->stage1, c->linux_cfg, false, err) < 0)
            return -1;
          if (sk_sync_send (j->sync[0], SK_SYNC_USERNS_DONE, 0, NULL) < 0)
            return sk_error_set (err, errno, "user namespace maps");
          /* Stage 1 unshares the rest meanwhile (after asking for its
           * idmapped trees, if any). */
          if (!j->idmap.any && make_cgroup (j, c, err) < 0)
            return -1;
          break;
        case SK_SYNC_IDMAP_REQ:
          if (sk_idmap_send_trees (j->sync[0], j->stage1, c, j->bundle, j->rootfs, &j->idmap, err) < 0
              || make_cgroup (j, c, err) < 0)
            return -1;
          break;
        case SK_SYNC_HELLO:
          j->init = sender;
          sk_test_crash_point ("init-hello");
          /* The init sets up its mounts meanwhile and waits for GO before
           * its cgroup namespace, cgroup mounts, hooks and pivot_root. */
          if (make_cgroup (j, c, err) < 0)
            return -1;
          sk_cgroup_warm_finish (j->warm);
          if (sk_cgroup_enter (j->cg, j->init, err) < 0)
            return -1;
          if (sk_sync_send (j->sync[0], SK_SYNC_GO, 0, NULL) < 0)
            return sk_error_set (err, errno, "container init exited during setup");
          /* stage 1 exits right after cloning the init; reaped after GO,
           * which the init is waiting for. */
          while (waitpid (j->stage1, NULL, 0) < 0 && errno == EINTR)
            ;
          j->stage1 = 0;
          break;
        case SK_SYNC_CONSOLE:
          if (passed < 0)
            return sk_error_set (err, EPROTO, "process.terminal: no pty received");
          sk_closep (&j->console_master);
          j->console_master = passed;
          break;
        case SK_SYNC_HOOKS:
          if (run_runtime_hooks (j, c, err) < 0)
            return -1;
          break;
        case SK_SYNC_SECCOMP_FD:
          if (passed < 0)
            return sk_error_set (err, EPROTO, "linux.seccomp: no notify fd received");
          if (hand_listener (j, c, passed, err) < 0)
            return -1;
          break;
        case SK_SYNC_READY:
          sk_test_crash_point ("init-ready");
          return 0;
        case SK_SYNC_ERROR:
          return sk_sync_error_from (&m, err);
        default:
          return sk_error_set (err, EPROTO, "unexpected message %u from container init", m.type);
        }
    }
}

/* Which security modules apply here; refused before anything exists. */
static int
prepare_lsm (const struct sk_context *ctx, struct create_job *j, const struct oci_config *c, sk_error_t *err)
{
  const char *const *ro = NULL, *const *rw = NULL;

  if (j->policy.profile != NULL)
    sk_profile_landlock (j->policy.profile, &ro, &rw);
  return sk_lsm_prepare (ctx->log, c->process, c->linux_cfg != NULL ? c->linux_cfg->mount_label : NULL, ro, rw,
                         &j->lsm, err);
}

static int
spawn (struct create_job *j, const struct sk_context *ctx, const struct oci_config *c, const char *bundle,
       const char *rootfs, const struct sk_create_opts *o, sk_error_t *err)
{
  struct sk_init_args a = {
    .cfg = c,
    .log = ctx->log,
    .rootfs = rootfs,
    .bundle = bundle,
    .new_ns_flags = sk_ns_new_flags (c->linux_cfg),
    .no_pivot = o->no_pivot,
    .preserve_fds = o->preserve_fds,
    .lsm = j->lsm,
    .want_idmap = j->idmap.any,
    .rootfd = -1,
  };
  int one = 1;

  if (c->process->capabilities != NULL)
    {
      if (sk_caps_resolve (c->process->capabilities, ctx->log, &a.caps, err) < 0)
        return -1;
      a.has_caps = true;
    }
  if (c->linux_cfg != NULL && c->linux_cfg->seccomp != NULL)
    {
      if (sk_seccomp_build (c->linux_cfg->seccomp, ctx->log, &j->seccomp, err) < 0)
        return -1;
      a.seccomp = j->seccomp;
    }
  a.profile_seccomp = j->policy.filter;
  a.caller_umask = umask (022);
  umask (a.caller_umask);
  if (sk_ns_open_paths (c->linux_cfg, j->ns_fds, err) < 0)
    return -1;
  memcpy (a.ns_fds, j->ns_fds, sizeof a.ns_fds);
  if (mkfifoat (j->sd.dirfd, SK_EXEC_FIFO, 0600) < 0)
    return sk_error_set (err, errno, "create exec fifo");
  j->fifo_fd = openat (j->sd.dirfd, SK_EXEC_FIFO, O_RDWR | O_CLOEXEC);
  if (j->fifo_fd < 0)
    return sk_error_set (err, errno, "open exec fifo");
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, j->sync) < 0
      || setsockopt (j->sync[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0)
    return sk_error_set (err, errno, "sync socket");
  if (c->process->terminal && o->console_socket != NULL)
    {
      j->console_fd = sk_terminal_connect (o->console_socket, err);
      if (j->console_fd < 0)
        return -1;
    }
  a.console_fd = j->console_fd;
  a.sync_fd = j->sync[1];
  a.id = j->id;
  a.state_dirfd = j->sd.dirfd;
  a.fifo_fd = j->fifo_fd;

  j->stage1 = fork ();
  if (j->stage1 < 0)
    return sk_error_set (err, errno, "fork");
  if (j->stage1 == 0)
    {
      close (j->sync[0]);
      _exit (sk_init_stage1 (&a));
    }
  sk_closep (&j->sync[1]);
  sk_closep (&j->fifo_fd);
  sk_closep (&j->console_fd);
  sk_test_crash_point ("spawned");
  return drive_init (j, c, err);
}

int
sk_create_container (const struct sk_context *ctx, const char *id, const struct sk_create_opts *o, bool start_now,
                     pid_t *init_pid, int *console_master, sk_error_t *err)
{
  __attribute__ ((cleanup (sk_cgroup_warm_finish))) struct sk_cgroup_warm warm = { 0 };
  cleanup_config struct oci_config *c = NULL;
  cleanup_free char *bundle = NULL, *rootfs = NULL, *config_path = NULL, *config_data = NULL;
  struct create_job j
      = { .sd = { .dirfd = -1 }, .sync = { -1, -1 }, .fifo_fd = -1, .console_fd = -1, .console_master = -1,
          .lsm = { .proc_fd = -1 } };
  size_t config_len;
  bool pid_file_written = false;
  int r;

  j.warm = &warm;
  j.ctx = ctx;
  for (int t = 0; t < OCI_NS__COUNT; t++)
    j.ns_fds[t] = -1;
  if (asprintf (&config_path, "%s/config.json", o->bundle ? o->bundle : ".") < 0)
    return sk_error_set (err, ENOMEM, "config path");
  if (read_whole_file (config_path, &config_data, &config_len, err) < 0)
    return -1;
  if (oci_config_parse_data (config_data, config_len, &c, err) < 0)
    return sk_error_wrap (err, "%s", config_path);
  for (size_t i = 0; c->warnings != NULL && c->warnings[i] != NULL; i++)
    sk_log_warn (ctx->log, "%s", c->warnings[i]);
  /* The profile decides what the container may have, before anything exists:
   * a strict refusal leaves nothing behind. */
  if (sk_container_id_validate (id, err) < 0 || sk_runtime_policy_choose (ctx, c, &j.policy, err) < 0
      || sk_runtime_policy_apply (ctx, &j.policy, id, c, err) < 0)
    {
      sk_runtime_policy_clear (&j.policy);
      return -1;
    }
  if (resolve_paths (o, c, &bundle, &rootfs, err) < 0 || validate_config (c, o, console_master != NULL, rootfs, err) < 0
      || prepare_lsm (ctx, &j, c, err) < 0
      || sk_idmap_plan_make (c, rootfs, sk_ns_new_flags (c->linux_cfg),
                             (sk_ns_listed_flags (c->linux_cfg) & ~sk_ns_new_flags (c->linux_cfg) & CLONE_NEWUSER) != 0,
                             ctx->log, &j.idmap, err) < 0)
    {
      create_job_release (&j);
      return -1;
    }
  if (sk_statedir_create (ctx->root, id, &j.sd, err) < 0)
    {
      create_job_release (&j);
      return -1;
    }
  j.sd_created = true;
  sk_test_crash_point ("statedir");
  j.id = id;
  j.bundle = bundle;
  j.rootfs = rootfs;

  r = sk_statedir_write (&j.sd, SK_CONFIG_FILE, config_data, config_len, err);
  if (r == 0)
    r = spawn (&j, ctx, c, bundle, rootfs, o, err);
  if (r == 0)
    {
      r = write_pid_file (o->pid_file, j.init, err);
      pid_file_written = r == 0 && o->pid_file != NULL;
    }
  sk_test_crash_point ("pid-file");
  if (r == 0)
    r = write_state (&j, id, c, bundle, rootfs, err);
  sk_test_crash_point ("state");
  if (r == 0 && sk_sync_send (j.sync[0], start_now ? SK_SYNC_COMMIT_START : SK_SYNC_COMMIT, j.init, NULL) < 0)
    r = sk_error_set (err, errno, "container init exited during setup");
  sk_test_crash_point ("committed");
  /* Started: the fifo's absence is what tells "running" from "created". */
  if (r == 0 && start_now && unlinkat (j.sd.dirfd, SK_EXEC_FIFO, 0) < 0)
    r = sk_error_set (err, errno, "remove exec fifo");
  if (r < 0)
    {
      create_job_abort (&j);
      if (pid_file_written)
        unlink (o->pid_file);
      create_job_release (&j);
      return -1;
    }
  sk_runtime_policy_commit (ctx, &j.policy);
  if (start_now && c->hooks.poststart.n > 0)
    {
      /* The init's end of the sync socket closes at execve (or exit). */
      struct pollfd pfd = { .fd = j.sync[0], .events = POLLIN };
      while (poll (&pfd, 1, -1) < 0 && errno == EINTR)
        ;
      sk_start_poststart (ctx, &j.sd);
    }
  *init_pid = j.init;
  if (console_master != NULL)
    *console_master = steal_fd (&j.console_master);
  create_job_release (&j);
  return 0;
}

int
sk_container_create (const struct sk_context *ctx, const char *id, const struct sk_create_opts *o, sk_error_t *err)
{
  pid_t pid;
  return sk_create_container (ctx, id, o, false, &pid, NULL, err);
}
