/* The runtime's own state file: every field of struct sk_state as one compact
 * JSON object.  Both directions are driven by one table so the writer and the
 * reader cannot drift apart.
 *
 * Reading is strict about what it finds (types, ranges, duplicate keys)
 * because the file decides which pid `kill` signals; unknown keys are
 * ignored so that a newer or older stockade can still read the file after an
 * upgrade or a downgrade with containers running.
 *
 * Errors about the data carry errnum 0 (throughout src/oci/emit): the message
 * names the field and the problem, and a ": Invalid argument" suffix would
 * only add noise.  Allocation failures carry ENOMEM. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "json_writer.h"
#include "stockade/cleanup.h"
#include "stockade/oci_state.h"

enum state_kind
{
  STATE_STRING, /* char *; omitted when NULL */
  STATE_PID,    /* int, 0..INT_MAX */
  STATE_U64,    /* uint64_t */
  STATE_MAP,    /* struct oci_kv * + size_t count; omitted when empty */
};

struct state_field
{
  const char *key;
  enum state_kind kind;
  size_t offset;
  size_t count_offset; /* STATE_MAP only */
  bool required;
};

#define FIELD(key, kind, member, req) { key, kind, offsetof (struct sk_state, member), 0, req }

static const struct state_field state_fields[] = {
  FIELD ("ociVersion", STATE_STRING, oci_version, false),
  FIELD ("id", STATE_STRING, id, true),
  FIELD ("pid", STATE_PID, pid, true),
  FIELD ("pidStartTime", STATE_U64, pid_start_time, false),
  FIELD ("bundle", STATE_STRING, bundle, true),
  FIELD ("rootfs", STATE_STRING, rootfs, true),
  FIELD ("created", STATE_STRING, created, true),
  FIELD ("owner", STATE_STRING, owner, false),
  { "annotations", STATE_MAP, offsetof (struct sk_state, annotations),
    offsetof (struct sk_state, n_annotations), false },
  FIELD ("cgroupPath", STATE_STRING, cgroup_path, false),
  FIELD ("profile", STATE_STRING, profile, false),
  FIELD ("postHooks", STATE_STRING, post_hooks, false),
};
#define N_STATE_FIELDS (sizeof (state_fields) / sizeof (state_fields[0]))

#define MEMBER(s, type, off) ((type *) (void *) ((char *) (s) + (off)))
#define CMEMBER(s, type, off) ((const type *) (const void *) ((const char *) (s) + (off)))

static void
kv_array_free (struct oci_kv *kv, size_t n)
{
  for (size_t i = 0; kv != NULL && i < n; i++)
    {
      free (kv[i].key);
      free (kv[i].value);
    }
  free (kv);
}

void
sk_state_free (struct sk_state *s)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < N_STATE_FIELDS; i++)
    {
      const struct state_field *f = &state_fields[i];
      if (f->kind == STATE_STRING)
        free (*MEMBER (s, char *, f->offset));
      else if (f->kind == STATE_MAP)
        kv_array_free (*MEMBER (s, struct oci_kv *, f->offset), *MEMBER (s, size_t, f->count_offset));
    }
  free (s);
}

