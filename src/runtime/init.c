#include "init.h"
#include "stockade/cleanup.h"
#include "stockade/linux/devices.h"
#include "stockade/linux/mounts.h"
#include "stockade/linux/namespaces.h"
#include "stockade/linux/process.h"
#include "stockade/linux/rootfs.h"
#include "stockade/linux/sysctl.h"
#include "stockade/linux/terminal.h"
#include "hooks.h"
#include "idmap_trees.h"
#include "stockade/oci_state.h"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static bool
has_new_ns (const struct sk_init_args *a, int flag)
{
  return (a->new_ns_flags & flag) != 0;
}

static bool
dev_is_host_bind (const struct oci_config *c)
{
  for (size_t i = 0; i < c->n_mounts; i++)
    if (strcmp (c->mounts[i].destination, "/dev") == 0 && c->mounts[i].type != NULL
        && strcmp (c->mounts[i].type, "bind") == 0)
      return true;
  return false;
}

/* Detached clone of the host's /dev/null, checked to be the null device, for
 * masking files after pivot_root (CVE-2025-31133). */
static int
open_devnull_tree (sk_error_t *err)
{
  int fd = open_tree (AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  struct stat st;

  if (fd < 0)
    return sk_error_set (err, errno, "clone host /dev/null");
  if (fstat (fd, &st) < 0 || !S_ISCHR (st.st_mode) || st.st_rdev != makedev (1, 3))
    {
      close (fd);
      return sk_error_set (err, EPERM, "host /dev/null is not the null device");
    }
  return fd;
}

/* The OCI state a hook run by the init sees on stdin. */
static char *
hook_state (const struct sk_init_args *a, pid_t host_pid, const char *status)
{
  struct sk_state s = {
    .oci_version = a->cfg->oci_version,
    .id = (char *) a->id,
    .pid = host_pid,
    .bundle = (char *) a->bundle,
    .rootfs = (char *) a->rootfs,
    .annotations = a->cfg->annotations,
    .n_annotations = a->cfg->n_annotations,
  };
  cleanup_error sk_error_t ignored = NULL;
  char *json = NULL;
  size_t len;

  if (sk_state_render (&s, status, false, &json, &len, &ignored) < 0)
    return NULL;
  return json;
}

/* prestart + createRuntime run in the parent (runtime namespace) once the
 * mounts exist; createContainer then runs here, in the container's
 * namespaces, before pivot_root (its path resolves in the runtime's view). */
static int
run_create_hooks (const struct sk_init_args *a, sk_error_t *err)
{
  const struct oci_hooks *h = &a->cfg->hooks;
  cleanup_free char *state = NULL;
  struct sk_sync_msg m;

  if (h->prestart.n + h->create_runtime.n + h->create_container.n == 0)
    return 0;
  if (sk_sync_send (a->sync_fd, SK_SYNC_HOOKS, 0, NULL) < 0)
    return sk_error_set (err, errno, "hooks: notify runtime");
  if (sk_sync_recv (a->sync_fd, &m, NULL, NULL, err) < 0)
    return -1;
  if (m.type != SK_SYNC_HOOKS_DONE)
    return sk_error_set (err, EPROTO, "hooks: unexpected message %u", m.type);
  if (h->create_container.n == 0)
    return 0;
  state = hook_state (a, (pid_t) m.errnum, "creating");
  if (state == NULL)
    return sk_error_set (err, ENOMEM, "hooks: state");
  {
    /* Hooks write host files: they get the caller's umask, not ours. */
    mode_t prev = umask (a->caller_umask);
    int r = sk_hooks_run (&h->create_container, "createContainer", state, err);
    umask (prev);
    return r;
  }
}

/* The parent moves the init into the container's cgroup while the init
 * builds its mounts (the kernel's first cgroup move can wait for an RCU
 * grace period: src/linux/cgroup_warm.c).  Wait for that (GO) before anything
 * that must happen inside: the cgroup namespace, whose root is the cgroup we
 * are in when it is made, cgroup mounts, hooks (processes inherit the
 * cgroup) and, at the latest, pivot_root. */
static int
join_cgroup (struct sk_init_args *a, sk_error_t *err)
{
  if (a->in_cgroup)
    return 0;
  if (sk_sync_expect (a->sync_fd, SK_SYNC_GO, NULL, err) < 0)
    return -1;
  a->in_cgroup = true;
  if (has_new_ns (a, CLONE_NEWCGROUP) && unshare (CLONE_NEWCGROUP) < 0)
    return sk_error_set (err, errno, "create cgroup namespace");
  return 0;
}

static bool
is_cgroup_mount (const struct oci_mount *m)
{
  return m->type != NULL && (strcmp (m->type, "cgroup") == 0 || strcmp (m->type, "cgroup2") == 0);
}

static int
setup_rootfs (struct sk_init_args *a, sk_error_t *err)
{
  const struct oci_config *c = a->cfg;
  const struct oci_linux *l = c->linux_cfg;
  cleanup_close int rootfd = a->rootfd, devnull = -1;
  struct sk_mount_env env = { .trees = a->mount_trees };

  devnull = open_devnull_tree (err);
  if (devnull < 0)
    return -1;
  env.rootfd = rootfd;
  env.cgroupns = has_new_ns (a, CLONE_NEWCGROUP);
  env.mount_label = a->lsm.mount_label; /* NULL where SELinux is off */
  for (size_t i = 0; i < c->n_mounts; i++)
    if ((is_cgroup_mount (&c->mounts[i]) && join_cgroup (a, err) < 0) || sk_mount_entry (&env, &c->mounts[i], i, err) < 0)
      return -1;
  if (join_cgroup (a, err) < 0)
    return -1;
  if (!dev_is_host_bind (c)
      && sk_devices_create (rootfd, l ? l->devices : NULL, l ? l->n_devices : 0, has_new_ns (a, CLONE_NEWUSER),
                            err) < 0)
    return -1;
  if (run_create_hooks (a, err) < 0)
    return -1;
  if (sk_rootfs_enter (rootfd, a->no_pivot, err) < 0)
    return -1;
  if (l != NULL && sk_rootfs_set_propagation (l->rootfs_propagation, err) < 0)
    return -1;
  /* Before readonlyPaths makes /proc/sys read-only. */
  if (l != NULL && sk_sysctl_apply (l->sysctl, l->n_sysctl, err) < 0)
    return -1;
  if (l != NULL
      && (sk_mount_masked_paths (l->masked_paths, devnull, err) < 0
          || sk_mount_readonly_paths (l->readonly_paths, err) < 0))
    return -1;
  /* The cwd may have to be created: do it while "/" is still writable. */
  if (c->process != NULL && sk_process_enter_cwd (c->process, err) < 0)
    return -1;
  if (c->root.readonly && sk_remount_root_readonly (err) < 0)
    return -1;
  return 0;
}

/* Load the filter; a notify listener fd goes to the parent, which hands it
 * to the agent at listenerPath and confirms. */
static int
load_seccomp (const struct sk_seccomp *f, int sync_fd, sk_error_t *err)
{
  cleanup_close int notify = -1;

  if (f == NULL)
    return 0;
  if (sk_seccomp_load (f, &notify, err) < 0)
    return -1;
  if (notify < 0)
    return 0;
  if (sk_sync_send_fd (sync_fd, SK_SYNC_SECCOMP_FD, notify) < 0)
    return sk_error_set (err, errno, "linux.seccomp.listenerPath: hand the notify fd to the runtime");
  return sk_sync_expect (sync_fd, SK_SYNC_SECCOMP_DONE, NULL, err);
}

/* Landlock, then both seccomp filters: the filters may forbid the Landlock
 * calls, so they come last. */
static int
confine (const struct sk_lsm *lsm, const struct sk_seccomp *seccomp, const struct sk_seccomp *profile_seccomp,
         int sync_fd, sk_error_t *err)
{
  if (lsm != NULL && sk_landlock_apply (lsm->landlock_abi, lsm->landlock_ro, lsm->landlock_rw, err) < 0)
    return -1;
  /* Two stacked filters: the kernel applies the stricter answer of both. */
  if (load_seccomp (seccomp, sync_fd, err) < 0 || load_seccomp (profile_seccomp, sync_fd, err) < 0)
    return -1;
  return 0;
}

int
sk_init_finish_process (const struct oci_process *p, const struct sk_caps *caps, unsigned int preserve_fds,
                        const struct sk_seccomp *seccomp, const struct sk_seccomp *profile_seccomp,
                        const struct sk_lsm *lsm, int sync_fd, char **exe, sk_error_t *err)
{
  if (sk_process_set_rlimits (p, err) < 0
      || sk_process_set_scheduler (p, err) < 0 || sk_process_set_io_priority (p, err) < 0)
    return -1;
  /* Resolved before the uid switch: a cwd only root may create still exists. */
  if (sk_process_enter_cwd (p, err) < 0)
    return -1;
  if (sk_process_find_executable (p, exe, err) < 0)
    return -1;
  /* From here the process must outlive the runtime that started it, and the
   * filters may forbid prctl(2): a runtime that dies before COMMIT is
   * noticed on the sync socket instead (end of stream: exit). */
  prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  /* Taken by the next execve; written while we are root (the attr files of
   * a non-dumpable process belong to root). */
  if (sk_lsm_set_exec_labels (lsm, err) < 0)
    return -1;
  /* Without no_new_privs, Landlock and loading a filter need CAP_SYS_ADMIN:
   * do both while we still have it (as runc does for seccomp); the rest must
   * then be allowed by them. */
  if (!p->no_new_privileges && confine (lsm, seccomp, profile_seccomp, sync_fd, err) < 0)
    return -1;
  if (caps != NULL && sk_caps_drop_bounding (caps, err) < 0)
    return -1;
  if (sk_process_switch_user (p, true, err) < 0)
    return -1;
  if (caps != NULL && sk_caps_apply_final (caps, err) < 0)
    return -1;
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return sk_error_set (err, errno, "process.noNewPrivileges");
  if (sk_process_prepare_fds (preserve_fds, err) < 0)
    return -1;
  /* As late as possible: everything above may use what they forbid. */
  if (p->no_new_privileges && confine (lsm, seccomp, profile_seccomp, sync_fd, err) < 0)
    return -1;
  return 0;
}

int
sk_init_hand_over_terminal (const struct oci_process *p, bool mount_console, int console_fd, int sync_fd,
                            sk_error_t *err)
{
  cleanup_close int master = sk_terminal_setup (p, mount_console, err);

  if (master < 0)
    return -1;
  if (console_fd >= 0)
    return sk_terminal_send_master (console_fd, master, err);
  if (sk_sync_send_fd (sync_fd, SK_SYNC_CONSOLE, master) < 0)
    return sk_error_set (err, errno, "process.terminal: hand the pty to the runtime");
  return 0;
}

static int
container_setup (struct sk_init_args *a, char **exe, sk_error_t *err)
{
  if (setsid () < 0)
    return sk_error_set (err, errno, "setsid");
  if (has_new_ns (a, CLONE_NEWNS) && setup_rootfs (a, err) < 0)
    return -1;
  if (join_cgroup (a, err) < 0)
    return -1;
  if (a->cfg->process->terminal
      && sk_init_hand_over_terminal (a->cfg->process, true, a->console_fd, a->sync_fd, err) < 0)
    return -1;
  if (a->console_fd >= 0)
    close (a->console_fd); /* this process's copy; the engine keeps its end */
  if (sk_process_set_hostname (a->cfg, has_new_ns (a, CLONE_NEWUTS) || a->ns_fds[OCI_NS_UTS] >= 0, err) < 0)
    return -1;
  if (sk_process_set_personality (a->cfg->linux_cfg, err) < 0)
    return -1;
  return sk_init_finish_process (a->cfg->process, a->has_caps ? &a->caps : NULL, a->preserve_fds, a->seccomp,
                                 a->profile_seccomp, &a->lsm, a->sync_fd, exe, err);
}

/* Runs as the container's init (pid 1 of a new pid namespace). */
static int
container_init (struct sk_init_args *a)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *exe = NULL;
  struct sk_sync_msg m;
  char byte;
  ssize_t r;

  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (sk_sync_send (a->sync_fd, SK_SYNC_HELLO, 0, NULL) < 0)
    return 1;
  /* Mount points and device nodes get exactly the modes we ask for. */
  umask (0);
  if (container_setup (a, &exe, &err) < 0)
    {
      sk_sync_send_error (a->sync_fd, &err);
      return 1;
    }
  /* The filters are loaded: plain read/write from here on. */
  if (sk_sync_write (a->sync_fd, SK_SYNC_READY) < 0)
    return 1;
  /* No COMMIT means the runtime died before recording us: leave nothing. */
  if (sk_sync_read (a->sync_fd, &m, &err) < 0 || (m.type != SK_SYNC_COMMIT && m.type != SK_SYNC_COMMIT_START))
    return 1;
  if (m.type == SK_SYNC_COMMIT)
    {
      close (a->sync_fd);
      do
        r = read (a->fifo_fd, &byte, 1);
      while (r < 0 && errno == EINTR);
      if (r != 1)
        return 1;
    }
  /* fifo_fd (and with COMMIT_START the sync socket) stays open, close-on-exec:
   * `start` and `run` wait for it to close, so poststart hooks run only once
   * the user process has started. */
  if (a->cfg->hooks.start_container.n > 0)
    {
      /* In the container, after start: a failure stops the container. */
      cleanup_free char *state = hook_state (a, (pid_t) m.errnum, "created");
      if (state == NULL || sk_hooks_run (&a->cfg->hooks.start_container, "startContainer", state, &err) < 0)
        {
          fprintf (stderr, "stockade: %s\n", sk_error_msg (&err));
          return 1;
        }
    }
  execve (exe, a->cfg->process->args, a->cfg->process->env ? a->cfg->process->env : (char *[]){ NULL });
  fprintf (stderr, "stockade: exec `%s`: %s\n", exe, strerror (errno));
  return 127;
}

