#ifndef STOCKADE_RUNTIME_EXEC_H
#define STOCKADE_RUNTIME_EXEC_H

#include "stockade/runtime.h"

struct sk_exec_opts
{
  const char *process_file;   /* --process: a process.json; the flags below that describe the process are ignored */
  bool tty;
  const char *console_socket;
  bool detach;
  const char *pid_file;
  char **env;                 /* -e, appended to the container's env */
  const char *cwd;
  const char *user;           /* uid[:gid] */
  char **additional_gids;
  char **caps;                /* --cap: added to bounding, effective, permitted */
  bool no_new_privs;
  const char *apparmor;
  const char *process_label;
  unsigned int preserve_fds;
  bool ignore_paused;
  char **args;
};

/* Run a new process inside a running container: the namespaces of its init
 * (user first), its credentials and limits applied exactly like the init's.
 * Foreground: returns the process's status in *exit_code. */
int sk_container_exec (const struct sk_context *ctx, const char *id, const struct sk_exec_opts *o, int *exit_code,
                       sk_error_t *err);

#endif
