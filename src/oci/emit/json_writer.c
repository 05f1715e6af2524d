/* Sticky-status JSON writer over yajl_gen (see json_writer.h for why). */
#include "json_writer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

static bool
jw_ok (const struct jw *w)
{
  return w->g != NULL && w->status == yajl_gen_status_ok && !w->oom;
}

static void
jw_note (struct jw *w, yajl_gen_status st)
{
  if (w->status == yajl_gen_status_ok)
    w->status = st;
}

int
jw_init (struct jw *w, bool pretty, sk_error_t *err)
{
  memset (w, 0, sizeof (*w));
  w->g = yajl_gen_alloc (NULL);
  if (w->g == NULL)
    return sk_error_set (err, ENOMEM, "allocate JSON generator");
  if (pretty)
    {
      if (!yajl_gen_config (w->g, yajl_gen_beautify, 1)
          || !yajl_gen_config (w->g, yajl_gen_indent_string, "  "))
        {
          jw_release (w);
          return sk_error_set (err, 0, "configure JSON generator");
        }
    }
  return 0;
}

void
jw_release (struct jw *w)
{
  if (w->g != NULL)
    yajl_gen_free (w->g);
  w->g = NULL;
}

void
jw_map_open (struct jw *w)
{
  if (jw_ok (w))
    jw_note (w, yajl_gen_map_open (w->g));
}

void
jw_map_close (struct jw *w)
{
  if (jw_ok (w))
    jw_note (w, yajl_gen_map_close (w->g));
}

void
jw_array_open (struct jw *w)
{
  if (jw_ok (w))
    jw_note (w, yajl_gen_array_open (w->g));
}

void
jw_array_close (struct jw *w)
{
  if (jw_ok (w))
    jw_note (w, yajl_gen_array_close (w->g));
}

void
jw_string (struct jw *w, const char *s)
{
  if (s == NULL)
    s = "";
  if (jw_ok (w))
    jw_note (w, yajl_gen_string (w->g, (const unsigned char *) s, strlen (s)));
}

void
jw_int (struct jw *w, long long v)
{
  if (jw_ok (w))
    jw_note (w, yajl_gen_integer (w->g, v));
}

/* yajl_gen_integer takes a long long; print through yajl_gen_number so the
 * full uint64 range survives (pid start times, rlimits). */
void
jw_u64 (struct jw *w, uint64_t v)
{
  char buf[24];
  int n = snprintf (buf, sizeof (buf), "%" PRIu64, v);

  if (jw_ok (w))
    jw_note (w, yajl_gen_number (w->g, buf, (size_t) n));
}

void
jw_bool (struct jw *w, bool v)
{
  if (jw_ok (w))
    jw_note (w, yajl_gen_bool (w->g, v));
}

void
jw_null (struct jw *w)
{
  if (jw_ok (w))
    jw_note (w, yajl_gen_null (w->g));
}

void
jw_kv_string (struct jw *w, const char *key, const char *value)
{
  jw_string (w, key);
  jw_string (w, value);
}

void
jw_kv_int (struct jw *w, const char *key, long long value)
{
  jw_string (w, key);
  jw_int (w, value);
}

void
jw_kv_u64 (struct jw *w, const char *key, uint64_t value)
{
  jw_string (w, key);
  jw_u64 (w, value);
}

void
jw_kv_bool (struct jw *w, const char *key, bool value)
{
  jw_string (w, key);
  jw_bool (w, value);
}

void
jw_kv_strv (struct jw *w, const char *key, const char *const *v)
{
  jw_string (w, key);
  jw_array_open (w);
  for (; v != NULL && *v != NULL; v++)
    jw_string (w, *v);
  jw_array_close (w);
}

/* Order by key, then by position, so that among equal keys the last one in
 * document order ends a run; that one is kept, matching what a Go map holds
 * after decoding a document with a repeated key. */
static int
kv_ptr_cmp (const void *a, const void *b)
{
  const struct oci_kv *x = *(const struct oci_kv *const *) a;
  const struct oci_kv *y = *(const struct oci_kv *const *) b;
  int c = strcmp (x->key ? x->key : "", y->key ? y->key : "");

  if (c != 0)
    return c;
  return (x > y) - (x < y);
}

void
jw_kv_map (struct jw *w, const char *key, const struct oci_kv *kv, size_t n, bool sorted)
{
  cleanup_free const struct oci_kv **order = NULL;

  jw_string (w, key);
  jw_map_open (w);
  if (!sorted)
    {
      for (size_t i = 0; i < n; i++)
        jw_kv_string (w, kv[i].key, kv[i].value);
      jw_map_close (w);
      return;
    }

  order = calloc (n ? n : 1, sizeof (*order));
  if (order == NULL)
    {
      w->oom = true;
      return;
    }
  for (size_t i = 0; i < n; i++)
    order[i] = &kv[i];
  qsort (order, n, sizeof (*order), kv_ptr_cmp);
  for (size_t i = 0; i < n; i++)
    {
      if (i + 1 < n && strcmp (order[i]->key ? order[i]->key : "",
                               order[i + 1]->key ? order[i + 1]->key : "") == 0)
        continue;
      jw_kv_string (w, order[i]->key, order[i]->value);
    }
  jw_map_close (w);
}

int
jw_finish (struct jw *w, bool final_newline, const char *what, char **out, size_t *len,
           sk_error_t *err)
{
  const unsigned char *buf = NULL;
  size_t n = 0;
  char *copy;

  if (w->g == NULL)
    return sk_error_set (err, 0, "%s: JSON generator not initialised", what);
  if (w->oom)
    return sk_error_set (err, ENOMEM, "%s: render JSON", what);
  if (w->status != yajl_gen_status_ok)
    return sk_error_set (err, 0, "%s: render JSON: yajl_gen status %d", what, (int) w->status);
  if (yajl_gen_get_buf (w->g, &buf, &n) != yajl_gen_status_ok)
    return sk_error_set (err, 0, "%s: read back rendered JSON", what);

  /* yajl's beautify mode always ends the document with '\n' and the
   * compact mode never does; normalise to what the caller asked for. */
  if (n > 0 && buf[n - 1] == '\n')
    n--;
  copy = malloc (n + 2);
  if (copy == NULL)
    return sk_error_set (err, ENOMEM, "%s: render JSON", what);
  memcpy (copy, buf, n);
  if (final_newline)
    copy[n++] = '\n';
  copy[n] = '\0';

  *out = copy;
  if (len != NULL)
    *len = n;
  return 0;
}
