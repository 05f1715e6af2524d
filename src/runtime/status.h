#ifndef STOCKADE_RUNTIME_STATUS_H
#define STOCKADE_RUNTIME_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "statedir.h"
#include "stockade/oci_state.h"

struct sk_cgroup;

/* /proc/PID/stat: start time (field 22) and state letter.  0 on success. */
int sk_proc_stat (pid_t pid, uint64_t *start_time, char *state);

/* The recorded init is still the same process and not a zombie. */
bool sk_state_pid_alive (const struct sk_state *s);

/* SIGKILL one of our own children and reap it (failure paths of create/exec). */
void sk_kill_and_reap (pid_t pid);

/* Live status: "creating", "created", "running", "stopped". */
const char *sk_status_of (const struct sk_statedir *sd, const struct sk_state *s);
/* The same with the container's cgroup already open (NULL: opened here). */
const char *sk_status_of_cgroup (const struct sk_statedir *sd, const struct sk_state *s, const struct sk_cgroup *cg);

#endif