/* Stage 1 keeps the host uid it was forked with until the rootfs is bound:
 * as host root it can reach a rootfs below a directory the container's host
 * uid may not search (a 0700 bundle). */
static int
enter_namespaces (struct sk_init_args *a, sk_error_t *err)
{
  const struct oci_linux *l = a->cfg->linux_cfg;
  /* The cgroup namespace is the init's to make, once it is in its cgroup. */
  int rest = a->new_ns_flags & ~(CLONE_NEWUSER | CLONE_NEWCGROUP);
  cleanup_close int rootfs_tree = -1;

  if (sk_ns_join (a->ns_fds, err) < 0)
    return -1;
  if (has_new_ns (a, CLONE_NEWUSER))
    {
      if (unshare (CLONE_NEWUSER) < 0)
        return sk_error_set (err, errno, "create user namespace");
      if (sk_sync_send (a->sync_fd, SK_SYNC_USERNS_MAP, 0, NULL) < 0
          || sk_sync_expect (a->sync_fd, SK_SYNC_USERNS_DONE, NULL, err) < 0)
        return sk_error_wrap (err, "user namespace maps");
    }
  if (a->want_idmap)
    {
      a->mount_trees = malloc ((a->cfg->n_mounts ? a->cfg->n_mounts : 1) * sizeof (int));
      if (a->mount_trees == NULL)
        return sk_error_set (err, ENOMEM, "idmapped mounts");
      for (size_t i = 0; i < a->cfg->n_mounts; i++)
        a->mount_trees[i] = -1;
      if (sk_idmap_receive_trees (a->sync_fd, &rootfs_tree, a->mount_trees, a->cfg->n_mounts, err) < 0)
        return -1;
    }
  if (rest != 0 && unshare (rest) < 0)
    return sk_error_set (err, errno, "create namespaces (flags 0x%x)", rest);
  if (has_new_ns (a, CLONE_NEWTIME) && sk_timens_write_offsets (l, err) < 0)
    return -1;
  if (has_new_ns (a, CLONE_NEWNS))
    {
      a->rootfd = sk_rootfs_prepare (a->rootfs, l ? l->rootfs_propagation : NULL, rootfs_tree, err);
      if (a->rootfd < 0)
        return -1;
    }
  if (has_new_ns (a, CLONE_NEWUSER) && (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
    return sk_error_set (err, errno, "become root in the user namespace");
  return 0;
}

int
sk_init_stage1 (const struct sk_init_args *args)
{
  cleanup_error sk_error_t err = NULL;
  struct sk_init_args stage = *args; /* stage 1 fills in rootfd and mount_trees for the init */
  struct sk_init_args *a = &stage;
  sigset_t none;
  pid_t pid;

  /* The state directory's flock belongs to the runtime's open file
   * description; a child keeping the fd would hold the lock for as long as
   * the container lives. */
  close (a->state_dirfd);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* Nothing of the runtime's memory may be read through /proc by the
   * container once we are inside its namespaces (CVE-2019-5736). */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* Inherited by the init.  Set here, still in the host's user namespace:
   * a non-dumpable process's /proc/self files belong to host root, which a
   * user-namespaced container root cannot open. */
  if (sk_process_set_oom_score_adj (a->cfg->process, &err) < 0)
    {
      sk_sync_send_error (a->sync_fd, &err);
      return 1;
    }
  if (chdir (a->bundle) < 0)
    {
      sk_error_set (&err, errno, "chdir to bundle `%s`", a->bundle);
      sk_sync_send_error (a->sync_fd, &err);
      return 1;
    }
  if (enter_namespaces (a, &err) < 0)
    {
      sk_sync_send_error (a->sync_fd, &err);
      return 1;
    }
  pid = (pid_t) syscall (SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0)
    {
      sk_error_set (&err, errno, "clone container init");
      sk_sync_send_error (a->sync_fd, &err);
      return 1;
    }
  if (pid == 0)
    _exit (container_init (a));
  return 0;
}
