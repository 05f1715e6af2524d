/* Helpers shared by the seccomp unit tests.  Include after sk_test.h. */
#ifndef SECCOMP_TEST_UTIL_H
#define SECCOMP_TEST_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stockade/cleanup.h"
#include "stockade/linux/seccomp.h"

#define N_ELEMS(t) (sizeof (t) / sizeof ((t)[0]))
#define NAMES(...) ((char *[]) { __VA_ARGS__, NULL })
#define ERRNO_RET(val) ((sk_opt_u32) { .set = true, .v = (val) })

#define CHILD_EXPECT(cond, code)                                                \
  do                                                                            \
    {                                                                           \
      if (!(cond))                                                              \
        return (code);                                                          \
    }                                                                           \
  while (0)

static inline struct oci_seccomp
filter_of (const char *def, struct oci_seccomp_syscall *sc, size_t n)
{
  return (struct oci_seccomp) { .default_action = (char *) def, .syscalls = sc, .n_syscalls = n };
}

static inline struct sk_seccomp *
build_ok (const struct oci_seccomp *s, const struct sk_log *log)
{
  cleanup_error sk_error_t err = NULL;
  struct sk_seccomp *f = NULL;

  if (sk_seccomp_build (s, log, &f, &err) < 0)
    printf ("# build failed: %s\n", sk_error_msg (&err));
  SK_CHECK (f != NULL);
  return f;
}

/* Leave a forked child with the bare syscall: sanitizers hook _exit() to run
 * a leak check, which needs syscalls the child's filter may deny (and would
 * report the parent's allocations anyway).  Deliberately without a loop or
 * noreturn (which gcc would infer from one): ASan precedes every noreturn
 * call with a sigaltstack() the filter may deny.  exit_group cannot fail. */
static inline void
child_exit (int code)
{
  fflush (stdout);
  syscall (SYS_exit_group, code);
}

/* In a child about to load a filter: no core dumps from SIGSYS, no hanging
 * the suite, and no_new_privs so no privilege is needed. */
static inline void
child_prepare (void)
{
  struct rlimit no_core = { 0, 0 };

  setrlimit (RLIMIT_CORE, &no_core);
  alarm (20);
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    child_exit (101);
}

static inline void
child_load (const struct sk_seccomp *f, int *notify_fd)
{
  sk_error_t err = NULL;

  if (sk_seccomp_load (f, notify_fd, &err) < 0)
    {
      printf ("# load: %s\n", sk_error_msg (&err));
      child_exit (100);
    }
}

typedef int (*child_fn) (void *arg);

/* Fork, load f in the child, run fn there; return the wait status.  Exit
 * codes: 0 = all good, 1..99 = the failed check, 100+ = setup failure. */
static inline int
run_filtered (const struct sk_seccomp *f, child_fn fn, void *arg)
{
  int status = -1;
  pid_t pid;

  fflush (stdout);
  pid = fork ();
  if (pid < 0)
    return -1;
  if (pid == 0)
    {
      int nfd = -1;

      child_prepare ();
      child_load (f, &nfd);
      child_exit (fn (arg));
    }
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return status;
}

static inline bool
exited_ok (int status)
{
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return true;
  printf ("# child status: %s %d\n", WIFEXITED (status) ? "exit" : "signal",
          WIFEXITED (status) ? WEXITSTATUS (status) : WTERMSIG (status));
  return false;
}

static inline bool
killed_by_sigsys (int status)
{
  if (WIFSIGNALED (status) && WTERMSIG (status) == SIGSYS)
    return true;
  printf ("# child status: %s %d, wanted SIGSYS\n", WIFEXITED (status) ? "exit" : "signal",
          WIFEXITED (status) ? WEXITSTATUS (status) : WTERMSIG (status));
  return false;
}

/* syscall() with its errno, so children test the kernel's raw answers. */
static inline long
raw (long nr, long a, long b, int *err_out)
{
  long r;

  errno = 0;
  r = syscall (nr, a, b);
  *err_out = errno;
  return r;
}

#endif
