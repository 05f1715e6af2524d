/* Container lifecycle: what the CLI verbs call.  Each entry point takes the
 * context built from the global options and reports failures through err. */
#ifndef STOCKADE_RUNTIME_H
#define STOCKADE_RUNTIME_H

#include <stdbool.h>
#include <sys/types.h>

#include "stockade/error.h"
#include "stockade/log.h"
#include "stockade/oci_state.h"

struct sk_context
{
  const char *root;          /* --root: state directory root */
  const struct sk_log *log;
  bool systemd_cgroup;
  const char *profile;       /* --profile: security profile name or path, NULL: not given */
  const char *conf_path;     /* --config: stockade.conf(5), NULL: /etc/stockade/stockade.conf */
};

struct sk_create_opts
{
  const char *bundle;        /* NULL: current directory */
  const char *pid_file;
  const char *console_socket;
  bool no_pivot;
  bool no_new_keyring;
  unsigned int preserve_fds;
  bool detach;               /* run only */
};

int sk_container_create (const struct sk_context *ctx, const char *id, const struct sk_create_opts *o,
                         sk_error_t *err);
int sk_container_start (const struct sk_context *ctx, const char *id, sk_error_t *err);
/* Foreground run: create + start, forward signals, delete on exit.
 * *exit_code: the container's status, 128+N when killed by signal N. */
int sk_container_run (const struct sk_context *ctx, const char *id, const struct sk_create_opts *o,
                      int *exit_code, sk_error_t *err);
int sk_container_kill (const struct sk_context *ctx, const char *id, int sig, bool all, sk_error_t *err);
int sk_container_delete (const struct sk_context *ctx, const char *id, bool force, sk_error_t *err);

/* Loaded state with its live status ("created", "running", ...). */
struct sk_container_info
{
  struct sk_state *state;
  const char *status;
};
int sk_container_info (const struct sk_context *ctx, const char *id, struct sk_container_info *out, sk_error_t *err);
/* Every container under --root, sorted by id; entries that cannot be read
 * are skipped with a warning. */
int sk_container_list (const struct sk_context *ctx, struct sk_container_info **out, size_t *n, sk_error_t *err);
void sk_container_info_clear (struct sk_container_info *i);

#endif