int
sk_state_to_json (const struct sk_state *s, char **out, size_t *len, sk_error_t *err)
{
  cleanup_jw struct jw w = { 0 };

  if (s == NULL)
    return sk_error_set (err, 0, "state: nothing to write");
  if (jw_init (&w, false, err) < 0)
    return -1;

  jw_map_open (&w);
  for (size_t i = 0; i < N_STATE_FIELDS; i++)
    {
      const struct state_field *f = &state_fields[i];
      switch (f->kind)
        {
        case STATE_STRING:
          {
            const char *v = *CMEMBER (s, char *, f->offset);
            /* Refuse to write a file the reader would reject later. */
            if (v == NULL && f->required)
              return sk_error_set (err, 0, "state.%s: missing", f->key);
            if (v != NULL)
              jw_kv_string (&w, f->key, v);
            break;
          }
        case STATE_PID:
          {
            int v = *CMEMBER (s, int, f->offset);
            if (v < 0)
              return sk_error_set (err, 0, "state.%s: negative value %d", f->key, v);
            jw_kv_int (&w, f->key, v);
            break;
          }
        case STATE_U64:
          jw_kv_u64 (&w, f->key, *CMEMBER (s, uint64_t, f->offset));
          break;
        case STATE_MAP:
          {
            const struct oci_kv *kv = *CMEMBER (s, struct oci_kv *, f->offset);
            size_t n = *CMEMBER (s, size_t, f->count_offset);
            if (n == 0)
              break;
            for (size_t j = 0; j < n; j++)
              if (kv[j].key == NULL || kv[j].value == NULL)
                return sk_error_set (err, 0, "state.%s[%zu]: NULL key or value", f->key, j);
            /* Document order, duplicates and all: this file must read back
             * exactly as written. */
            jw_kv_map (&w, f->key, kv, n, false);
            break;
          }
        }
    }
  jw_map_close (&w);
  return jw_finish (&w, false, "state", out, len, err);
}

/* --- reading --- */

static int
read_string (yajl_val v, const struct state_field *f, struct sk_state *s, sk_error_t *err)
{
  char **dst = MEMBER (s, char *, f->offset);

  /* null reads as absent for optional strings: the writer omits them, but
   * a hand-edited or future file may spell absence that way. */
  if (YAJL_IS_NULL (v) && !f->required)
    return 0;
  if (!YAJL_IS_STRING (v))
    return sk_error_set (err, 0, "state.%s: expected string", f->key);
  *dst = strdup (v->u.string); /* type checked above */
  if (*dst == NULL)
    return sk_error_set (err, ENOMEM, "state.%s", f->key);
  return 0;
}

static int
read_pid (yajl_val v, const struct state_field *f, struct sk_state *s, sk_error_t *err)
{
  long long n;

  if (!YAJL_IS_INTEGER (v))
    return sk_error_set (err, 0, "state.%s: expected integer", f->key);
  n = YAJL_GET_INTEGER (v);
  if (n < 0 || n > INT_MAX)
    return sk_error_set (err, 0, "state.%s: %lld out of range", f->key, n);
  *MEMBER (s, int, f->offset) = (int) n;
  return 0;
}

_Static_assert (sizeof (unsigned long long) == sizeof (uint64_t), "strtoull covers uint64_t");

/* yajl_tree only flags integers that fit a long long, so a uint64 above
 * LLONG_MAX is parsed from the number's source text instead. */
static int
read_u64 (yajl_val v, const struct state_field *f, struct sk_state *s, sk_error_t *err)
{
  const char *text = YAJL_IS_NUMBER (v) ? v->u.number.r : NULL;
  char *end = NULL;
  unsigned long long n;

  if (text == NULL || text[0] < '0' || text[0] > '9')
    return sk_error_set (err, 0, "state.%s: expected unsigned integer", f->key);
  for (const char *p = text; *p != '\0'; p++)
    if (*p < '0' || *p > '9')
      return sk_error_set (err, 0, "state.%s: expected unsigned integer", f->key);
  errno = 0;
  n = strtoull (text, &end, 10);
  if (errno != 0 || *end != '\0')
    return sk_error_set (err, 0, "state.%s: %s out of range", f->key, text);
  *MEMBER (s, uint64_t, f->offset) = (uint64_t) n;
  return 0;
}

