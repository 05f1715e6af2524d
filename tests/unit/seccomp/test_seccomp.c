/* Unit tests for src/linux/seccomp_*.c.  No root needed: filters are built
 * in this process and loaded only inside forked children (with
 * no_new_privs), which report what they saw through their exit status. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "sk_test.h"
#include "seccomp_test_util.h"

static void
expect_build_error (const struct oci_seccomp *s, const char *want)
{
  cleanup_error sk_error_t err = NULL;
  struct sk_seccomp *f = NULL;

  SK_CHECK (sk_seccomp_build (s, NULL, &f, &err) < 0);
  SK_CHECK (f == NULL);
  SK_CHECK_CONTAINS (sk_error_msg (&err), want);
  sk_seccomp_free (f);
}

/* ---- tables ----------------------------------------------------------- */

static void
test_tables (void)
{
  uint32_t v = 1;
  bool takes = true;
  int op = -1, attr = 0;
  unsigned int kflag = 0;

  SK_CHECK (sk_seccomp_action_lookup ("SCMP_ACT_KILL", &v, &takes) && v == SCMP_ACT_KILL_THREAD && !takes);
  SK_CHECK (sk_seccomp_action_lookup ("SCMP_ACT_KILL_PROCESS", &v, &takes) && v == SCMP_ACT_KILL_PROCESS);
  SK_CHECK (sk_seccomp_action_lookup ("SCMP_ACT_ERRNO", &v, &takes) && v == SCMP_ACT_ERRNO (0) && takes);
  SK_CHECK (sk_seccomp_action_lookup ("SCMP_ACT_TRACE", &v, &takes) && v == SCMP_ACT_TRACE (0) && takes);
  SK_CHECK (sk_seccomp_action_lookup ("SCMP_ACT_NOTIFY", &v, &takes) && v == SCMP_ACT_NOTIFY && !takes);
  SK_CHECK (!sk_seccomp_action_lookup ("SCMP_ACT_FOO", &v, &takes));
  SK_CHECK (!sk_seccomp_action_lookup (NULL, &v, &takes));
  SK_CHECK (sk_seccomp_op_lookup ("SCMP_CMP_MASKED_EQ", &op) && op == SCMP_CMP_MASKED_EQ);
  SK_CHECK (sk_seccomp_op_lookup ("SCMP_CMP_NE", &op) && op == SCMP_CMP_NE);
  SK_CHECK (!sk_seccomp_op_lookup ("SCMP_CMP_FOO", &op));
  SK_CHECK (sk_seccomp_arch_lookup ("SCMP_ARCH_X86_64", &v) && v == SCMP_ARCH_X86_64);
  SK_CHECK (sk_seccomp_arch_lookup ("SCMP_ARCH_X32", &v) && v == SCMP_ARCH_X32);
  SK_CHECK (sk_seccomp_arch_lookup ("SCMP_ARCH_SHEB", &v)); /* known; 0 if this libseccomp lacks it */
  SK_CHECK (!sk_seccomp_arch_lookup ("SCMP_ARCH_VAX", &v));
  SK_CHECK (sk_seccomp_flag_lookup ("SECCOMP_FILTER_FLAG_TSYNC", &attr, &kflag) && attr == SCMP_FLTATR_CTL_TSYNC
            && kflag == SECCOMP_FILTER_FLAG_TSYNC);
  SK_CHECK (sk_seccomp_flag_lookup ("SECCOMP_FILTER_FLAG_SPEC_ALLOW", &attr, &kflag) && attr == SCMP_FLTATR_CTL_SSB
            && kflag == SECCOMP_FILTER_FLAG_SPEC_ALLOW);
  SK_CHECK (sk_seccomp_flag_lookup ("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", &attr, &kflag));
  SK_CHECK (!sk_seccomp_flag_lookup ("SECCOMP_FILTER_FLAG_NEW_LISTENER", &attr, &kflag));
}

/* ---- building --------------------------------------------------------- */

static void
test_build_and_export (void)
{
  struct oci_seccomp s = filter_of ("SCMP_ACT_ALLOW", NULL, 0);
  cleanup_error sk_error_t err = NULL;
  struct sk_seccomp *f = build_ok (&s, NULL);
  cleanup_free void *bpf = NULL;
  size_t len = 0;

  if (f == NULL)
    return;
  SK_CHECK (!sk_seccomp_needs_listener (f));
  SK_CHECK (sk_seccomp_export_bpf (f, &bpf, &len, &err) == 0);
  SK_CHECK (bpf != NULL && len > 0 && len % 8 == 0); /* whole struct sock_filter */
  sk_seccomp_free (f);
  sk_seccomp_free (NULL);
}

