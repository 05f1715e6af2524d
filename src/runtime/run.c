/* `run`: create + start; in the foreground, relay signals (and the pty when
 * the container has a terminal and no --console-socket) to the container and
 * return its exit status, then delete it (as runc does). */
#include "create.h"
#include "relay.h"
#include "statedir.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <signal.h>

static int
start_created (const struct sk_context *ctx, const char *id, sk_error_t *err)
{
  cleanup_statedir struct sk_statedir sd = { .dirfd = -1 };

  if (sk_statedir_open (ctx->root, id, true, &sd, err) < 0)
    return -1;
  return sk_start_locked (ctx, id, &sd, err);
}

static int
run_detached (const struct sk_context *ctx, const char *id, const struct sk_create_opts *o, sk_error_t *err)
{
  pid_t init;

  if (sk_create_container (ctx, id, o, &init, NULL, err) < 0)
    return -1;
  if (start_created (ctx, id, err) < 0)
    {
      cleanup_error sk_error_t ignored = NULL;
      sk_container_delete (ctx, id, true, &ignored);
      return -1;
    }
  return 0;
}

int
sk_container_run (const struct sk_context *ctx, const char *id, const struct sk_create_opts *o, int *exit_code,
                  sk_error_t *err)
{
  struct relay r = { .master = -1, .sigfd = -1, .stdin_open = true };
  sigset_t all, old;
  int ret;

  *exit_code = 0;
  if (o->detach)
    return run_detached (ctx, id, o, err);

  /* Block first so no signal between create and the relay loop is lost; the
   * children restore an empty mask before running anything. */
  sk_relay_signal_set (&all);
  sigprocmask (SIG_BLOCK, &all, &old);
  ret = sk_create_container (ctx, id, o, &r.init, o->console_socket ? NULL : &r.master, err);
  /* A failed create has already removed what it made (and must not touch an
   * existing container of the same id): delete only what we created. */
  if (ret == 0)
    {
      cleanup_error sk_error_t derr = NULL;

      ret = start_created (ctx, id, err);
      if (ret == 0)
        ret = sk_relay_run (&r, &all, err);
      else
        sk_closep (&r.master);
      *exit_code = r.exit_code;
      if (sk_container_delete (ctx, id, true, &derr) < 0 && ret == 0)
        {
          *err = steal_pointer (&derr);
          ret = -1;
        }
    }
  sigprocmask (SIG_SETMASK, &old, NULL);
  return ret;
}
