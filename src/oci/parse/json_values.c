/* Typed reads of one JSON value whose path is known. */
#include "json_reader.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

int
jv_string (yajl_val v, const struct jpath *p, unsigned flags, char **out, sk_error_t *err)
{
  char *s;

  if (!YAJL_IS_STRING (v))
    return jr_fail_type (err, p, "string", v);
  if ((flags & JR_ABSOLUTE) && v->u.string[0] != '/')
    {
      cleanup_free char *e = jr_escape (v->u.string);
      return jr_fail (err, p, "must be an absolute path, got \"%s\"", e ? e : "?");
    }
  s = strdup (v->u.string);
  if (s == NULL)
    return sk_error_set (err, ENOMEM, "strdup");
  free (*out);
  *out = s;
  return 0;
}

/* The number's text, checked to be a plain integer ("-?[0-9]+"): yajl keeps
 * it for every number, including those past LLONG_MAX. */
static int
integer_text (yajl_val v, const struct jpath *p, const char **out, sk_error_t *err)
{
  const char *r, *digits;

  if (!YAJL_IS_NUMBER (v))
    return jr_fail_type (err, p, "integer", v);
  r = v->u.number.r;
  digits = r[0] == '-' ? r + 1 : r;
  if (digits[0] == '\0' || digits[strspn (digits, "0123456789")] != '\0')
    {
      cleanup_free char *e = jr_escape (r);
      return jr_fail (err, p, "expected integer, got %s", e ? e : "?");
    }
  *out = r;
  return 0;
}

static int
fail_range (sk_error_t *err, const struct jpath *p, const char *text, const char *range)
{
  cleanup_free char *e = jr_escape (text);

  return jr_fail (err, p, "value %s out of range %s", e ? e : "?", range);
}

int
jv_int (yajl_val v, const struct jpath *p, int64_t min, int64_t max, int64_t *out, sk_error_t *err)
{
  char range[64];
  const char *text;
  long long n;

  if (integer_text (v, p, &text, err) < 0)
    return -1;
  errno = 0;
  n = strtoll (text, NULL, 10);
  if (errno != 0 || n < min || n > max)
    {
      snprintf (range, sizeof (range), "[%" PRId64 ", %" PRId64 "]", min, max);
      return fail_range (err, p, text, range);
    }
  *out = n;
  return 0;
}

int
jv_uint (yajl_val v, const struct jpath *p, uint64_t max, uint64_t *out, sk_error_t *err)
{
  char range[64];
  const char *text;
  unsigned long long n = 0;
  bool negative;

  if (integer_text (v, p, &text, err) < 0)
    return -1;
  negative = text[0] == '-' && text[1 + strspn (text + 1, "0")] != '\0';
  errno = 0;
  if (!negative)
    n = strtoull (text[0] == '-' ? text + 1 : text, NULL, 10);
  if (negative || errno != 0 || n > max)
    {
      snprintf (range, sizeof (range), "[0, %" PRIu64 "]", max);
      return fail_range (err, p, text, range);
    }
  *out = n;
  return 0;
}

int
jv_strv (yajl_val v, const struct jpath *p, unsigned flags, char ***out, sk_error_t *err)
{
  cleanup_strv char **strv = NULL;
  size_t n;

  if (!YAJL_IS_ARRAY (v))
    return jr_fail_type (err, p, "array of strings", v);
  n = v->u.array.len;
  if (n == 0 && (flags & JR_NONEMPTY))
    return jr_fail (err, p, "must have at least one entry");
  strv = calloc (n + 1, sizeof (char *));
  if (strv == NULL)
    return sk_error_set (err, ENOMEM, "calloc");
  for (size_t i = 0; i < n; i++)
    if (jv_string (v->u.array.values[i], JP_IDX (p, i), flags & JR_ABSOLUTE, &strv[i], err) < 0)
      return -1;
  sk_strv_free (*out);
  *out = steal_pointer (&strv);
  return 0;
}

void
oci_kv_free (struct oci_kv *kv, size_t n)
{
  if (kv == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    {
      free (kv[i].key);
      free (kv[i].value);
    }
  free (kv);
}

static int
compare_keys (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Sorting a copy keeps this O(n log n) on a hostile object with many keys. */
static int
check_unique_keys (yajl_val v, const struct jpath *p, sk_error_t *err)
{
  cleanup_free const char **keys = NULL;
  size_t n = v->u.object.len;

  if (n < 2)
    return 0;
  keys = malloc (n * sizeof (*keys));
  if (keys == NULL)
    return sk_error_set (err, ENOMEM, "malloc");
  memcpy (keys, v->u.object.keys, n * sizeof (*keys));
  qsort (keys, n, sizeof (*keys), compare_keys);
  for (size_t i = 1; i < n; i++)
    if (strcmp (keys[i - 1], keys[i]) == 0)
      return jr_fail (err, JP_KEY (p, keys[i]), "duplicate key");
  return 0;
}

int
jv_kv (yajl_val v, const struct jpath *p, struct oci_kv **out, size_t *n_out, sk_error_t *err)
{
  struct oci_kv *kv;
  size_t n;

  if (!YAJL_IS_OBJECT (v))
    return jr_fail_type (err, p, "object", v);
  if (check_unique_keys (v, p, err) < 0)
    return -1;
  n = v->u.object.len;
  kv = calloc (n ? n : 1, sizeof (*kv));
  if (kv == NULL)
    return sk_error_set (err, ENOMEM, "calloc");
  for (size_t i = 0; i < n; i++)
    {
      const char *key = v->u.object.keys[i];

      kv[i].key = strdup (key);
      if (kv[i].key == NULL
          || jv_string (v->u.object.values[i], JP_KEY (p, key), 0, &kv[i].value, err) < 0)
        {
          if (kv[i].key == NULL)
            sk_error_set (err, ENOMEM, "strdup");
          oci_kv_free (kv, i + 1);
          return -1;
        }
    }
  oci_kv_free (*out, *n_out);
  if (n == 0)
    {
      free (kv);
      kv = NULL;
    }
  *out = kv;
  *n_out = n;
  return 0;
}
