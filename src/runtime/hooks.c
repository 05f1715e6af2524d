#include "hooks.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int
write_all (int fd, const char *s, size_t len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, s, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return -1;
      s += w;
      len -= (size_t) w;
    }
  return 0;
}

static int
run_one (const struct oci_hook *h, const char *where, const char *state_json, sk_error_t *err)
{
  cleanup_close int pidfd = -1;
  int in[2], status;
  pid_t pid;
  struct pollfd pfd;
  int timeout_ms = h->timeout.set ? h->timeout.v * 1000 : -1;

  if (pipe2 (in, O_CLOEXEC) < 0)
    return sk_error_set (err, errno, "%s: pipe", where);
  pid = fork ();
  if (pid < 0)
    {
      close (in[0]);
      close (in[1]);
      return sk_error_set (err, errno, "%s: fork", where);
    }
  if (pid == 0)
    {
      char *const fallback_args[] = { h->path, NULL };
      sigset_t none;
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      if (dup2 (in[0], STDIN_FILENO) < 0)
        _exit (127);
      /* Hooks run as host root: nothing of ours beyond stdio reaches them. */
      syscall (SYS_close_range, 3, ~0U, 0);
      execve (h->path, h->args ? h->args : fallback_args, h->env ? h->env : (char *[]){ NULL });
      _exit (127);
    }
  close (in[0]);
  pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  /* A hook that does not read its stdin must not block us: ignore EPIPE. */
  {
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    sigaction (SIGPIPE, &ign, &old);
    write_all (in[1], state_json, strlen (state_json));
    sigaction (SIGPIPE, &old, NULL);
  }
  close (in[1]);
  pfd.fd = pidfd;
  pfd.events = POLLIN;
  if (pidfd >= 0 && poll (&pfd, 1, timeout_ms) == 0)
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      return sk_error_set (err, ETIMEDOUT, "%s: `%s` timed out after %d s", where, h->path, h->timeout.v);
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return sk_error_set (err, errno, "%s: wait for `%s`", where, h->path);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 127)
    return sk_error_set (err, 0, "%s: `%s` could not be executed", where, h->path);
  if (WIFEXITED (status))
    return sk_error_set (err, 0, "%s: `%s` exited with status %d", where, h->path, WEXITSTATUS (status));
  return sk_error_set (err, 0, "%s: `%s` killed by signal %d", where, h->path, WTERMSIG (status));
}

int
sk_hooks_run (const struct oci_hook_list *list, const char *kind, const char *state_json, sk_error_t *err)
{
  for (size_t i = 0; i < list->n; i++)
    {
      char where[64];
      snprintf (where, sizeof where, "hooks.%s[%zu]", kind, i);
      if (run_one (&list->hooks[i], where, state_json, err) < 0)
        return -1;
    }
  return 0;
}
