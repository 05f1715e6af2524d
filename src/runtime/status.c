#include "status.h"
#include "stockade/cleanup.h"
#include "stockade/linux/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
sk_proc_stat (pid_t pid, uint64_t *start_time, char *state)
{
  char path[64], buf[1024];
  cleanup_close int fd = -1;
  ssize_t n;
  char *p;

  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* comm may contain spaces and parentheses: parse after the last ')'. */
  p = strrchr (buf, ')');
  if (p == NULL || p[1] == '\0')
    return -1;
  p += 2;
  *state = *p;
  /* fields 3..21 precede starttime (22) */
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p, ' ');
      if (p == NULL)
        return -1;
      p++;
    }
  *start_time = strtoull (p, NULL, 10);
  return 0;
}

bool
sk_state_pid_alive (const struct sk_state *s)
{
  uint64_t start;
  char st;

  if (s->pid <= 0 || sk_proc_stat (s->pid, &start, &st) < 0)
    return false;
  return start == s->pid_start_time && st != 'Z' && st != 'X';
}

const char *
sk_status_of_cgroup (const struct sk_statedir *sd, const struct sk_state *s, const struct sk_cgroup *cg)
{
  if (s == NULL)
    return sk_statedir_is_locked (sd) ? "creating" : "stopped";
  if (!sk_state_pid_alive (s))
    return "stopped";
  if (sk_statedir_has (sd, SK_EXEC_FIFO))
    return "created";
  if (s->cgroup_path != NULL)
    {
      cleanup_cgroup struct sk_cgroup *own = NULL;
      cleanup_error sk_error_t ignored = NULL;
      bool frozen = false;
      if (cg == NULL && sk_cgroup_open (s->cgroup_path, &own, &ignored) == 0)
        cg = own;
      if (cg != NULL && sk_cgroup_is_frozen (cg, &frozen, &ignored) == 0 && frozen)
        return "paused";
    }
  return "running";
}

const char *
sk_status_of (const struct sk_statedir *sd, const struct sk_state *s)
{
  return sk_status_of_cgroup (sd, s, NULL);
}

void
sk_kill_and_reap (pid_t pid)
{
  if (pid <= 0)
    return;
  kill (pid, SIGKILL);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
}