static void
test_build_errors (void)
{
  struct oci_seccomp_arg bad_op[] = { { .index = 0, .value = 1, .op = "SCMP_CMP_EQ" },
                                      { .index = 1, .value = 1, .op = "SCMP_CMP_FOO" } };
  struct oci_seccomp_arg bad_index[] = { { .index = 6, .value = 1, .op = "SCMP_CMP_EQ" } };
  struct oci_seccomp_syscall four[] = {
    { .names = NAMES ("read"), .action = "SCMP_ACT_ERRNO" },
    { .names = NAMES ("write"), .action = "SCMP_ACT_ERRNO" },
    { .names = NAMES ("close"), .action = "SCMP_ACT_ERRNO" },
    { .names = NAMES ("mkdir"), .action = "SCMP_ACT_ERRNO", .args = &bad_op[1], .n_args = 1 },
  };
  struct oci_seccomp s;

  s = filter_of ("SCMP_ACT_FOO", NULL, 0);
  expect_build_error (&s, "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_FOO\"");

  s = filter_of ("SCMP_ACT_ALLOW", NULL, 0);
  s.default_errno_ret = ERRNO_RET (1);
  expect_build_error (&s, "linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not "
                          "SCMP_ACT_ALLOW");

  s = filter_of ("SCMP_ACT_ERRNO", NULL, 0);
  s.default_errno_ret = ERRNO_RET (70000);
  expect_build_error (&s, "linux.seccomp.defaultErrnoRet: 70000 is out of range");

  s = filter_of ("SCMP_ACT_ALLOW", NULL, 0);
  s.architectures = NAMES ("SCMP_ARCH_X86_64", "SCMP_ARCH_VAX");
  expect_build_error (&s, "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"");

#ifndef SCMP_ARCH_SH
  s.architectures = NAMES ("SCMP_ARCH_SH");
  expect_build_error (&s, "linux.seccomp.architectures[0]: SCMP_ARCH_SH is not supported by this libseccomp");
#endif

  s = filter_of ("SCMP_ACT_ALLOW", NULL, 0);
  s.flags = NAMES ("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_BOGUS");
  expect_build_error (&s, "linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"");

  s = filter_of ("SCMP_ACT_ALLOW", four, N_ELEMS (four));
  expect_build_error (&s, "linux.seccomp.syscalls[3].args[0].op: unknown operator \"SCMP_CMP_FOO\"");

  four[3].args = bad_op;
  four[3].n_args = 2;
  expect_build_error (&s, "linux.seccomp.syscalls[3].args[1].op: unknown operator \"SCMP_CMP_FOO\"");

  four[3].args = bad_index;
  four[3].n_args = 1;
  expect_build_error (&s, "linux.seccomp.syscalls[3].args[0].index: 6 is out of range");

  four[3].n_args = 0;
  four[1].action = "SCMP_ACT_BOGUS";
  expect_build_error (&s, "linux.seccomp.syscalls[1].action: unknown action \"SCMP_ACT_BOGUS\"");

  four[1].action = "SCMP_ACT_KILL_PROCESS";
  four[1].errno_ret = ERRNO_RET (1);
  expect_build_error (&s, "linux.seccomp.syscalls[1].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");

  four[1].action = "SCMP_ACT_ERRNO";
  four[1].errno_ret = ERRNO_RET (65536);
  expect_build_error (&s, "linux.seccomp.syscalls[1].errnoRet: 65536 is out of range");

  /* A rule equal to the default is skipped, but still checked. */
  four[1].errno_ret = ERRNO_RET (1);
  four[0].action = "SCMP_ACT_ALLOW";
  four[0].args = bad_op;
  four[0].n_args = 2;
  expect_build_error (&s, "linux.seccomp.syscalls[0].args[1].op: unknown operator");
}

/* Which filters ask for a listener; actions that only build here. */
static void
test_needs_listener (void)
{
  struct oci_seccomp_syscall sc[] = {
    { .names = NAMES ("getcwd"), .action = "SCMP_ACT_ALLOW" },
    { .names = NAMES ("ptrace"), .action = "SCMP_ACT_TRACE", .errno_ret = ERRNO_RET (77) },
  };
  struct oci_seccomp s = filter_of ("SCMP_ACT_NOTIFY", sc, N_ELEMS (sc));
  struct sk_seccomp *f;

  s.listener_path = "/run/agent.sock";
  f = build_ok (&s, NULL);
  SK_CHECK (sk_seccomp_needs_listener (f));
  sk_seccomp_free (f);

  s.default_action = "SCMP_ACT_LOG";
  sc[0].action = "SCMP_ACT_NOTIFY";
  f = build_ok (&s, NULL);
  SK_CHECK (sk_seccomp_needs_listener (f));
  sk_seccomp_free (f);

  sc[0].action = "SCMP_ACT_KILL_PROCESS";
  f = build_ok (&s, NULL);
  SK_CHECK (!sk_seccomp_needs_listener (f));
  SK_CHECK (!sk_seccomp_needs_listener (NULL));
  sk_seccomp_free (f);
}

/* A rule equal to the default action (libseccomp refuses those) is dropped;
 * so is an ERRNO rule with the default's errno, but not one with another. */
static void
test_rule_equal_to_default_skipped (void)
{
  struct oci_seccomp_syscall sc[] = {
    { .names = NAMES ("getcwd"), .action = "SCMP_ACT_ALLOW" },
  };
  struct oci_seccomp s = filter_of ("SCMP_ACT_ALLOW", sc, N_ELEMS (sc));
  struct oci_seccomp_syscall sc2[] = {
    { .names = NAMES ("getcwd"), .action = "SCMP_ACT_ERRNO" },
    { .names = NAMES ("mkdir"), .action = "SCMP_ACT_ERRNO", .errno_ret = ERRNO_RET (ENOENT) },
  };
  struct oci_seccomp s2 = filter_of ("SCMP_ACT_ERRNO", sc2, N_ELEMS (sc2));

  sk_seccomp_free (build_ok (&s, NULL));
  sk_seccomp_free (build_ok (&s2, NULL));
}

static void
test_unknown_syscall_skipped (void)
{
  cleanup_close int logfd = memfd_create ("log", MFD_CLOEXEC);
  struct sk_log log = { .file_fd = logfd, .json = false, .debug = true };
  struct oci_seccomp_syscall sc[] = {
    { .names = NAMES ("no_such_syscall_xyz", "getcwd"), .action = "SCMP_ACT_ERRNO" },
  };
  struct oci_seccomp s = filter_of ("SCMP_ACT_ALLOW", sc, N_ELEMS (sc));
  struct sk_seccomp *f;
  char buf[4096] = "";

  SK_CHECK (logfd >= 0);
  f = build_ok (&s, &log);
  SK_CHECK (pread (logfd, buf, sizeof buf - 1, 0) > 0);
  SK_CHECK_CONTAINS (buf, "linux.seccomp.syscalls[0].names[0]: unknown syscall \"no_such_syscall_xyz\" skipped");
  sk_seccomp_free (f);
  /* And without a log. */
  sk_seccomp_free (build_ok (&s, NULL));
}

/* ---- behaviour in a child --------------------------------------------- */

static int
child_mkdir_eperm (void *arg)
{
  (void) arg;
  CHILD_EXPECT (mkdir ("/tmp/stockade-seccomp-test-never", 0700) < 0, 1);
  CHILD_EXPECT (errno == EPERM, 2);
  return 0;
}

static void
test_errno_default_eperm (void)
{
  struct oci_seccomp_syscall sc[] = {
    { .names = NAMES ("mkdir", "mkdirat"), .action = "SCMP_ACT_ERRNO" },
  };
  struct oci_seccomp s = filter_of ("SCMP_ACT_ALLOW", sc, N_ELEMS (sc));
  struct sk_seccomp *f = build_ok (&s, NULL);

  if (f != NULL)
    SK_CHECK (exited_ok (run_filtered (f, child_mkdir_eperm, NULL)));
  sk_seccomp_free (f);
}

static int
child_getcwd_enomsg (void *arg)
{
  char buf[256];

  (void) arg;
  CHILD_EXPECT (getcwd (buf, sizeof buf) == NULL, 1);
  CHILD_EXPECT (errno == ENOMSG, 2);
  return 0;
}

static void
test_custom_errno (void)
{
  struct oci_seccomp_syscall sc[] = {
    { .names = NAMES ("getcwd"), .action = "SCMP_ACT_ERRNO", .errno_ret = ERRNO_RET (ENOMSG) },
  };
  struct oci_seccomp s = filter_of ("SCMP_ACT_ALLOW", sc, N_ELEMS (sc));
  struct sk_seccomp *f = build_ok (&s, NULL);

  if (f != NULL)
    SK_CHECK (exited_ok (run_filtered (f, child_getcwd_enomsg, NULL)));
  sk_seccomp_free (f);
}

static int
child_default_errno (void *arg)
{
  int e;

  (void) arg;
  /* Only raw syscalls until _exit: everything else is denied. */
  CHILD_EXPECT (raw (SYS_getppid, 0, 0, &e) == -1 && e == 1234, 1);
  CHILD_EXPECT (raw (SYS_getpid, 0, 0, &e) > 0, 2);
  return 0;
}

static void
test_default_errno_ret (void)
{
  struct oci_seccomp_syscall sc[] = {
    { .names = NAMES ("exit", "exit_group", "getpid"), .action = "SCMP_ACT_ALLOW" },
  };
  struct oci_seccomp s = filter_of ("SCMP_ACT_ERRNO", sc, N_ELEMS (sc));
  struct sk_seccomp *f;

  s.default_errno_ret = ERRNO_RET (1234);
  f = build_ok (&s, NULL);
  if (f != NULL)
    SK_CHECK (exited_ok (run_filtered (f, child_default_errno, NULL)));
  sk_seccomp_free (f);
}

static int
child_fcntl_and (void *arg)
{
  int fd = *(int *) arg, e;

  CHILD_EXPECT (raw (SYS_fcntl, fd, F_GETFD, &e) == -1 && e == EPERM, 1);
  CHILD_EXPECT (raw (SYS_fcntl, fd, F_GETFL, &e) >= 0, 2);      /* second arg differs */
  CHILD_EXPECT (raw (SYS_fcntl, fd + 1, F_GETFD, &e) >= 0, 3);  /* first arg differs */
  return 0;
}

/* Conditions on different args: one rule, all must match (AND). */
static void
test_args_and (void)
{
  int fds[2];
  struct oci_seccomp_arg args[] = { { .index = 1, .value = F_GETFD, .op = "SCMP_CMP_EQ" },
                                    { .index = 0, .value = 0, .op = "SCMP_CMP_EQ" } };
  struct oci_seccomp_syscall sc[] = {
    { .names = NAMES ("fcntl", "fcntl64"), .action = "SCMP_ACT_ERRNO", .args = args, .n_args = 2 },
  };
  struct oci_seccomp s = filter_of ("SCMP_ACT_ALLOW", sc, N_ELEMS (sc));
  struct sk_seccomp *f;

  SK_CHECK (pipe2 (fds, O_CLOEXEC) == 0);
  args[1].value = (uint64_t) fds[0];
  f = build_ok (&s, NULL);
  if (f != NULL)
    SK_CHECK (exited_ok (run_filtered (f, child_fcntl_and, &fds[0])));
  sk_seccomp_free (f);
  close (fds[0]);
  close (fds[1]);
}

static int
child_umask_or (void *arg)
{
  int e;

  (void) arg;
  /* MASKED_EQ: (umask & 0070) == 0020 */
  CHILD_EXPECT (raw (SYS_umask, 0022, 0, &e) == -1 && e == EACCES, 1);
  CHILD_EXPECT (raw (SYS_umask, 0727, 0, &e) == -1 && e == EACCES, 2);
  CHILD_EXPECT (raw (SYS_umask, 0005, 0, &e) == -1 && e == EACCES, 3); /* EQ 0005 */
  CHILD_EXPECT (raw (SYS_umask, 0077, 0, &e) >= 0, 4);                 /* neither */
  CHILD_EXPECT (raw (SYS_umask, 0002, 0, &e) >= 0, 5);
  CHILD_EXPECT (raw (SYS_umask, 0007, 0, &e) >= 0, 6);
  return 0;
}

/* Two conditions on the same arg: one rule each, either matches (OR);
 * MASKED_EQ takes value = mask, valueTwo = datum. */
static void
test_args_masked_eq_or (void)
{
  struct oci_seccomp_arg args[] = { { .index = 0, .value = 0070, .value_two = 0020, .op = "SCMP_CMP_MASKED_EQ" },
                                    { .index = 0, .value = 0005, .op = "SCMP_CMP_EQ" } };
  struct oci_seccomp_syscall sc[] = {
    { .names = NAMES ("umask"), .action = "SCMP_ACT_ERRNO", .errno_ret = ERRNO_RET (EACCES), .args = args,
      .n_args = 2 },
  };
  struct oci_seccomp s = filter_of ("SCMP_ACT_ALLOW", sc, N_ELEMS (sc));
  struct sk_seccomp *f = build_ok (&s, NULL);

  if (f != NULL)
    SK_CHECK (exited_ok (run_filtered (f, child_umask_or, NULL)));
  sk_seccomp_free (f);
}

static int
child_getppid (void *arg)
{
  int e;

  (void) arg;
  raw (SYS_getppid, 0, 0, &e);
  return 0;
}

static int
child_getppid_enosys (void *arg)
{
  int e;

  (void) arg;
  CHILD_EXPECT (raw (SYS_getppid, 0, 0, &e) == -1 && e == ENOSYS, 1);
  return 0;
}

static int
child_getppid_works (void *arg)
{
  int e;

  CHILD_EXPECT (raw (SYS_getppid, 0, 0, &e) == (long) *(pid_t *) arg, 1);
  return 0;
}

static int
run_getppid_rule (const char *action, child_fn fn, void *arg)
{
  struct oci_seccomp_syscall sc[] = { { .names = NAMES ("getppid"), .action = (char *) action } };
  struct oci_seccomp s = filter_of ("SCMP_ACT_ALLOW", sc, N_ELEMS (sc));
  struct sk_seccomp *f = build_ok (&s, NULL);
  int status = -1;

  if (f != NULL)
    status = run_filtered (f, fn, arg);
  sk_seccomp_free (f);
  return status;
}

static void
test_kill_actions (void)
{
  SK_CHECK (killed_by_sigsys (run_getppid_rule ("SCMP_ACT_KILL_PROCESS", child_getppid, NULL)));
  SK_CHECK (killed_by_sigsys (run_getppid_rule ("SCMP_ACT_KILL_THREAD", child_getppid, NULL)));
  SK_CHECK (killed_by_sigsys (run_getppid_rule ("SCMP_ACT_KILL", child_getppid, NULL)));
  SK_CHECK (killed_by_sigsys (run_getppid_rule ("SCMP_ACT_TRAP", child_getppid, NULL)));
}

static void
test_trace_and_log (void)
{
  pid_t me = getpid ();

  /* With no tracer attached the kernel fails a TRACE'd syscall with ENOSYS. */
  SK_CHECK (exited_ok (run_getppid_rule ("SCMP_ACT_TRACE", child_getppid_enosys, NULL)));
  SK_CHECK (exited_ok (run_getppid_rule ("SCMP_ACT_LOG", child_getppid_works, &me)));
  SK_CHECK (exited_ok (run_getppid_rule ("SCMP_ACT_ALLOW", child_getppid_works, &me)));
}

/* Extra architectures (the native one again, 32-bit names that are pseudo
 * syscalls on x86_64) and every flag still give a filter that loads. */
static void
test_flags_and_architectures (void)
{
  struct oci_seccomp_syscall sc[] = {
    { .names = NAMES ("mkdir", "mkdirat", "socketcall", "ipc"), .action = "SCMP_ACT_ERRNO" },
  };
  struct oci_seccomp s = filter_of ("SCMP_ACT_ALLOW", sc, N_ELEMS (sc));
  struct sk_seccomp *f;

  s.architectures = NAMES ("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
  s.flags = NAMES ("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                   "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" /* ignored: no listener */);
  f = build_ok (&s, NULL);
  if (f != NULL)
    {
      SK_CHECK (!sk_seccomp_needs_listener (f));
      SK_CHECK (exited_ok (run_filtered (f, child_mkdir_eperm, NULL)));
    }
  sk_seccomp_free (f);
}

int
main (void)
{
  /* The children's SIGSYS must not be inherited as ignored. */
  signal (SIGSYS, SIG_DFL);
  SK_RUN (test_tables);
  SK_RUN (test_build_and_export);
  SK_RUN (test_build_errors);
  SK_RUN (test_needs_listener);
  SK_RUN (test_rule_equal_to_default_skipped);
  SK_RUN (test_unknown_syscall_skipped);
  SK_RUN (test_errno_default_eperm);
  SK_RUN (test_custom_errno);
  SK_RUN (test_default_errno_ret);
  SK_RUN (test_args_and);
  SK_RUN (test_args_masked_eq_or);
  SK_RUN (test_kill_actions);
  SK_RUN (test_trace_and_log);
  SK_RUN (test_flags_and_architectures);
  return sk_test_done ();
}
