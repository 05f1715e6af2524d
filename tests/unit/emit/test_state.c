/* Unit tests for the state file and its runc views (src/oci/emit). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"
#include "sk_test.h"
#include "stockade/cleanup.h"
#include "stockade/oci_state.h"

/* A fully populated state; strings are malloc'd so sk_state_free owns them. */
static struct sk_state *
make_state (void)
{
  struct sk_state *s = calloc (1, sizeof (*s));
  s->oci_version = strdup ("1.2.0");
  s->id = strdup ("web-1");
  s->pid = 4242;
  s->pid_start_time = UINT64_MAX;
  s->bundle = strdup ("/srv/bundles/web");
  s->rootfs = strdup ("/srv/bundles/web/rootfs");
  s->created = strdup ("2024-05-01T10:20:30.123456789Z");
  s->owner = strdup ("");
  s->n_annotations = 3;
  s->annotations = calloc (3, sizeof (struct oci_kv));
  s->annotations[0] = (struct oci_kv) { strdup ("z.last"), strdup ("quote \" back \\ nl \n tab \t") };
  s->annotations[1] = (struct oci_kv) { strdup ("a.first"), strdup ("caf\xc3\xa9 / <b>&") };
  s->annotations[2] = (struct oci_kv) { strdup ("m.mid"), strdup ("") };
  s->cgroup_path = strdup ("stockade/web-1");
  s->profile = strdup ("default");
  s->post_hooks = strdup ("poststop");
  return s;
}

/* The minimum: required fields only, every optional pointer NULL. */
static struct sk_state *
make_min_state (const char *id, int pid)
{
  struct sk_state *s = calloc (1, sizeof (*s));
  s->id = strdup (id);
  s->pid = pid;
  s->bundle = strdup ("/b");
  s->rootfs = strdup ("/b/rootfs");
  s->created = strdup ("2024-01-02T03:04:05Z");
  return s;
}

static void
check_same_state (const struct sk_state *a, const struct sk_state *b)
{
  SK_CHECK_STR (b->oci_version, a->oci_version);
  SK_CHECK_STR (b->id, a->id);
  SK_CHECK (b->pid == a->pid);
  SK_CHECK (b->pid_start_time == a->pid_start_time);
  SK_CHECK_STR (b->bundle, a->bundle);
  SK_CHECK_STR (b->rootfs, a->rootfs);
  SK_CHECK_STR (b->created, a->created);
  SK_CHECK_STR (b->owner, a->owner);
  SK_CHECK_STR (b->cgroup_path, a->cgroup_path);
  SK_CHECK_STR (b->profile, a->profile);
  SK_CHECK_STR (b->post_hooks, a->post_hooks);
  SK_CHECK (b->n_annotations == a->n_annotations);
  for (size_t i = 0; i < a->n_annotations && i < b->n_annotations; i++)
    {
      SK_CHECK_STR (b->annotations[i].key, a->annotations[i].key);
      SK_CHECK_STR (b->annotations[i].value, a->annotations[i].value);
    }
}

static void
test_state_roundtrip_full (void)
{
  cleanup_state struct sk_state *s = make_state ();
  cleanup_state struct sk_state *back = NULL;
  cleanup_free char *json = NULL;
  cleanup_free char *again = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t len = 0, len2 = 0;

  SK_CHECK (sk_state_to_json (s, &json, &len, &err) == 0);
  SK_CHECK (json != NULL && strlen (json) == len);
  SK_CHECK (json != NULL && strchr (json, '\n') == NULL); /* compact */
  SK_CHECK_CONTAINS (json, "\"pidStartTime\":18446744073709551615");
  SK_CHECK (sk_state_from_json (json, len, &back, &err) == 0);
  if (back == NULL)
    return;
  check_same_state (s, back);
  /* Document order of annotations survives, not a sorted one. */
  SK_CHECK_STR (back->annotations[0].key, "z.last");
  /* Writing what was read gives the same bytes. */
  SK_CHECK (sk_state_to_json (back, &again, &len2, &err) == 0);
  SK_CHECK_STR (again, json);
  SK_CHECK (len2 == len);
}

