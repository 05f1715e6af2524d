/* Unit tests for src/linux/{proc_attr,selinux,apparmor,landlock,lsm}.c.
 * Anything that changes the calling process (Landlock, mounts) runs in a
 * forked child; tests needing root or Landlock say "skipped" in their
 * diagnostics when the host lacks them. */
#include "sk_test.h"
#include "stockade/cleanup.h"
#include "stockade/linux/lsm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct sk_log quiet = { .file_fd = -1 };

/* Run FN in a child; its exit status (0 = all good). */
static int
in_child (int (*fn) (void *), void *arg)
{
  pid_t pid = fork ();
  int st = 0;

  if (pid == 0)
    _exit (fn (arg));
  if (pid < 0 || waitpid (pid, &st, 0) < 0)
    return -1;
  return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
}

static void
read_comm (char *buf, size_t size)
{
  int fd = open ("/proc/thread-self/comm", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read (fd, buf, size - 1) : -1;

  buf[n > 0 ? n : 0] = '\0';
  if (n > 0 && buf[n - 1] == '\n')
    buf[n - 1] = '\0';
  if (fd >= 0)
    close (fd);
}

static void
test_procfs_write_self (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_close int procfd = sk_procfs_open_root (&err);
  char before[32], after[32];

  SK_CHECK (procfd >= 0);
  read_comm (before, sizeof before);
  SK_CHECK (sk_procfs_write_self (procfd, "comm", "sk-lsm-test") == 0);
  read_comm (after, sizeof after);
  SK_CHECK_STR (after, "sk-lsm-test");
  SK_CHECK (sk_procfs_write_self (procfd, "comm", before) == 0);
  SK_CHECK (sk_procfs_write_self (procfd, "no-such-file", "x") == -ENOENT);
  /* Nothing outside procfs, by any path. */
  SK_CHECK (sk_procfs_write_self (procfd, "../../etc/hostname", "x") < 0);
}

/* A file bind-mounted over our attr file must be refused, not written. */
static int
shadowed_child (void *arg)
{
  cleanup_error sk_error_t err = NULL;
  char target[64];
  int procfd;

  (void) arg;
  if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return 10;
  snprintf (target, sizeof target, "/proc/%d/task/%d/comm", getpid (), getpid ());
  if (mount ("/dev/null", target, NULL, MS_BIND, NULL) < 0)
    return 11;
  procfd = sk_procfs_open_root (&err);
  if (procfd < 0)
    return 12;
  return sk_procfs_write_self (procfd, "comm", "x") == -EXDEV ? 0 : 13;
}

static void
test_procfs_refuses_shadowed_file (void)
{
  if (geteuid () != 0)
    {
      printf ("# skipped: needs root\n");
      return;
    }
  SK_CHECK (in_child (shadowed_child, NULL) == 0);
}

static void
test_landlock_rights_per_abi (void)
{
  /* EXECUTE .. MAKE_SYM, then REFER (2), TRUNCATE (3), IOCTL_DEV (5). */
  SK_CHECK (sk_landlock_fs_handled (0) == 0);
  SK_CHECK (sk_landlock_fs_handled (1) == 0x1fffu);
  SK_CHECK (sk_landlock_fs_handled (2) == 0x3fffu);
  SK_CHECK (sk_landlock_fs_handled (3) == 0x7fffu);
  SK_CHECK (sk_landlock_fs_handled (4) == 0x7fffu);
  SK_CHECK (sk_landlock_fs_handled (5) == 0xffffu);
  SK_CHECK (sk_landlock_fs_handled (7) == 0xffffu);
  SK_CHECK (sk_landlock_fs_read_only () == 0xdu); /* EXECUTE READ_FILE READ_DIR */
}

struct ll_dirs
{
  char ro[64], rw[64], outside[64];
};

static int
try_open (const char *dir, const char *name, int flags)
{
  char path[128];
  int fd;

  snprintf (path, sizeof path, "%s/%s", dir, name);
  fd = open (path, flags | O_CLOEXEC, 0644);
  if (fd < 0)
    return -errno;
  close (fd);
  return 0;
}

static int
landlock_child (void *arg)
{
  const struct ll_dirs *d = arg;
  cleanup_error sk_error_t err = NULL;
  const char *ro[] = { d->ro, "/no/such/path", NULL }, *rw[] = { d->rw, NULL };

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return 20;
  if (sk_landlock_apply (sk_landlock_abi (), ro, rw, &err) < 0)
    {
      printf ("# %s\n", sk_error_msg (&err));
      return 21;
    }
  if (try_open (d->ro, "f", O_RDONLY) != 0)
    return 22;
  if (try_open (d->ro, "f", O_WRONLY) != -EACCES)
    return 23;
  if (try_open (d->rw, "new", O_WRONLY | O_CREAT) != 0)
    return 24;
  if (try_open (d->outside, "f", O_RDONLY) != -EACCES)
    return 25;
  return 0;
}

static void
test_landlock_apply (void)
{
  struct ll_dirs d;
  char base[] = "/tmp/sk-ll-XXXXXX";
  int r;

  if (sk_landlock_abi () <= 0)
    {
      printf ("# skipped: no Landlock in this kernel\n");
      return;
    }
  SK_CHECK (mkdtemp (base) != NULL);
  snprintf (d.ro, sizeof d.ro, "%s/ro", base);
  snprintf (d.rw, sizeof d.rw, "%s/rw", base);
  snprintf (d.outside, sizeof d.outside, "%s/out", base);
  SK_CHECK (mkdir (d.ro, 0755) == 0 && mkdir (d.rw, 0755) == 0 && mkdir (d.outside, 0755) == 0);
  SK_CHECK (try_open (d.ro, "f", O_WRONLY | O_CREAT) == 0 && try_open (d.outside, "f", O_WRONLY | O_CREAT) == 0);
  r = in_child (landlock_child, &d);
  if (r != 0)
    printf ("# landlock child exited %d\n", r);
  SK_CHECK (r == 0);
  {
    char cmd[96];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", base);
    SK_CHECK (system (cmd) == 0);
  }
}

static void
test_prepare (void)
{
  cleanup_error sk_error_t err = NULL;
  struct oci_process p = { 0 };
  struct sk_lsm l;
  const char *ro[] = { "/", NULL };

  /* Nothing asked: nothing held. */
  SK_CHECK (sk_lsm_prepare (&quiet, &p, NULL, NULL, NULL, &l, &err) == 0);
  SK_CHECK (l.proc_fd == -1 && l.selinux_label == NULL && l.apparmor_profile == NULL && l.landlock_abi == 0);

  /* A malformed label is refused on any host. */
  p.selinux_label = (char *) "container_t";
  SK_CHECK (sk_lsm_prepare (&quiet, &p, NULL, NULL, NULL, &l, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "process.selinuxLabel");
  p.selinux_label = (char *) "system_u:system_r:container_t:s0:c1,c2";
  SK_CHECK (sk_lsm_prepare (&quiet, &p, "bad label", NULL, NULL, &l, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.mountLabel");

  /* A good label: kept where SELinux is on, dropped where it is off. */
  SK_CHECK (sk_lsm_prepare (&quiet, &p, "system_u:object_r:container_file_t:s0:c1,c2", NULL, NULL, &l, &err) == 0);
  if (sk_selinux_enabled ())
    SK_CHECK (l.selinux_label != NULL && l.mount_label != NULL && l.proc_fd >= 0);
  else
    SK_CHECK (l.selinux_label == NULL && l.mount_label == NULL && l.proc_fd == -1);
  sk_lsm_release (&l);
  SK_CHECK (l.proc_fd == -1);
  p.selinux_label = NULL;

  /* AppArmor asked for where it is off: a clear error. */
  p.apparmor_profile = (char *) "stockade-test";
  if (!sk_apparmor_enabled ())
    {
      SK_CHECK (sk_lsm_prepare (&quiet, &p, NULL, NULL, NULL, &l, &err) < 0);
      SK_CHECK_STR (sk_error_msg (&err), "process.apparmorProfile: profile \"stockade-test\" requested but AppArmor "
                                         "is not enabled on this host");
    }
  p.apparmor_profile = (char *) "bad\nname";
  SK_CHECK (sk_lsm_prepare (&quiet, &p, NULL, NULL, NULL, &l, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "control character");
  p.apparmor_profile = NULL;

  /* Landlock lists: the kernel's ABI, or none (warning) without Landlock. */
  SK_CHECK (sk_lsm_prepare (&quiet, &p, NULL, ro, NULL, &l, &err) == 0);
  SK_CHECK (l.landlock_abi == (sk_landlock_abi () > 0 ? sk_landlock_abi () : 0));
  SK_CHECK (l.landlock_abi == 0 || l.landlock_ro == ro);
}

static void
test_apparmor_write_without_apparmor (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_close int procfd = sk_procfs_open_root (&err);

  if (sk_apparmor_enabled ())
    {
      printf ("# skipped: AppArmor is enabled here\n");
      return;
    }
  /* Where no LSM owns the attr file the kernel refuses the write; the error
   * names the field and the profile. */
  SK_CHECK (sk_apparmor_set_exec_profile (procfd, "stockade-test", &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "process.apparmorProfile: cannot change to profile \"stockade-test\"");
}

static void
put_attr (const char *base, const char *pid, const char *attr, const char *label)
{
  size_t len = strlen (label) + 1; /* the NUL the kernel writes too */
  char path[256];
  FILE *f;

  snprintf (path, sizeof path, "%s/%s/attr", base, pid);
  SK_CHECK (mkdir (path, 0755) == 0 || errno == EEXIST);
  strcat (path, "/");
  strcat (path, attr);
  f = fopen (path, "w");
  SK_CHECK (f != NULL);
  if (f != NULL)
    {
      SK_CHECK (fwrite (label, 1, len, f) == len);
      fclose (f);
    }
}

static void
put (const char *base, const char *pid, const char *label)
{
  put_attr (base, pid, "current", label);
}

/* A directory laid out like /proc: numeric entries with attr/current. */
static void
test_selinux_levels (void)
{
  cleanup_error sk_error_t err = NULL;
  char base[] = "/tmp/sk-proc-XXXXXX", dir[64];
  const char *pids[] = { "1", "22", "333", "4444", "self", "0x5" };
  cleanup_close int fd = -1;
  cleanup_strv char **levels = NULL;
  cleanup_free char *one = NULL;

  SK_CHECK (mkdtemp (base) != NULL);
  for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++)
    {
      snprintf (dir, sizeof dir, "%s/%s", base, pids[i]);
      SK_CHECK (mkdir (dir, 0755) == 0);
    }
  /* As the kernel writes them: a trailing NUL, sometimes a newline. */
  put (base, "1", "system_u:system_r:container_t:s0:c1,c2");
  put (base, "22", "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023\n");
  put (base, "333", "system_u:system_r:container_t:s0:c1,c2");
  put (base, "4444", "kernel");
  put (base, "self", "system_u:system_r:container_t:s0:c9,c10");
  put (base, "0x5", "system_u:system_r:container_t:s0:c11,c12");
  /* A created container's init: its level is still only its exec label. */
  put_attr (base, "4444", "exec", "system_u:system_r:container_t:s0:c3,c4");
  fd = open (base, O_PATH | O_DIRECTORY | O_CLOEXEC);
  SK_CHECK (fd >= 0 && sk_selinux_levels_in_use (fd, &levels, &err) == 0);
  SK_CHECK (levels != NULL && sk_strv_len (levels) == 3);
  {
    int seen = 0;
    for (size_t i = 0; levels != NULL && levels[i] != NULL; i++)
      seen |= (strcmp (levels[i], "s0:c1,c2") == 0 ? 1 : 0) | (strcmp (levels[i], "s0-s0:c0.c1023") == 0 ? 2 : 0)
              | (strcmp (levels[i], "s0:c3,c4") == 0 ? 4 : 0);
    SK_CHECK (seen == 7);
  }
  SK_CHECK (sk_selinux_level_of (fd, 22, &one, &err) == 0);
  SK_CHECK_STR (one, "s0-s0:c0.c1023");
  SK_CHECK (sk_selinux_level_of (fd, 4444, &one, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "process 4444 runs as \"kernel\", which has no level");
  SK_CHECK (sk_selinux_level_of (fd, 999, &one, &err) < 0);
  {
    char cmd[96];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", base);
    SK_CHECK (system (cmd) == 0);
  }
}

int
main (void)
{
  SK_RUN (test_procfs_write_self);
  SK_RUN (test_procfs_refuses_shadowed_file);
  SK_RUN (test_landlock_rights_per_abi);
  SK_RUN (test_landlock_apply);
  SK_RUN (test_prepare);
  SK_RUN (test_apparmor_write_without_apparmor);
  SK_RUN (test_selinux_levels);
  return sk_test_done ();
}
