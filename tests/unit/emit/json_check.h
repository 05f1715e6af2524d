/* Helpers for the emitter tests: parse a rendered document back with
 * yajl_tree and look values up by path, so the tests check what a consumer
 * would read rather than the exact bytes (where bytes matter, they compare
 * strings instead). */
#ifndef STOCKADE_TEST_JSON_CHECK_H
#define STOCKADE_TEST_JSON_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_tree.h>

static inline void
json_freep (yajl_val *v)
{
  if (*v != NULL)
    yajl_tree_free (*v);
  *v = NULL;
}
#define cleanup_json __attribute__ ((cleanup (json_freep)))

static inline yajl_val
json_parse (const char *text)
{
  char errbuf[256];
  yajl_val v = yajl_tree_parse (text, errbuf, sizeof (errbuf));
  if (v == NULL)
    printf ("# yajl: %s\n", errbuf);
  return v;
}

/* Value at a path of object keys; NULL when absent. */
#define JGET(root, ...) yajl_tree_get ((root), (const char *[]) { __VA_ARGS__, NULL }, yajl_t_any)
#define JSTR(root, ...) YAJL_GET_STRING (JGET (root, __VA_ARGS__))

static inline long long
json_int (yajl_val v)
{
  return YAJL_IS_INTEGER (v) ? YAJL_GET_INTEGER (v) : -999999;
}

/* 1 for true, 0 for false, -1 when not a boolean. */
static inline int
json_bool (yajl_val v)
{
  return YAJL_IS_TRUE (v) ? 1 : YAJL_IS_FALSE (v) ? 0 : -1;
}

static inline size_t
json_len (yajl_val v)
{
  if (YAJL_IS_ARRAY (v))
    return v->u.array.len;
  if (YAJL_IS_OBJECT (v))
    return v->u.object.len;
  return (size_t) -1;
}

static inline const char *
json_at_str (yajl_val array, size_t i)
{
  if (!YAJL_IS_ARRAY (array) || i >= array->u.array.len)
    return NULL;
  return YAJL_GET_STRING (array->u.array.values[i]);
}

/* array is exactly the strings of the NULL-terminated want, in order */
static inline bool
json_strv_eq (yajl_val array, const char *const *want)
{
  size_t n = 0;
  while (want[n] != NULL)
    n++;
  if (!YAJL_IS_ARRAY (array) || array->u.array.len != n)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      const char *s = json_at_str (array, i);
      if (s == NULL || strcmp (s, want[i]) != 0)
        return false;
    }
  return true;
}

static inline bool
json_strv_has (yajl_val array, const char *want)
{
  for (size_t i = 0; YAJL_IS_ARRAY (array) && i < array->u.array.len; i++)
    {
      const char *s = json_at_str (array, i);
      if (s != NULL && strcmp (s, want) == 0)
        return true;
    }
  return false;
}

/* the object's keys are exactly want, in this order */
static inline bool
json_keys_eq (yajl_val obj, const char *const *want)
{
  size_t n = 0;
  while (want[n] != NULL)
    n++;
  if (!YAJL_IS_OBJECT (obj) || obj->u.object.len != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (strcmp (obj->u.object.keys[i], want[i]) != 0)
      return false;
  return true;
}

#define STRV(...) ((const char *const[]) { __VA_ARGS__, NULL })

#endif