static void
test_state_roundtrip_minimal (void)
{
  cleanup_state struct sk_state *s = make_min_state ("x", 0);
  cleanup_state struct sk_state *back = NULL;
  cleanup_free char *json = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t len = 0;

  SK_CHECK (sk_state_to_json (s, &json, &len, &err) == 0);
  SK_CHECK_STR (json, "{\"id\":\"x\",\"pid\":0,\"pidStartTime\":0,\"bundle\":\"/b\","
                      "\"rootfs\":\"/b/rootfs\",\"created\":\"2024-01-02T03:04:05Z\"}");
  SK_CHECK (sk_state_from_json (json, len, &back, &err) == 0);
  if (back == NULL)
    return;
  check_same_state (s, back);
  /* NULL stays NULL (not ""), so "no cgroup" and "root cgroup" differ. */
  SK_CHECK (back->oci_version == NULL);
  SK_CHECK (back->owner == NULL);
  SK_CHECK (back->cgroup_path == NULL);
  SK_CHECK (back->profile == NULL);
  /* A file without postHooks (older stockade) reads as "unknown". */
  SK_CHECK (back->post_hooks == NULL);
  SK_CHECK (back->annotations == NULL);
}

static void
test_state_to_json_refuses_incomplete (void)
{
  cleanup_state struct sk_state *s = make_min_state ("x", 1);
  cleanup_free char *json = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t len = 0;

  free (s->rootfs);
  s->rootfs = NULL;
  SK_CHECK (sk_state_to_json (s, &json, &len, &err) < 0);
  SK_CHECK_STR (sk_error_msg (&err), "state.rootfs: missing");
  SK_CHECK (json == NULL);
}

/* Each bad document and the message it must produce (a prefix only where
 * yajl's parser text follows). */
static const struct
{
  const char *json;
  const char *msg;
} bad_states[] = {
  { "{\"id\":\"a\",\"pid\":\"12\",\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\"}",
    "state.pid: expected integer" },
  { "{\"id\":\"a\",\"pid\":1.5,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\"}",
    "state.pid: expected integer" },
  { "{\"id\":\"a\",\"pid\":-3,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\"}",
    "state.pid: -3 out of range" },
  { "{\"id\":\"a\",\"pid\":4294967296,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\"}",
    "state.pid: 4294967296 out of range" },
  { "{\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\"}", "state.id: missing" },
  { "{\"id\":\"a\",\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\"}", "state.pid: missing" },
  { "{\"id\":\"a\",\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\"}", "state.created: missing" },
  { "{\"id\":\"a\",\"pid\":1,\"bundle\":7,\"rootfs\":\"/r\",\"created\":\"t\"}",
    "state.bundle: expected string" },
  { "{\"id\":null,\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\"}",
    "state.id: expected string" },
  { "{\"id\":\"a\",\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\",\"owner\":[]}",
    "state.owner: expected string" },
  { "{\"id\":\"a\",\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\",\"pidStartTime\":-1}",
    "state.pidStartTime: expected unsigned integer" },
  { "{\"id\":\"a\",\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\",\"pidStartTime\":1e3}",
    "state.pidStartTime: expected unsigned integer" },
  { "{\"id\":\"a\",\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\","
    "\"pidStartTime\":18446744073709551616}",
    "state.pidStartTime: 18446744073709551616 out of range" },
  { "{\"id\":\"a\",\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\",\"annotations\":[]}",
    "state.annotations: expected object" },
  { "{\"id\":\"a\",\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\","
    "\"annotations\":{\"ok\":\"v\",\"k\":1}}",
    "state.annotations.k: expected string" },
  { "{\"id\":\"a\",\"pid\":1,\"pid\":2,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\"}",
    "state.pid: duplicate key" },
  { "[1,2]", "state: expected object" },
  { "{\"id\":", "state: invalid JSON" },
  { "", "state: invalid JSON" },
};

static void
test_state_from_json_errors (void)
{
  for (size_t i = 0; i < sizeof (bad_states) / sizeof (bad_states[0]); i++)
    {
      cleanup_state struct sk_state *s = NULL;
      cleanup_error sk_error_t err = NULL;
      const char *j = bad_states[i].json;

      SK_CHECK (sk_state_from_json (j, strlen (j), &s, &err) < 0);
      SK_CHECK (s == NULL);
      const char *want = bad_states[i].msg;
      /* yajl's own wording follows "invalid JSON: "; match the rest exactly. */
      size_t n = strcmp (want, "state: invalid JSON") == 0 ? strlen (want) : strlen (want) + 1;
      bool same = strncmp (sk_error_msg (&err), want, n) == 0;

      SK_CHECK (same);
      if (!same)
        printf ("# case %zu: got \"%s\", want \"%s\"\n", i, sk_error_msg (&err), want);
      /* A data error, not a system one: no errno and no strerror suffix. */
      SK_CHECK (err != NULL && err->status == 0);
    }
}

