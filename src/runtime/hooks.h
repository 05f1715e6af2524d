/* OCI hooks: each runs with the container state JSON on its stdin, its own
 * path/args/env, and an optional timeout (SIGKILL when it expires). */
#ifndef STOCKADE_RUNTIME_HOOKS_H
#define STOCKADE_RUNTIME_HOOKS_H

#include "stockade/error.h"
#include "stockade/oci_config.h"

/* Runs every hook of `list` in order; the first failure stops and is
 * returned ("hooks.createRuntime[1]: `/x` exited with status 3"). */
int sk_hooks_run (const struct oci_hook_list *list, const char *kind, const char *state_json, sk_error_t *err);

#endif
