/* Paying the first cgroup migration's grace period in the background.
 *
 * Every write to a cgroup.procs file takes the kernel's global
 * cgroup_threadgroup_rwsem for writing.  After a quiet spell that lock first
 * waits for an RCU grace period (rcu_sync_enter); further writers within
 * about one grace period of the last one do not wait.  On this 2-core VM the
 * wait is 6-30 ms: more than everything else `run` does.  crun and runc pay
 * it in full while the container's first process waits.
 *
 * sk_cgroup_warm_start starts a thread that moves the calling process into
 * the cgroup it is already in (writes "0" to its own cgroup.procs: a no-op
 * for the kernel's cgroup state, but it takes the lock), so the grace period
 * elapses while the caller parses its config and builds the container's
 * cgroup.  Best effort: a failure only loses the head start.  The lock is
 * global, so any hierarchy the caller can see does. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "stockade/cleanup.h"

static void *
warm_thread (void *unused)
{
  cleanup_error sk_error_t err = NULL;
  struct sk_cg_layout l = { 0 };

  (void) unused;
  if (sk_cg_layout_detect (&l, &err) == 0)
    for (size_t i = 0; i < l.n; i++)
      {
        cleanup_free char *procs = NULL;
        cleanup_close int fd = -1;

        if (l.h[i].self == NULL || asprintf (&procs, "%s%s/cgroup.procs", l.h[i].mount, l.h[i].self) < 0)
          continue;
        fd = open (procs, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0 && write (fd, "0", 1) == 1)
          break;
      }
  sk_cg_layout_release (&l);
  return NULL;
}

void
sk_cgroup_warm_start (struct sk_cgroup_warm *w)
{
  w->running = pthread_create (&w->thread, NULL, warm_thread, NULL) == 0;
}

void
sk_cgroup_warm_finish (struct sk_cgroup_warm *w)
{
  if (w->running)
    pthread_join (w->thread, NULL);
  w->running = false;
}
