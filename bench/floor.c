/* floor.c: the least a container start has to do, to measure runtimes against.
 *
 *   floor --prepare FILTER SYSCALL...   compile an allow-list seccomp filter
 *                                       (EPERM for the rest) to raw BPF in FILTER
 *   floor ROOTFS FILTER                 run /bin/true in ROOTFS
 *
 * The run: clone with new user, pid, mount, network, ipc, uts and cgroup
 * namespaces; the parent writes a one-id uid/gid map (host root -> container
 * root would defeat the user namespace, so 0 maps to an unprivileged host id)
 * while the child waits on a pipe; the child binds ROOTFS onto itself,
 * mounts /proc, pivot_roots into it, drops every capability, sets
 * no_new_privs, loads the prepared BPF and execs /bin/true.  The parent
 * returns the child's exit status.  No config parsing, no state, no cgroup:
 * a floor, not a runtime.  Benchmark code: errors exit with a message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOST_ID 1879048192u /* outside the profile's range and any real user */

static void
die (const char *what)
{
  fprintf (stderr, "floor: %s: %s\n", what, strerror (errno));
  _exit (125);
}

static int
prepare (const char *out, int n, char **names)
{
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ERRNO (EPERM));
  if (ctx == NULL)
    die ("seccomp_init");
  /* The binary tree Stockade builds too (cheapest for the kernel to load). */
  seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  for (int i = 0; i < n; i++)
    {
      int nr = seccomp_syscall_resolve_name (names[i]);
      if (nr == __NR_SCMP_ERROR)
        continue; /* a name from another architecture */
      if (seccomp_rule_add (ctx, SCMP_ACT_ALLOW, nr, 0) < 0)
        continue; /* a pseudo-syscall libseccomp cannot place on this arch */
    }
  int fd = open (out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    die (out);
  errno = 0;
  if (seccomp_export_bpf (ctx, fd) < 0)
    die ("seccomp_export_bpf");
  close (fd);
  seccomp_release (ctx);
  return 0;
}

struct child_args
{
  const char *rootfs;
  struct sock_fprog prog;
  int sync_rd;
};

static char child_stack[64 * 1024] __attribute__ ((aligned (16)));

static int
child (void *arg)
{
  struct child_args *a = arg;
  char c;

  if (read (a->sync_rd, &c, 1) != 1) /* the parent wrote our id maps */
    die ("wait for id maps");
  close (a->sync_rd);
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    die ("make / private");
  if (mount (a->rootfs, a->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    die ("bind rootfs");
  if (chdir (a->rootfs) < 0)
    die ("chdir rootfs");
  /* Before the pivot: a user namespace may mount proc only while a full
     proc is visible in its mount namespace (the old root's). */
  if (mount ("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    die ("mount /proc");
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    die ("pivot_root");
  if (umount2 (".", MNT_DETACH) < 0)
    die ("detach old root");
  if (chdir ("/") < 0)
    die ("chdir /");

  for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
    if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
      die ("drop bounding set");
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  memset (data, 0, sizeof data);
  if (syscall (SYS_capset, &hdr, data) < 0)
    die ("capset");
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    die ("no_new_privs");
  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &a->prog) < 0)
    die ("load seccomp filter");

  char *const argv[] = { "/bin/true", NULL };
  char *const envp[] = { "PATH=/bin:/usr/bin", NULL };
  execve (argv[0], argv, envp);
  die ("execve /bin/true");
  return 125;
}

static void
write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t) strlen (text))
    die (path);
  close (fd);
}

static struct sock_fprog
read_filter (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    die (path);
  if (st.st_size == 0 || st.st_size % sizeof (struct sock_filter) != 0)
    {
      errno = EINVAL;
      die (path);
    }
  struct sock_filter *insns = malloc (st.st_size);
  if (insns == NULL || read (fd, insns, st.st_size) != st.st_size)
    die (path);
  close (fd);
  return (struct sock_fprog){ .len = st.st_size / sizeof *insns, .filter = insns };
}

int
main (int argc, char **argv)
{
  if (argc >= 3 && strcmp (argv[1], "--prepare") == 0)
    return prepare (argv[2], argc - 3, argv + 3);
  if (argc != 3)
    {
      fprintf (stderr, "usage: floor ROOTFS FILTER | floor --prepare FILTER SYSCALL...\n");
      return 2;
    }

  struct child_args a = { .rootfs = argv[1], .prog = read_filter (argv[2]) };
  int sync[2];
  if (pipe2 (sync, O_CLOEXEC) < 0)
    die ("pipe");
  a.sync_rd = sync[0];
  int flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC
              | CLONE_NEWUTS | CLONE_NEWCGROUP | SIGCHLD;
  pid_t pid = clone (child, child_stack + sizeof child_stack, flags, &a);
  if (pid < 0)
    die ("clone");
  close (sync[0]);

  char path[64], map[64];
  snprintf (map, sizeof map, "0 %u 1\n", HOST_ID);
  snprintf (path, sizeof path, "/proc/%d/setgroups", pid);
  write_file (path, "deny");
  snprintf (path, sizeof path, "/proc/%d/uid_map", pid);
  write_file (path, map);
  snprintf (path, sizeof path, "/proc/%d/gid_map", pid);
  write_file (path, map);
  if (write (sync[1], "g", 1) != 1)
    die ("release child");
  close (sync[1]);

  int status;
  if (waitpid (pid, &status, 0) < 0)
    die ("waitpid");
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}
