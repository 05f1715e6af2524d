/* `run`: create + start; in the foreground, relay signals to the container
 * and return its exit status, then delete it (as runc does). */
#include "create.h"
#include "statedir.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

static int
start_created (const struct sk_context *ctx, const char *id, sk_error_t *err)
{
  cleanup_statedir struct sk_statedir sd = { .dirfd = -1 };

  if (sk_statedir_open (ctx->root, id, true, &sd, err) < 0)
    return -1;
  return sk_start_locked (id, &sd, err);
}

static int
exit_code_of (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 255;
}

/* Wait for the init while forwarding every catchable signal to it. */
static int
relay_until_exit (pid_t init, int *exit_code, const sigset_t *set)
{
  for (;;)
    {
      siginfo_t info;
      int sig = sigwaitinfo (set, &info);

      if (sig < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      if (sig == SIGCHLD)
        {
          int status;
          pid_t p;
          while ((p = waitpid (-1, &status, WNOHANG)) > 0)
            if (p == init)
              {
                *exit_code = exit_code_of (status);
                return 0;
              }
          continue;
        }
      kill (init, sig);
    }
}

int
sk_container_run (const struct sk_context *ctx, const char *id, const struct sk_create_opts *o, int *exit_code,
                  sk_error_t *err)
{
  sigset_t all, old;
  pid_t init;
  int r;

  *exit_code = 0;
  if (o->detach)
    {
      if (sk_create_container (ctx, id, o, &init, err) < 0)
        return -1;
      if (start_created (ctx, id, err) < 0)
        {
          cleanup_error sk_error_t ignored = NULL;
          sk_container_delete (ctx, id, true, &ignored);
          return -1;
        }
      return 0;
    }

  /* Block first so no signal between create and the relay loop is lost; the
   * children restore an empty mask before running anything. */
  sigfillset (&all);
  sigdelset (&all, SIGSEGV);
  sigdelset (&all, SIGBUS);
  sigdelset (&all, SIGILL);
  sigdelset (&all, SIGFPE);
  sigprocmask (SIG_BLOCK, &all, &old);
  r = sk_create_container (ctx, id, o, &init, err);
  /* A failed create has already removed what it made (and must not touch an
   * existing container of the same id): delete only what we created. */
  if (r == 0)
    {
      cleanup_error sk_error_t derr = NULL;

      if (start_created (ctx, id, err) < 0)
        r = -1;
      if (r == 0 && relay_until_exit (init, exit_code, &all) < 0)
        r = sk_error_set (err, errno, "wait for container \"%s\"", id);
      if (sk_container_delete (ctx, id, true, &derr) < 0 && r == 0)
        {
          *err = steal_pointer (&derr);
          r = -1;
        }
    }
  sigprocmask (SIG_SETMASK, &old, NULL);
  return r;
}
