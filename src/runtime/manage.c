/* pause, resume, ps, events and update: commands that act on a running
 * container's cgroup. */
#include "statedir.h"
#include "status.h"
#include "stockade/cleanup.h"
#include "stockade/linux/cgroup.h"
#include "stockade/manage.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Lock the container, check its status, open its cgroup. */
static int
open_container (const struct sk_context *ctx, const char *id, struct sk_statedir *sd, struct sk_state **s,
                struct sk_cgroup **cg, const char **status, sk_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;

  if (sk_statedir_open (ctx->root, id, true, sd, err) < 0)
    return -1;
  if (!sk_statedir_has (sd, SK_STATE_FILE))
    return sk_error_set (err, 0, "container \"%s\" is still being created", id);
  if (sk_statedir_read (sd, SK_STATE_FILE, &data, &len, err) < 0 || sk_state_from_json (data, len, s, err) < 0)
    return -1;
  *status = sk_status_of (sd, *s);
  if ((*s)->cgroup_path == NULL)
    return sk_error_set (err, 0, "container \"%s\" has no cgroup", id);
  return sk_cgroup_open ((*s)->cgroup_path, cg, err);
}

int
sk_container_pause (const struct sk_context *ctx, const char *id, bool pause, sk_error_t *err)
{
  cleanup_statedir struct sk_statedir sd = { .dirfd = -1 };
  cleanup_state struct sk_state *s = NULL;
  cleanup_cgroup struct sk_cgroup *cg = NULL;
  const char *status;

  if (open_container (ctx, id, &sd, &s, &cg, &status, err) < 0)
    return -1;
  if (strcmp (status, pause ? "running" : "paused") != 0)
    return sk_error_set (err, 0, "cannot %s container \"%s\" in the %s state", pause ? "pause" : "resume", id, status);
  return sk_cgroup_freeze (cg, pause, err);
}

int
sk_container_pids (const struct sk_context *ctx, const char *id, pid_t **pids, size_t *n, sk_error_t *err)
{
  cleanup_statedir struct sk_statedir sd = { .dirfd = -1 };
  cleanup_state struct sk_state *s = NULL;
  cleanup_cgroup struct sk_cgroup *cg = NULL;
  const char *status;

  if (open_container (ctx, id, &sd, &s, &cg, &status, err) < 0)
    return -1;
  if (strcmp (status, "stopped") == 0)
    return sk_error_set (err, 0, "container \"%s\" is not running", id);
  return sk_cgroup_pids (cg, pids, n, err);
}

int
sk_container_stats (const struct sk_context *ctx, const char *id, char **json, sk_error_t *err)
{
  cleanup_statedir struct sk_statedir sd = { .dirfd = -1 };
  cleanup_state struct sk_state *s = NULL;
  cleanup_cgroup struct sk_cgroup *cg = NULL;
  cleanup_free char *data = NULL;
  const char *status;
  size_t len;

  if (open_container (ctx, id, &sd, &s, &cg, &status, err) < 0)
    return -1;
  if (strcmp (status, "stopped") == 0)
    return sk_error_set (err, 0, "container \"%s\" is not running", id);
  if (sk_cgroup_stats_json (cg, &data, &len, err) < 0)
    return -1;
  /* runc's event envelope; the id is validated to need no escaping. */
  if (asprintf (json, "{\"type\":\"stats\",\"id\":\"%s\",\"data\":%.*s}\n", id, (int) len, data) < 0)
    return sk_error_set (err, ENOMEM, "events");
  return 0;
}

int
sk_container_update (const struct sk_context *ctx, const char *id, const struct oci_resources *res, sk_error_t *err)
{
  cleanup_statedir struct sk_statedir sd = { .dirfd = -1 };
  cleanup_state struct sk_state *s = NULL;
  cleanup_cgroup struct sk_cgroup *cg = NULL;
  const char *status;

  if (open_container (ctx, id, &sd, &s, &cg, &status, err) < 0)
    return -1;
  if (strcmp (status, "stopped") == 0)
    return sk_error_set (err, 0, "cannot update stopped container \"%s\"", id);
  return sk_cgroup_update (cg, res, ctx->log, err);
}
