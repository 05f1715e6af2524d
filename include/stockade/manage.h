#ifndef STOCKADE_MANAGE_H
#define STOCKADE_MANAGE_H

#include "stockade/runtime.h"

int sk_container_pause (const struct sk_context *ctx, const char *id, bool pause, sk_error_t *err);
/* Every process in the container's cgroup. */
int sk_container_pids (const struct sk_context *ctx, const char *id, pid_t **pids, size_t *n, sk_error_t *err);
/* One runc `events --stats` line: {"type":"stats","id":...,"data":{...}}\n */
int sk_container_stats (const struct sk_context *ctx, const char *id, char **json, sk_error_t *err);
int sk_container_update (const struct sk_context *ctx, const char *id, const struct oci_resources *res,
                         sk_error_t *err);

#endif
