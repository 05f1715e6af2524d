/* JSON paths and the one-line errors that name them. */
#include "json_reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

const struct jpath jr_root = { 0 };

/* Longest stretch of user-supplied text echoed in an error. */
#define ESCAPE_MAX 64

static void
escape_to (FILE *f, const char *s)
{
  size_t n = 0;

  for (const unsigned char *c = (const unsigned char *) s; *c != '\0'; c++, n++)
    {
      if (n == ESCAPE_MAX)
        {
          fputs ("...", f);
          return;
        }
      if (*c < 0x20 || *c == 0x7f || *c == '"' || *c == '\\')
        fprintf (f, "\\x%02x", *c);
      else
        fputc (*c, f);
    }
}

char *
jr_escape (const char *s)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);

  if (f == NULL)
    return NULL;
  escape_to (f, s);
  if (fclose (f) != 0)
    {
      free (buf);
      return NULL;
    }
  return buf;
}

static void
path_to (FILE *f, const struct jpath *p)
{
  if (p == NULL || p->parent == NULL)
    return;
  path_to (f, p->parent);
  if (p->key == NULL)
    fprintf (f, "[%zu]", p->index);
  else
    {
      if (p->parent->parent != NULL)
        fputc ('.', f);
      escape_to (f, p->key);
    }
}

static char *
path_string (const struct jpath *p)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);

  if (f == NULL)
    return NULL;
  path_to (f, p);
  if (fclose (f) != 0)
    {
      free (buf);
      return NULL;
    }
  return buf;
}

int
jr_fail (sk_error_t *err, const struct jpath *p, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  cleanup_free char *path = path_string (p);
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (path == NULL || path[0] == '\0')
    return sk_error_set (err, 0, "%s", msg ? msg : "invalid value");
  return sk_error_set (err, 0, "%s: %s", path, msg ? msg : "invalid value");
}

int
jr_fail_unknown (sk_error_t *err, const struct jpath *p, const char *what, const char *value)
{
  cleanup_free char *v = jr_escape (value);

  return jr_fail (err, p, "unknown %s \"%s\"", what, v ? v : "?");
}

const char *
jr_type_name (yajl_val v)
{
  if (v == NULL)
    return "nothing";
  switch (v->type)
    {
    case yajl_t_string:
      return "string";
    case yajl_t_number:
      return "number";
    case yajl_t_object:
      return "object";
    case yajl_t_array:
      return "array";
    case yajl_t_true:
    case yajl_t_false:
      return "boolean";
    case yajl_t_null:
      return "null";
    default:
      return "unknown";
    }
}

int
jr_fail_type (sk_error_t *err, const struct jpath *p, const char *want, yajl_val got)
{
  return jr_fail (err, p, "expected %s, got %s", want, jr_type_name (got));
}

int
jr_fail_missing (sk_error_t *err, const struct jpath *p, const char *key)
{
  return jr_fail (err, JP_KEY (p, key), "required field missing");
}
