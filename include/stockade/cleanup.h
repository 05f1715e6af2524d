/* Scope-bound cleanup helpers (the bubblewrap/systemd idiom).
 * Declare with the attribute; hand ownership on with steal_pointer()/steal_fd(). */
#ifndef STOCKADE_CLEANUP_H
#define STOCKADE_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
sk_freep (void *p)
{
  void **pp = (void **) p;
  free (*pp);
  *pp = NULL;
}

static inline void
sk_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
  *fd = -1;
}

static inline void
sk_fclosep (FILE **f)
{
  if (*f != NULL)
    fclose (*f);
  *f = NULL;
}

/* NULL-terminated array of malloc'd strings. */
static inline void
sk_strv_free (char **v)
{
  if (v == NULL)
    return;
  for (char **p = v; *p != NULL; p++)
    free (*p);
  free (v);
}

static inline void
sk_strv_freep (char ***v)
{
  sk_strv_free (*v);
  *v = NULL;
}

static inline void *
sk_steal_pointer (void *pp)
{
  void **p = (void **) pp;
  void *v = *p;
  *p = NULL;
  return v;
}

static inline int
sk_steal_fd (int *fd)
{
  int v = *fd;
  *fd = -1;
  return v;
}

#define cleanup_free __attribute__ ((cleanup (sk_freep)))
#define cleanup_close __attribute__ ((cleanup (sk_closep)))
#define cleanup_file __attribute__ ((cleanup (sk_fclosep)))
#define cleanup_strv __attribute__ ((cleanup (sk_strv_freep)))
#define steal_pointer(pp) sk_steal_pointer (pp)
#define steal_fd(fdp) sk_steal_fd (fdp)

static inline size_t
sk_strv_len (char *const *v)
{
  size_t n = 0;
  if (v != NULL)
    while (v[n] != NULL)
      n++;
  return n;
}

#endif
