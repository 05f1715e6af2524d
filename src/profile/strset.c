/* String lists, paths, name hints and a text buffer for src/profile. */
#include "profile_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

bool
strset_has (char *const *set, const char *s)
{
  size_t n = sk_strv_len (set);

  return n > 0 && bsearch (&s, set, n, sizeof (char *), cmp_str) != NULL;
}

int
strset_add (char ***set, const char *s)
{
  size_t n = sk_strv_len (*set), i = 0, hi = n;
  char **v;

  /* Insertion point: first element not below S, by bisection (a profile's
     filter adds hundreds of names; a linear scan made loading quadratic). */
  while (i < hi)
    {
      size_t mid = i + (hi - i) / 2;
      if (strcmp ((*set)[mid], s) < 0)
        i = mid + 1;
      else
        hi = mid;
    }
  if (i < n && strcmp ((*set)[i], s) == 0)
    return 0;
  v = realloc (*set, (n + 2) * sizeof (char *));
  if (v == NULL)
    return -1;
  *set = v;
  memmove (v + i + 1, v + i, (n - i) * sizeof (char *));
  v[n + 1] = NULL;
  v[i] = strdup (s);
  if (v[i] == NULL)
    {
      memmove (v + i, v + i + 1, (n - i + 1) * sizeof (char *));
      return -1;
    }
  return 0;
}

int
strset_union_borrowed (char ***set, char *const *other)
{
  size_t n = sk_strv_len (*set), m = sk_strv_len (other), i = 0, j = 0, k = 0;
  char **out;

  if (m == 0)
    return 0;
  /* One merge of two sorted sets: adding a group's members one by one
     reallocated and shifted the set for every name. */
  if ((out = calloc (n + m + 1, sizeof (char *))) == NULL)
    return -1;
  while (i < n || j < m)
    {
      int c = i == n ? 1 : j == m ? -1 : strcmp ((*set)[i], other[j]);
      if (c <= 0)
        {
          out[k++] = (*set)[i++];
          j += c == 0;
        }
      else
        out[k++] = other[j++];
    }
  free (*set);
  *set = out;
  return 0;
}

void
strset_remove (char **set, const char *s)
{
  for (size_t i = 0; set != NULL && set[i] != NULL; i++)
    if (strcmp (set[i], s) == 0)
      {
        strv_remove_at (set, i);
        return;
      }
}

void
strset_remove_borrowed (char **set, const char *s)
{
  for (size_t i = 0; set != NULL && set[i] != NULL; i++)
    if (strcmp (set[i], s) == 0)
      {
        memmove (set + i, set + i + 1, (sk_strv_len (set + i + 1) + 1) * sizeof (char *));
        return;
      }
}

bool
strv_has (char *const *v, const char *s)
{
  for (size_t i = 0; v != NULL && v[i] != NULL; i++)
    if (strcmp (v[i], s) == 0)
      return true;
  return false;
}

int
strv_add_unique (char ***v, const char *s)
{
  size_t n = sk_strv_len (*v);
  char **grown;

  if (strv_has (*v, s))
    return 0;
  grown = realloc (*v, (n + 2) * sizeof (char *));
  if (grown == NULL)
    return -1;
  *v = grown;
  grown[n] = strdup (s);
  grown[n + 1] = NULL;
  return grown[n] == NULL ? -1 : 0;
}

void
strv_remove_at (char **v, size_t i)
{
  size_t n = sk_strv_len (v);

  free (v[i]);
  memmove (v + i, v + i + 1, (n - i) * sizeof (char *));
}