static void
test_state_from_json_lenient (void)
{
  /* Unknown keys (a newer stockade's file) are skipped; null optionals read
   * as absent; len bounds the input even without a NUL after it. */
  const char *j = "{\"id\":\"a\",\"pid\":7,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\","
                  "\"future\":{\"x\":[1]},\"profile\":null,\"annotations\":{}}TRAILING";
  cleanup_state struct sk_state *s = NULL;
  cleanup_error sk_error_t err = NULL;

  SK_CHECK (sk_state_from_json (j, strlen (j) - strlen ("TRAILING"), &s, &err) == 0);
  if (s == NULL)
    return;
  SK_CHECK_STR (s->id, "a");
  SK_CHECK (s->pid == 7);
  SK_CHECK (s->profile == NULL);
  SK_CHECK (s->n_annotations == 0);
}

static void
test_state_from_json_nul_byte (void)
{
  cleanup_state struct sk_state *s = NULL;
  cleanup_error sk_error_t err = NULL;
  const char j[] = "{\"id\":\"a\"}\0{}";

  SK_CHECK (sk_state_from_json (j, sizeof (j) - 1, &s, &err) < 0);
  SK_CHECK_STR (sk_error_msg (&err), "state: NUL byte in JSON");
}

/* `runc state`: MarshalIndent layout, runc's key order, sorted annotations,
 * no final newline. */
static void
test_render_pretty_running (void)
{
  cleanup_state struct sk_state *s = make_state ();
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t len = 0;

  SK_CHECK (sk_state_render (s, "running", true, &out, &len, &err) == 0);
  SK_CHECK_STR (out, "{\n"
                     "  \"ociVersion\": \"1.2.0\",\n"
                     "  \"id\": \"web-1\",\n"
                     "  \"pid\": 4242,\n"
                     "  \"status\": \"running\",\n"
                     "  \"bundle\": \"/srv/bundles/web\",\n"
                     "  \"rootfs\": \"/srv/bundles/web/rootfs\",\n"
                     "  \"created\": \"2024-05-01T10:20:30.123456789Z\",\n"
                     "  \"annotations\": {\n"
                     "    \"a.first\": \"caf\xc3\xa9 / <b>&\",\n"
                     "    \"m.mid\": \"\",\n"
                     "    \"z.last\": \"quote \\\" back \\\\ nl \\n tab \\t\"\n"
                     "  },\n"
                     "  \"owner\": \"\"\n"
                     "}");
  SK_CHECK (out != NULL && len == strlen (out));
}

static void
test_render_pretty_stopped (void)
{
  cleanup_state struct sk_state *s = make_min_state ("gone", 999);
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t len = 0;

  SK_CHECK (sk_state_render (s, "stopped", true, &out, &len, &err) == 0);
  /* pid 0 once stopped; NULL ociVersion/owner print as "" like Go's zero
   * values; no annotations key at all. */
  SK_CHECK_STR (out, "{\n"
                     "  \"ociVersion\": \"\",\n"
                     "  \"id\": \"gone\",\n"
                     "  \"pid\": 0,\n"
                     "  \"status\": \"stopped\",\n"
                     "  \"bundle\": \"/b\",\n"
                     "  \"rootfs\": \"/b/rootfs\",\n"
                     "  \"created\": \"2024-01-02T03:04:05Z\",\n"
                     "  \"owner\": \"\"\n"
                     "}");
}

static void
test_render_duplicate_annotation_last_wins (void)
{
  cleanup_state struct sk_state *s = make_min_state ("d", 5);
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t len = 0;

  s->n_annotations = 2;
  s->annotations = calloc (2, sizeof (struct oci_kv));
  s->annotations[0] = (struct oci_kv) { strdup ("k"), strdup ("first") };
  s->annotations[1] = (struct oci_kv) { strdup ("k"), strdup ("second") };
  SK_CHECK (sk_state_render (s, "created", false, &out, &len, &err) == 0);
  SK_CHECK_CONTAINS (out, "\"annotations\":{\"k\":\"second\"}");
}

