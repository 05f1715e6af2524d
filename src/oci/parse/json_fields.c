/* Typed reads of one key of a JSON object. */
#include "json_reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

int
jr_lookup (yajl_val obj, const struct jpath *p, const char *key, yajl_val *out, sk_error_t *err)
{
  yajl_val found = NULL;
  bool seen = false;

  for (size_t i = 0; i < obj->u.object.len; i++)
    {
      if (strcmp (obj->u.object.keys[i], key) != 0)
        continue;
      if (seen)
        return jr_fail (err, JP_KEY (p, key), "duplicate key");
      seen = true;
      found = obj->u.object.values[i];
    }
  *out = YAJL_IS_NULL (found) ? NULL : found;
  return 0;
}

/* Lookup with the JR_REQUIRED check: *out NULL means absent and allowed. */
static int
lookup_field (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, yajl_val *out,
              sk_error_t *err)
{
  if (jr_lookup (obj, p, key, out, err) < 0)
    return -1;
  if (*out == NULL && (flags & JR_REQUIRED))
    return jr_fail_missing (err, p, key);
  return 0;
}

int
jr_object (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, yajl_val *out,
           sk_error_t *err)
{
  if (lookup_field (obj, p, key, flags, out, err) < 0)
    return -1;
  if (*out != NULL && !YAJL_IS_OBJECT (*out))
    return jr_fail_type (err, JP_KEY (p, key), "object", *out);
  return 0;
}

int
jr_string (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, char **out,
           sk_error_t *err)
{
  yajl_val v;

  if (lookup_field (obj, p, key, flags, &v, err) < 0)
    return -1;
  return v == NULL ? 0 : jv_string (v, JP_KEY (p, key), flags, out, err);
}