char **
strv_dup (char *const *v)
{
  size_t n = sk_strv_len (v);
  char **out = calloc (n + 1, sizeof (char *));

  if (out == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    if ((out[i] = strdup (v[i])) == NULL)
      {
        sk_strv_free (out);
        return NULL;
      }
  return out;
}

char *
strv_join (char *const *v, const char *sep)
{
  size_t len = 1, seplen = strlen (sep);
  char *out, *p;

  for (size_t i = 0; v != NULL && v[i] != NULL; i++)
    len += strlen (v[i]) + seplen;
  out = p = malloc (len);
  if (out == NULL)
    return NULL;
  *p = '\0';
  for (size_t i = 0; v != NULL && v[i] != NULL; i++)
    p = stpcpy (i > 0 ? stpcpy (p, sep) : p, v[i]);
  return out;
}

char *
path_normalize (const char *path)
{
  size_t len = strlen (path);
  char *out = malloc (len + 2), *o = out;
  const char *s = path;

  if (out == NULL)
    return NULL;
  *o++ = '/';
  while (*s != '\0')
    {
      const char *e;
      size_t n;

      while (*s == '/')
        s++;
      e = s + strcspn (s, "/");
      n = (size_t) (e - s);
      if (n == 0 || (n == 1 && s[0] == '.'))
        ;
      else if (n == 2 && s[0] == '.' && s[1] == '.')
        {
          /* ".." above "/" stays at "/", as the kernel resolves it. */
          while (o > out + 1 && o[-1] != '/')
            o--;
          if (o > out + 1)
            o--;
        }
      else
        {
          if (o > out + 1)
            *o++ = '/';
          memcpy (o, s, n);
          o += n;
        }
      s = e;
    }
  *o = '\0';
  return out;
}

bool
path_is_under (const char *path, const char *dir)
{
  size_t n = strlen (dir);

  if (strcmp (dir, "/") == 0)
    return true;
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static size_t
edit_distance (const char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b), row[64];

  if (la >= 63 || lb >= 63)
    return SIZE_MAX;
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++)
    {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= lb; j++)
        {
          size_t up = row[j];
          size_t cost = tolower ((unsigned char) a[i - 1]) != tolower ((unsigned char) b[j - 1]);
          size_t best = diag + cost;
          if (up + 1 < best)
            best = up + 1;
          if (row[j - 1] + 1 < best)
            best = row[j - 1] + 1;
          row[j] = best;
          diag = up;
        }
    }
  return row[lb];
}

const char *
nearest_name (const char *word, const void *table, size_t n, size_t stride)
{
  const char *best = NULL;
  size_t best_d = SIZE_MAX, limit = strlen (word) / 3 + 1;

  if (limit > 3)
    limit = 3;
  for (size_t i = 0; i < n; i++)
    {
      const char *name = *(const char *const *) ((const char *) table + i * stride);
      size_t d;

      if (name == NULL)
        continue;
      d = edit_distance (word, name);
      if (d < best_d)
        {
          best_d = d;
          best = name;
        }
    }
  return best_d <= limit ? best : NULL;
}

void
sbuf_printf (struct sbuf *b, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (b->oom)
    return;
  for (;;)
    {
      size_t room = b->cap - b->len;

      va_start (ap, fmt);
      n = vsnprintf (b->s != NULL ? b->s + b->len : NULL, room, fmt, ap);
      va_end (ap);
      if (n < 0)
        {
          b->oom = true;
          return;
        }
      if ((size_t) n < room)
        {
          b->len += (size_t) n;
          return;
        }
      size_t cap = (b->cap + (size_t) n + 1) * 2;
      char *s = realloc (b->s, cap);
      if (s == NULL)
        {
          b->oom = true;
          return;
        }
      b->s = s;
      b->cap = cap;
    }
}

int
sbuf_finish (struct sbuf *b, char **out, size_t *len, sk_error_t *err)
{
  if (b->oom)
    return sk_error_set (err, ENOMEM, "rendering text");
  if (b->s == NULL && (b->s = calloc (1, 1)) == NULL)
    return sk_error_set (err, ENOMEM, "rendering text");
  *out = steal_pointer (&b->s);
  if (len != NULL)
    *len = b->len;
  b->len = b->cap = 0;
  return 0;
}

void
sbuf_release (struct sbuf *b)
{
  free (b->s);
  b->s = NULL;
}

uint64_t
sk_id_hash (const char *s, uint64_t salt)
{
  uint64_t h = 0xcbf29ce484222325ull ^ salt;

  for (; *s != '\0'; s++)
    {
      h ^= (unsigned char) *s;
      h *= 0x100000001b3ull;
    }
  /* FNV alone leaves the low bits weak for short ids; mix (splitmix64). */
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}