/* The OCI state on a hook's stdin: compact, pid omitted once stopped. */
static void
test_render_hook_state (void)
{
  cleanup_state struct sk_state *s = make_state ();
  cleanup_free char *out = NULL;
  cleanup_free char *stopped = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t len = 0;

  SK_CHECK (sk_state_render (s, "created", false, &out, &len, &err) == 0);
  SK_CHECK_STR (out, "{\"ociVersion\":\"1.2.0\",\"id\":\"web-1\",\"status\":\"created\","
                     "\"pid\":4242,\"bundle\":\"/srv/bundles/web\",\"annotations\":{"
                     "\"a.first\":\"caf\xc3\xa9 / <b>&\",\"m.mid\":\"\","
                     "\"z.last\":\"quote \\\" back \\\\ nl \\n tab \\t\"}}");
  SK_CHECK (sk_state_render (s, "stopped", false, &stopped, &len, &err) == 0);
  SK_CHECK (stopped != NULL && strstr (stopped, "\"pid\"") == NULL);
  SK_CHECK_CONTAINS (stopped, "\"status\":\"stopped\",\"bundle\":");
}

static void
test_render_rejects_unknown_status (void)
{
  cleanup_state struct sk_state *s = make_min_state ("x", 1);
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t len = 0;

  SK_CHECK (sk_state_render (s, "exploded", true, &out, &len, &err) < 0);
  SK_CHECK_STR (sk_error_msg (&err), "state: unknown status `exploded`");
  SK_CHECK (sk_state_render (s, NULL, true, &out, &len, &err) < 0);
  SK_CHECK (out == NULL);
}

static void
test_render_list_empty (void)
{
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t len = 0;

  SK_CHECK (sk_state_render_list (NULL, NULL, 0, &out, &len, &err) == 0);
  SK_CHECK_STR (out, "null\n");
  SK_CHECK (len == 5);
}

static void
test_render_list_two (void)
{
  cleanup_state struct sk_state *a = make_min_state ("a", 100);
  cleanup_state struct sk_state *b = make_min_state ("b", 200);
  struct sk_state *states[] = { a, b };
  const char *statuses[] = { "running", "stopped" };
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t len = 0;

  b->owner = strdup ("alice");
  b->oci_version = strdup ("1.0.2");
  b->n_annotations = 1;
  b->annotations = calloc (1, sizeof (struct oci_kv));
  b->annotations[0] = (struct oci_kv) { strdup ("k"), strdup ("v") };
  SK_CHECK (sk_state_render_list (states, statuses, 2, &out, &len, &err) == 0);
  SK_CHECK_STR (out, "[{\"ociVersion\":\"\",\"id\":\"a\",\"pid\":100,\"status\":\"running\","
                     "\"bundle\":\"/b\",\"rootfs\":\"/b/rootfs\",\"created\":\"2024-01-02T03:04:05Z\","
                     "\"owner\":\"\"},"
                     "{\"ociVersion\":\"1.0.2\",\"id\":\"b\",\"pid\":0,\"status\":\"stopped\","
                     "\"bundle\":\"/b\",\"rootfs\":\"/b/rootfs\",\"created\":\"2024-01-02T03:04:05Z\","
                     "\"annotations\":{\"k\":\"v\"},\"owner\":\"alice\"}]\n");
  SK_CHECK (out != NULL && len == strlen (out));
}

static void
test_render_list_bad_status (void)
{
  cleanup_state struct sk_state *a = make_min_state ("a", 1);
  struct sk_state *states[] = { a };
  const char *statuses[] = { "zombie" };
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t len = 0;

  SK_CHECK (sk_state_render_list (states, statuses, 1, &out, &len, &err) < 0);
  SK_CHECK_STR (sk_error_msg (&err), "list[0]: state: unknown status `zombie`");
}

int
main (void)
{
  SK_RUN (test_state_roundtrip_full);
  SK_RUN (test_state_roundtrip_minimal);
  SK_RUN (test_state_to_json_refuses_incomplete);
  SK_RUN (test_state_from_json_errors);
  SK_RUN (test_state_from_json_lenient);
  SK_RUN (test_state_from_json_nul_byte);
  SK_RUN (test_render_pretty_running);
  SK_RUN (test_render_pretty_stopped);
  SK_RUN (test_render_duplicate_annotation_last_wins);
  SK_RUN (test_render_hook_state);
  SK_RUN (test_render_rejects_unknown_status);
  SK_RUN (test_render_list_empty);
  SK_RUN (test_render_list_two);
  SK_RUN (test_render_list_bad_status);
  return sk_test_done ();
}
