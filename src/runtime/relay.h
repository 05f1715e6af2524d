/* Foreground processes (`run`, `exec` without --detach): wait for the
 * process while relaying signals to it and, when the runtime holds the pty
 * master, copying the terminal both ways. */
#ifndef STOCKADE_RUNTIME_RELAY_H
#define STOCKADE_RUNTIME_RELAY_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "stockade/error.h"

struct relay
{
  pid_t init;   /* the process waited for (our child) */
  int master;   /* -1 without a relayed terminal */
  int sigfd;
  bool stdin_open;
  int exit_code; /* its status, 128+N when killed by signal N */
  bool exited;
};

/* Signals to block before creating the process (the children unblock them). */
void sk_relay_signal_set (sigset_t *set);
/* Sets up the signalfd and raw mode, waits, restores the terminal. */
int sk_relay_run (struct relay *r, const sigset_t *set, sk_error_t *err);

#endif