static int
read_map (yajl_val v, const struct state_field *f, struct sk_state *s, sk_error_t *err)
{
  struct oci_kv **dst = MEMBER (s, struct oci_kv *, f->offset);
  size_t *dst_n = MEMBER (s, size_t, f->count_offset);
  size_t n;

  if (YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_OBJECT (v))
    return sk_error_set (err, 0, "state.%s: expected object", f->key);
  n = v->u.object.len;
  if (n == 0)
    return 0;
  *dst = calloc (n, sizeof (**dst));
  if (*dst == NULL)
    return sk_error_set (err, ENOMEM, "state.%s", f->key);
  for (size_t i = 0; i < n; i++)
    {
      yajl_val val = v->u.object.values[i];
      const char *key = v->u.object.keys[i];

      if (!YAJL_IS_STRING (val))
        return sk_error_set (err, 0, "state.%s.%s: expected string", f->key, key);
      (*dst)[i].key = strdup (key);
      (*dst)[i].value = strdup (val->u.string);
      /* Count the entry before checking so sk_state_free releases it. */
      *dst_n = i + 1;
      if ((*dst)[i].key == NULL || (*dst)[i].value == NULL)
        return sk_error_set (err, ENOMEM, "state.%s", f->key);
    }
  return 0;
}

static const struct state_field *
state_field_lookup (const char *key, size_t *index)
{
  for (size_t i = 0; i < N_STATE_FIELDS; i++)
    if (strcmp (state_fields[i].key, key) == 0)
      {
        *index = i;
        return &state_fields[i];
      }
  return NULL;
}

static void
yajl_tree_freep (yajl_val *v)
{
  if (*v != NULL)
    yajl_tree_free (*v);
  *v = NULL;
}

int
sk_state_from_json (const char *json, size_t len, struct sk_state **out, sk_error_t *err)
{
  __attribute__ ((cleanup (yajl_tree_freep))) yajl_val root = NULL;
  cleanup_state struct sk_state *s = NULL;
  cleanup_free char *text = NULL;
  bool seen[N_STATE_FIELDS] = { false };
  char errbuf[256] = "";

  if (json == NULL)
    return sk_error_set (err, 0, "state: no data");
  /* yajl_tree wants a C string; an embedded NUL would silently cut the
   * document short, so refuse it. */
  if (memchr (json, '\0', len) != NULL)
    return sk_error_set (err, 0, "state: NUL byte in JSON");
  text = malloc (len + 1);
  if (text == NULL)
    return sk_error_set (err, ENOMEM, "state: read JSON");
  memcpy (text, json, len);
  text[len] = '\0';

  root = yajl_tree_parse (text, errbuf, sizeof (errbuf));
  if (root == NULL)
    {
      /* yajl's message spans lines (it quotes the input); keep the first. */
      errbuf[strcspn (errbuf, "\n")] = '\0';
      return sk_error_set (err, 0, "state: invalid JSON: %s", errbuf[0] ? errbuf : "parse error");
    }
  if (!YAJL_IS_OBJECT (root))
    return sk_error_set (err, 0, "state: expected object");

  s = calloc (1, sizeof (*s));
  if (s == NULL)
    return sk_error_set (err, ENOMEM, "state");

  for (size_t i = 0; i < root->u.object.len; i++)
    {
      size_t idx = 0;
      const struct state_field *f = state_field_lookup (root->u.object.keys[i], &idx);
      yajl_val v = root->u.object.values[i];
      int r = 0;

      if (f == NULL)
        continue;
      if (seen[idx])
        return sk_error_set (err, 0, "state.%s: duplicate key", f->key);
      seen[idx] = true;
      switch (f->kind)
        {
        case STATE_STRING:
          r = read_string (v, f, s, err);
          break;
        case STATE_PID:
          r = read_pid (v, f, s, err);
          break;
        case STATE_U64:
          r = read_u64 (v, f, s, err);
          break;
        case STATE_MAP:
          r = read_map (v, f, s, err);
          break;
        }
      if (r < 0)
        return r;
    }

  for (size_t i = 0; i < N_STATE_FIELDS; i++)
    if (state_fields[i].required && !seen[i])
      return sk_error_set (err, 0, "state.%s: missing", state_fields[i].key);

  *out = steal_pointer (&s);
  return 0;
}
