#include "relay.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int
exit_code_of (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 255;
}

/* Copy what is readable from `from` to `to`; false once `from` is done. */
static bool
pump (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false;
  for (ssize_t off = 0; off < n;)
    {
      ssize_t w = write (to, buf + off, (size_t) (n - off));
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return false;
      off += w;
    }
  return true;
}

static void
copy_winsize (int master)
{
  struct winsize ws;
  if (master >= 0 && ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
    ioctl (master, TIOCSWINSZ, &ws);
}


static void
handle_signal (struct relay *r)
{
  struct signalfd_siginfo si;

  if (read (r->sigfd, &si, sizeof si) != (ssize_t) sizeof si)
    return;
  if (si.ssi_signo == SIGCHLD)
    {
      int status;
      pid_t p;
      while ((p = waitpid (-1, &status, WNOHANG)) > 0)
        if (p == r->init)
          {
            r->exit_code = exit_code_of (status);
            r->exited = true;
          }
      return;
    }
  if (si.ssi_signo == SIGWINCH && r->master >= 0)
    {
      copy_winsize (r->master);
      return;
    }
  kill (r->init, (int) si.ssi_signo);
}

static int
relay_loop (struct relay *r)
{
  while (!r->exited)
    {
      struct pollfd fds[3] = { { .fd = r->sigfd, .events = POLLIN } };
      nfds_t n = 1;
      int master_idx = -1, stdin_idx = -1;

      if (r->master >= 0)
        {
          master_idx = (int) n;
          fds[n++] = (struct pollfd){ .fd = r->master, .events = POLLIN };
          if (r->stdin_open)
            {
              stdin_idx = (int) n;
              fds[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
            }
        }
      if (poll (fds, n, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      if (fds[0].revents)
        handle_signal (r);
      if (master_idx >= 0 && fds[master_idx].revents && !pump (r->master, STDOUT_FILENO))
        sk_closep (&r->master); /* every peer closed: nothing more to show */
      if (stdin_idx >= 0 && fds[stdin_idx].revents && r->master >= 0 && !pump (STDIN_FILENO, r->master))
        r->stdin_open = false;
    }
  /* Output the process wrote just before exiting. */
  while (r->master >= 0)
    {
      struct pollfd pf = { .fd = r->master, .events = POLLIN };
      if (poll (&pf, 1, 0) <= 0 || !pump (r->master, STDOUT_FILENO))
        break;
    }
  return 0;
}

void
sk_relay_signal_set (sigset_t *set)
{
  sigfillset (set);
  sigdelset (set, SIGSEGV);
  sigdelset (set, SIGBUS);
  sigdelset (set, SIGILL);
  sigdelset (set, SIGFPE);
}

int
sk_relay_run (struct relay *r, const sigset_t *set, sk_error_t *err)
{
  struct termios saved;
  bool raw = false;
  int ret;

  r->sigfd = signalfd (-1, set, SFD_CLOEXEC);
  if (r->sigfd < 0)
    return sk_error_set (err, errno, "signalfd");
  if (r->master >= 0 && isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0)
    {
      struct termios t = saved;
      cfmakeraw (&t);
      raw = tcsetattr (STDIN_FILENO, TCSANOW, &t) == 0;
      copy_winsize (r->master);
    }
  ret = relay_loop (r);
  if (raw)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  sk_closep (&r->master);
  sk_closep (&r->sigfd);
  if (ret < 0)
    return sk_error_set (err, errno, "wait for the container process");
  return 0;
}
