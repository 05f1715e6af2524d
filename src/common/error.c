#include "stockade/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
sk_error_release (sk_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

static int
error_store (sk_error_t *err, int status, char *msg)
{
  struct sk_error_s *e;

  if (err == NULL)
    {
      free (msg);
      return -1;
    }
  sk_error_release (err);
  e = calloc (1, sizeof (*e));
  if (e == NULL)
    {
      free (msg);
      /* Cannot report anything better than the caller's failure; *err stays
       * NULL and sk_error_msg() then yields a generic text. */
      return -1;
    }
  e->status = status;
  e->msg = msg;
  *err = e;
  return -1;
}

int
sk_error_set (sk_error_t *err, int errnum, const char *fmt, ...)
{
  char *base = NULL, *full = NULL;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&base, fmt, ap) < 0)
    base = NULL;
  va_end (ap);

  if (base != NULL && errnum != 0)
    {
      if (asprintf (&full, "%s: %s", base, strerror (errnum)) < 0)
        full = NULL;
      free (base);
    }
  else
    full = base;
  return error_store (err, errnum, full);
}

int
sk_error_wrap (sk_error_t *err, const char *fmt, ...)
{
  char *ctx = NULL, *full = NULL;
  va_list ap;

  if (err == NULL || *err == NULL)
    return -1;
  va_start (ap, fmt);
  if (vasprintf (&ctx, fmt, ap) < 0)
    ctx = NULL;
  va_end (ap);
  if (ctx == NULL)
    return -1;
  if (asprintf (&full, "%s: %s", ctx, (*err)->msg ? (*err)->msg : "(no detail)") < 0)
    full = NULL;
  free (ctx);
  if (full != NULL)
    {
      free ((*err)->msg);
      (*err)->msg = full;
    }
  return -1;
}

const char *
sk_error_msg (const sk_error_t *err)
{
  if (err == NULL || *err == NULL)
    return "unknown error (out of memory while reporting it)";
  if ((*err)->msg == NULL)
    return strerror ((*err)->status ? (*err)->status : ENOMEM);
  return (*err)->msg;
}
