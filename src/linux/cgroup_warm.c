/* Paying the first cgroup migration's grace period in the background.
 *
 * Every write to a cgroup.procs file takes the kernel's global
 * cgroup_threadgroup_rwsem for writing.  After a quiet spell that lock first
 * waits for an RCU grace period (rcu_sync_enter); writers within about one
 * grace period of the last one do not wait.  On this 2-core VM the wait is
 * 6-30 ms: more than everything else `run` does.  crun and runc pay it in
 * full while the container's first process waits.
 *
 * sk_cgroup_warm_start starts a thread that moves the calling process into
 * the cgroup it is already in (writes "0" to its own cgroup.procs: nothing
 * changes, but the lock is taken), so the grace period elapses while the
 * caller goes on setting the container up; the container's own move is then
 * free.  The lock is global, so any hierarchy the caller can see does.
 *
 * The writer holds cgroup_mutex while it waits, so mkdir in cgroupfs waits
 * too: start it once the container's cgroup exists.  The thread makes only
 * open/write/close system calls and holds no lock of the C library, so the
 * caller may fork while it runs (the child has only the forking thread).
 * Best effort: a failure only loses the head start. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "stockade/cleanup.h"

static void *
warm_thread (void *arg)
{
  const char *procs = arg;
  int fd = open (procs, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd >= 0)
    {
      if (write (fd, "0", 1) < 0)
        {
          /* Nothing to do: the head start is lost, not the container. */
        }
      close (fd);
    }
  return NULL;
}

void
sk_cgroup_warm_start (struct sk_cgroup_warm *w, const struct sk_cgroup *cg)
{
  w->running = false;
  w->procs = NULL;
  for (size_t i = 0; cg != NULL && i < cg->l.n && w->procs == NULL; i++)
    if (cg->l.h[i].self != NULL && asprintf (&w->procs, "%s%s/cgroup.procs", cg->l.h[i].mount, cg->l.h[i].self) < 0)
      w->procs = NULL;
  if (w->procs != NULL)
    {
      /* The thread takes no signal: a process-directed one (SIGCHLD for the
       * caller's signalfd) must not be consumed by it. */
      sigset_t all, old;
      sigfillset (&all);
      pthread_sigmask (SIG_BLOCK, &all, &old);
      w->running = pthread_create (&w->thread, NULL, warm_thread, w->procs) == 0;
      pthread_sigmask (SIG_SETMASK, &old, NULL);
    }
}

void
sk_cgroup_warm_finish (struct sk_cgroup_warm *w)
{
  if (w->running)
    pthread_join (w->thread, NULL);
  w->running = false;
  free (w->procs);
  w->procs = NULL;
}
