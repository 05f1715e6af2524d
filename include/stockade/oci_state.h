/* The container's state: what `create` records in the state directory and what
 * `state`, `list` and the hooks' stdin show.  Pure (de)serialization only; the
 * runtime decides the live status and does the file I/O. */
#ifndef STOCKADE_OCI_STATE_H
#define STOCKADE_OCI_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"

struct sk_state
{
  char *oci_version;
  char *id;
  int pid;                      /* host pid of the container init, 0 if none */
  uint64_t pid_start_time;      /* /proc/PID/stat field 22, guards pid reuse */
  char *bundle;                 /* absolute */
  char *rootfs;                 /* absolute */
  char *created;                /* RFC 3339 UTC with nanoseconds, as runc */
  char *owner;                  /* "" for root, as runc */
  struct oci_kv *annotations;
  size_t n_annotations;
  char *cgroup_path;            /* container cgroup relative to the hierarchy roots; NULL if none */
  char *profile;                /* name of the effective profile; NULL if none */
  char *post_hooks;             /* "poststart,poststop" as the config has them ("" for neither);
                                   NULL (a file from an older stockade): unknown, read the config */
};

/* The runtime's own on-disk state file (compact JSON, every field above). */
int sk_state_to_json (const struct sk_state *s, char **out, size_t *len, sk_error_t *err);
int sk_state_from_json (const char *json, size_t len, struct sk_state **out, sk_error_t *err);
void sk_state_free (struct sk_state *s);

/* The OCI/runc view of one container with its live `status`
 * ("creating"|"created"|"running"|"paused"|"stopped"):
 *   pretty = true  -> what `stockade state ID` prints: runc's fields in runc's
 *                     order (ociVersion, id, pid, status, bundle, rootfs,
 *                     created, owner, annotations if any), 2-space indent;
 *                     pid is 0 when stopped.
 *   pretty = false -> the compact OCI state hooks read on stdin
 *                     (ociVersion, id, status, pid, bundle, annotations). */
int sk_state_render (const struct sk_state *s, const char *status, bool pretty,
                     char **out, size_t *len, sk_error_t *err);

/* `list --format json`: a JSON array of runc's list entries
 * (ociVersion, id, pid, status, bundle, rootfs, created, owner), or `null`
 * when n == 0 (runc prints null for an empty list). */
int sk_state_render_list (struct sk_state *const *states, const char *const *statuses, size_t n,
                          char **out, size_t *len, sk_error_t *err);

/* `spec`: a hardened default config.json (pretty printed).  rootless = true
 * adds a user namespace with the caller's uid/gid mapped to root and drops
 * what rootless containers cannot have, as `runc spec --rootless` does. */
int oci_spec_default (bool rootless, uint32_t uid, uint32_t gid, char **out, size_t *len, sk_error_t *err);

/* `features`: the OCI runtime features document (pretty printed). */
int oci_features_render (char **out, size_t *len, sk_error_t *err);

static inline void
sk_state_freep (struct sk_state **s)
{
  sk_state_free (*s);
  *s = NULL;
}
#define cleanup_state __attribute__ ((cleanup (sk_state_freep)))

#endif
