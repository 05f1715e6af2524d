/* `run`: create + start; in the foreground, relay signals (and the pty when
 * the container has a terminal and no --console-socket) to the container and
 * return its exit status, then delete it (as runc does). */
#include "create.h"
#include "relay.h"
#include "statedir.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <signal.h>

/* The init starts as soon as create has recorded it (start_now): no
 * exec.fifo round trip, as in runc's and crun's run. */
static int
run_detached (const struct sk_context *ctx, const char *id, const struct sk_create_opts *o, sk_error_t *err)
{
  pid_t init;

  return sk_create_container (ctx, id, o, true, &init, NULL, err);
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
  ret = sk_create_container (ctx, id, o, true, &r.init, o->console_socket ? NULL : &r.master, err);
  /* A failed create has already removed what it made (and must not touch an
   * existing container of the same id): delete only what we created. */
  if (ret == 0)
    {
      cleanup_error sk_error_t derr = NULL;

      ret = sk_relay_run (&r, &all, err);
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
