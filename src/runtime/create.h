#ifndef STOCKADE_RUNTIME_CREATE_H
#define STOCKADE_RUNTIME_CREATE_H

#include "statedir.h"
#include "stockade/runtime.h"

/* create, keeping the init as our child (it was cloned with CLONE_PARENT);
 * *init_pid gets its pid.  Used by `create` and by foreground `run`.
 * console_master != NULL: a foreground run that relays the terminal itself
 * (no --console-socket); it receives the pty master, or -1.
 * start_now (`run`): the init starts as soon as it is recorded, without
 * waiting on exec.fifo; poststart hooks run once it has exec'd. */
int sk_create_container (const struct sk_context *ctx, const char *id, const struct sk_create_opts *o,
                         bool start_now, pid_t *init_pid, int *console_master, sk_error_t *err);

/* Release a created container's init (`start`). */
int sk_start_locked (const struct sk_context *ctx, const char *id, const struct sk_statedir *sd, sk_error_t *err);
/* poststart hooks of a container whose init has exec'd (failures warn). */
void sk_start_poststart (const struct sk_context *ctx, const struct sk_statedir *sd);

#endif