int
jr_enum (yajl_val obj, const struct jpath *p, const char *key, unsigned flags,
         const struct oci_name_table *table, char **out, int *value, sk_error_t *err)
{
  const struct oci_name_value *e;
  yajl_val v;

  if (lookup_field (obj, p, key, flags, &v, err) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (!YAJL_IS_STRING (v))
    return jr_fail_type (err, JP_KEY (p, key), "string", v);
  e = oci_table_find (table, v->u.string);
  if (e == NULL)
    return jr_fail_unknown (err, JP_KEY (p, key), table->what, v->u.string);
  if (value != NULL)
    *value = e->value;
  return out == NULL ? 0 : jv_string (v, JP_KEY (p, key), 0, out, err);
}

static int
read_bool (yajl_val obj, const struct jpath *p, const char *key, bool *out, bool *set, sk_error_t *err)
{
  yajl_val v;

  if (jr_lookup (obj, p, key, &v, err) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (!YAJL_IS_TRUE (v) && !YAJL_IS_FALSE (v))
    return jr_fail_type (err, JP_KEY (p, key), "boolean", v);
  *out = YAJL_IS_TRUE (v);
  *set = true;
  return 0;
}

int
jr_bool (yajl_val obj, const struct jpath *p, const char *key, bool *out, sk_error_t *err)
{
  bool set = false;

  return read_bool (obj, p, key, out, &set, err);
}

int
jr_opt_bool (yajl_val obj, const struct jpath *p, const char *key, sk_opt_bool *out, sk_error_t *err)
{
  return read_bool (obj, p, key, &out->v, &out->set, err);
}

int
jr_int (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, int64_t min, int64_t max,
        int64_t *out, bool *set, sk_error_t *err)
{
  yajl_val v;

  if (lookup_field (obj, p, key, flags, &v, err) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (jv_int (v, JP_KEY (p, key), min, max, out, err) < 0)
    return -1;
  if (set != NULL)
    *set = true;
  return 0;
}

int
jr_uint (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, uint64_t max,
         uint64_t *out, bool *set, sk_error_t *err)
{
  yajl_val v;

  if (lookup_field (obj, p, key, flags, &v, err) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (jv_uint (v, JP_KEY (p, key), max, out, err) < 0)
    return -1;
  if (set != NULL)
    *set = true;
  return 0;
}

int
jr_opt_i64 (yajl_val obj, const struct jpath *p, const char *key, sk_opt_i64 *out, sk_error_t *err)
{
  return jr_int (obj, p, key, JR_OPTIONAL, INT64_MIN, INT64_MAX, &out->v, &out->set, err);
}

int
jr_opt_i32 (yajl_val obj, const struct jpath *p, const char *key, sk_opt_i32 *out, sk_error_t *err)
{
  int64_t v = 0;

  if (jr_int (obj, p, key, JR_OPTIONAL, INT32_MIN, INT32_MAX, &v, &out->set, err) < 0)
    return -1;
  out->v = (int32_t) v;
  return 0;
}

int
jr_opt_u64 (yajl_val obj, const struct jpath *p, const char *key, sk_opt_u64 *out, sk_error_t *err)
{
  return jr_uint (obj, p, key, JR_OPTIONAL, UINT64_MAX, &out->v, &out->set, err);
}

int
jr_opt_u32 (yajl_val obj, const struct jpath *p, const char *key, sk_opt_u32 *out, sk_error_t *err)
{
  uint64_t v = 0;

  if (jr_uint (obj, p, key, JR_OPTIONAL, UINT32_MAX, &v, &out->set, err) < 0)
    return -1;
  out->v = (uint32_t) v;
  return 0;
}

int
jr_u32 (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, uint32_t *out,
        sk_error_t *err)
{
  uint64_t v = *out;

  if (jr_uint (obj, p, key, flags, UINT32_MAX, &v, NULL, err) < 0)
    return -1;
  *out = (uint32_t) v;
  return 0;
}

int
jr_u64 (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, uint64_t *out,
        sk_error_t *err)
{
  return jr_uint (obj, p, key, flags, UINT64_MAX, out, NULL, err);
}

int
jr_i64 (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, int64_t *out,
        sk_error_t *err)
{
  return jr_int (obj, p, key, flags, INT64_MIN, INT64_MAX, out, NULL, err);
}

int
jr_strv (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, char ***out,
         sk_error_t *err)
{
  yajl_val v;

  if (lookup_field (obj, p, key, flags, &v, err) < 0)
    return -1;
  return v == NULL ? 0 : jv_strv (v, JP_KEY (p, key), flags, out, err);
}

int
jr_enum_strv (yajl_val obj, const struct jpath *p, const char *key, const struct oci_name_table *table,
              char ***out, sk_error_t *err)
{
  cleanup_strv char **strv = NULL;

  if (jr_strv (obj, p, key, JR_OPTIONAL, &strv, err) < 0)
    return -1;
  for (size_t i = 0; strv != NULL && strv[i] != NULL; i++)
    if (oci_table_find (table, strv[i]) == NULL)
      return jr_fail_unknown (err, JP_IDX (JP_KEY (p, key), i), table->what, strv[i]);
  if (strv != NULL)
    {
      sk_strv_free (*out);
      *out = steal_pointer (&strv);
    }
  return 0;
}

int
jr_kv (yajl_val obj, const struct jpath *p, const char *key, struct oci_kv **out, size_t *n,
       sk_error_t *err)
{
  yajl_val v;

  if (jr_lookup (obj, p, key, &v, err) < 0)
    return -1;
  return v == NULL ? 0 : jv_kv (v, JP_KEY (p, key), out, n, err);
}

int
jr_sub (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, jr_parse_fn parse,
        void *out, sk_error_t *err)
{
  yajl_val v;

  if (jr_object (obj, p, key, flags, &v, err) < 0)
    return -1;
  return v == NULL ? 0 : parse (v, JP_KEY (p, key), out, err);
}

int
jr_sub_alloc (yajl_val obj, const struct jpath *p, const char *key, size_t size, jr_parse_fn parse,
              jr_clear_fn clear, void **out, sk_error_t *err)
{
  cleanup_free void *item = NULL;
  yajl_val v;

  if (jr_object (obj, p, key, JR_OPTIONAL, &v, err) < 0)
    return -1;
  if (v == NULL)
    return 0;
  item = calloc (1, size);
  if (item == NULL)
    return sk_error_set (err, ENOMEM, "calloc");
  if (parse (v, JP_KEY (p, key), item, err) < 0)
    {
      if (clear != NULL)
        clear (item);
      return -1;
    }
  *out = steal_pointer (&item);
  return 0;
}

void
jr_array_free (void *items, size_t n, size_t size, jr_clear_fn clear)
{
  if (items == NULL)
    return;
  for (size_t i = 0; clear != NULL && i < n; i++)
    clear ((char *) items + i * size);
  free (items);
}

int
jr_array (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, size_t size,
          jr_parse_fn parse, jr_clear_fn clear, void **out, size_t *n_out, sk_error_t *err)
{
  const struct jpath *ap = JP_KEY (p, key);
  char *items;
  yajl_val v;
  size_t n;

  if (lookup_field (obj, p, key, flags, &v, err) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (!YAJL_IS_ARRAY (v))
    return jr_fail_type (err, ap, "array", v);
  n = v->u.array.len;
  if (n == 0)
    return (flags & JR_NONEMPTY) ? jr_fail (err, ap, "must have at least one entry") : 0;
  items = calloc (n, size);
  if (items == NULL)
    return sk_error_set (err, ENOMEM, "calloc");
  for (size_t i = 0; i < n; i++)
    {
      yajl_val e = v->u.array.values[i];
      int r = YAJL_IS_OBJECT (e) ? parse (e, JP_IDX (ap, i), items + i * size, err)
                                 : jr_fail_type (err, JP_IDX (ap, i), "object", e);
      if (r < 0)
        {
          jr_array_free (items, i + 1, size, clear);
          return -1;
        }
    }
  *out = items;
  *n_out = n;
  return 0;
}
