#include "stockade/signals.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct
{
  const char *name;
  int sig;
} signal_table[] = {
  { "ABRT", SIGABRT }, { "ALRM", SIGALRM }, { "BUS", SIGBUS },       { "CHLD", SIGCHLD }, { "CLD", SIGCHLD },
  { "CONT", SIGCONT }, { "FPE", SIGFPE },   { "HUP", SIGHUP },       { "ILL", SIGILL },   { "INT", SIGINT },
  { "IO", SIGIO },     { "IOT", SIGIOT },   { "KILL", SIGKILL },     { "PIPE", SIGPIPE }, { "POLL", SIGPOLL },
  { "PROF", SIGPROF }, { "PWR", SIGPWR },   { "QUIT", SIGQUIT },     { "SEGV", SIGSEGV }, { "STKFLT", SIGSTKFLT },
  { "STOP", SIGSTOP }, { "SYS", SIGSYS },   { "TERM", SIGTERM },     { "TRAP", SIGTRAP }, { "TSTP", SIGTSTP },
  { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },       { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
  { "VTALRM", SIGVTALRM }, { "WINCH", SIGWINCH }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
};

static int
parse_number (const char *s, long *out)
{
  char *end;
  if (!isdigit ((unsigned char) *s))
    return -1;
  errno = 0;
  *out = strtol (s, &end, 10);
  return (errno != 0 || *end != '\0') ? -1 : 0;
}

int
sk_signal_parse (const char *s, int *sig, sk_error_t *err)
{
  const char *name = s;
  long n;

  if (s == NULL || *s == '\0')
    return sk_error_set (err, 0, "invalid signal: empty");
  if (parse_number (s, &n) == 0)
    {
      if (n <= 0 || n > SIGRTMAX)
        return sk_error_set (err, 0, "invalid signal \"%s\"", s);
      *sig = (int) n;
      return 0;
    }
  if (strncasecmp (name, "SIG", 3) == 0)
    name += 3;
  for (size_t i = 0; i < sizeof signal_table / sizeof signal_table[0]; i++)
    if (strcasecmp (signal_table[i].name, name) == 0)
      {
        *sig = signal_table[i].sig;
        return 0;
      }
  /* RTMIN+N / RTMAX-N */
  if (strncasecmp (name, "RTMIN", 5) == 0 || strncasecmp (name, "RTMAX", 5) == 0)
    {
      bool min = strncasecmp (name, "RTMIN", 5) == 0;
      const char *rest = name + 5;
      n = 0;
      if (*rest != '\0' && ((min && *rest != '+') || (!min && *rest != '-') || parse_number (rest + 1, &n) < 0))
        return sk_error_set (err, 0, "invalid signal \"%s\"", s);
      n = min ? SIGRTMIN + n : SIGRTMAX - n;
      if (n >= SIGRTMIN && n <= SIGRTMAX)
        {
          *sig = (int) n;
          return 0;
        }
    }
  return sk_error_set (err, 0, "invalid signal \"%s\"", s);
}
