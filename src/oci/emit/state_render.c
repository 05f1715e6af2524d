/* The runc-compatible views of a container's state: `state ID`, `list
 * --format json` and the OCI state hooks read on stdin.
 *
 * Engines parse these (containerd's go-runc, Podman's conmon), so the shape
 * follows runc byte for byte where yajl allows: runc's struct field order,
 * Go's sorted map keys for annotations, MarshalIndent's 2-space layout with
 * no final newline for `state`, json.Encoder's one line plus newline for
 * `list`.  One known difference: Go escapes <, > and & in strings as \u003c
 * and friends, yajl prints them raw; both are the same JSON text. */
#include <errno.h>
#include <string.h>

#include "json_writer.h"
#include "stockade/oci_state.h"

/* The OCI runtime-spec lifecycle states. */
static const char *const known_statuses[] = {
  "creating", "created", "running", "paused", "stopped", NULL,
};

static int
check_status (const char *status, sk_error_t *err)
{
  if (status == NULL)
    return sk_error_set (err, 0, "state: no status given");
  for (const char *const *p = known_statuses; *p != NULL; p++)
    if (strcmp (*p, status) == 0)
      return 0;
  return sk_error_set (err, 0, "state: unknown status `%s`", status);
}

static bool
is_stopped (const char *status)
{
  return strcmp (status, "stopped") == 0;
}

/* One object of runc's containerState (runc's state.go/list.go): ociVersion,
 * id, pid, status, bundle, rootfs, created, annotations (omitempty), owner.
 * runc reports pid 0 once the container has stopped, since the recorded pid
 * may already belong to an unrelated process. */
static void
emit_runc_entry (struct jw *w, const struct sk_state *s, const char *status)
{
  jw_map_open (w);
  jw_kv_string (w, "ociVersion", s->oci_version);
  jw_kv_string (w, "id", s->id);
  jw_kv_int (w, "pid", is_stopped (status) ? 0 : s->pid);
  jw_kv_string (w, "status", status);
  jw_kv_string (w, "bundle", s->bundle);
  jw_kv_string (w, "rootfs", s->rootfs);
  jw_kv_string (w, "created", s->created);
  if (s->n_annotations > 0)
    jw_kv_map (w, "annotations", s->annotations, s->n_annotations, true);
  jw_kv_string (w, "owner", s->owner);
  jw_map_close (w);
}

/* The runtime-spec `state` object (specs.State): pid is omitempty there, so
 * it disappears for a stopped container and whenever it is 0. */
static void
emit_oci_state (struct jw *w, const struct sk_state *s, const char *status)
{
  jw_map_open (w);
  jw_kv_string (w, "ociVersion", s->oci_version);
  jw_kv_string (w, "id", s->id);
  jw_kv_string (w, "status", status);
  if (!is_stopped (status) && s->pid > 0)
    jw_kv_int (w, "pid", s->pid);
  jw_kv_string (w, "bundle", s->bundle);
  if (s->n_annotations > 0)
    jw_kv_map (w, "annotations", s->annotations, s->n_annotations, true);
  jw_map_close (w);
}

int
sk_state_render (const struct sk_state *s, const char *status, bool pretty, char **out,
                 size_t *len, sk_error_t *err)
{
  cleanup_jw struct jw w = { 0 };

  if (s == NULL)
    return sk_error_set (err, 0, "state: nothing to render");
  if (check_status (status, err) < 0)
    return -1;
  if (jw_init (&w, pretty, err) < 0)
    return -1;
  if (pretty)
    emit_runc_entry (&w, s, status);
  else
    emit_oci_state (&w, s, status);
  /* Neither runc's `state` (os.Stdout.Write of MarshalIndent) nor the hook
   * payload ends with a newline. */
  return jw_finish (&w, false, "state", out, len, err);
}

int
sk_state_render_list (struct sk_state *const *states, const char *const *statuses, size_t n,
                      char **out, size_t *len, sk_error_t *err)
{
  cleanup_jw struct jw w = { 0 };

  if (n > 0 && (states == NULL || statuses == NULL))
    return sk_error_set (err, 0, "list: no states given");
  for (size_t i = 0; i < n; i++)
    {
      if (states[i] == NULL)
        return sk_error_set (err, 0, "list[%zu]: no state", i);
      if (check_status (statuses[i], err) < 0)
        return sk_error_wrap (err, "list[%zu]", i);
    }
  if (jw_init (&w, false, err) < 0)
    return -1;
  /* runc encodes a nil slice when it found no container, hence `null`. */
  if (n == 0)
    jw_null (&w);
  else
    {
      jw_array_open (&w);
      for (size_t i = 0; i < n; i++)
        emit_runc_entry (&w, states[i], statuses[i]);
      jw_array_close (&w);
    }
  return jw_finish (&w, true, "list", out, len, err);
}
