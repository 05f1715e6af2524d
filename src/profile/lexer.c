/* The line syntax of profiles and of syscall-groups.conf (and fit for
 * stockade.conf), after systemd's unit files: "Key=Value" per line, '#' and
 * ';' comments, a trailing '\' continues the line, and a file may open with
 * one section header ([Profile] for profiles). */
#include "profile_internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stockade/cleanup.h"

/* Profiles are a few kilobytes; anything this large is not one. */
#define LEX_MAX_FILE (1024 * 1024)

int
lex_read_file (const char *path, char **out, struct stat *st_out, sk_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  cleanup_free char *buf = NULL;
  struct stat st;
  size_t len = 0;

  if (fd < 0)
    return sk_error_set (err, errno, "open %s", path);
  if (fstat (fd, &st) < 0)
    return sk_error_set (err, errno, "stat %s", path);
  if (st_out != NULL)
    *st_out = st;
  if (!S_ISREG (st.st_mode))
    return sk_error_set (err, 0, "%s: not a regular file", path);
  if (st.st_size > LEX_MAX_FILE)
    return sk_error_set (err, EFBIG, "%s", path);
  buf = malloc ((size_t) st.st_size + 1);
  if (buf == NULL)
    return sk_error_set (err, ENOMEM, "%s", path);
  while (len < (size_t) st.st_size)
    {
      ssize_t r = read (fd, buf + len, (size_t) st.st_size - len);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return sk_error_set (err, errno, "read %s", path);
      if (r == 0)
        break;
      len += (size_t) r;
    }
  buf[len] = '\0';
  if (strlen (buf) != len)
    return sk_error_set (err, 0, "%s: contains a NUL byte", path);
  *out = steal_pointer (&buf);
  return 0;
}

int
lex_fail (sk_error_t *err, const struct lex_line *l, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  return sk_error_set (err, 0, "%s:%u: %s", l->file, l->line, msg != NULL ? msg : "error");
}

static char *
trim (char *s)
{
  char *e;

  while (isspace ((unsigned char) *s))
    s++;
  e = s + strlen (s);
  while (e > s && isspace ((unsigned char) e[-1]))
    *--e = '\0';
  return s;
}

/* One logical line: a line ending in '\' is joined with the next one (the
 * backslash becomes a space).  Joining happens in place; *FIRST gets the
 * number of the first physical line, which errors name (as systemd does). */
static char *
next_logical_line (char **cursor, unsigned *lineno, unsigned *first)
{
  char *start = *cursor, *w = start, *r = start;

  if (*r == '\0')
    return NULL;
  *first = ++*lineno;
  for (;;)
    {
      char *nl = strchr (r, '\n');
      size_t n = nl != NULL ? (size_t) (nl - r) : strlen (r);
      bool cont = n > 0 && r[n - 1] == '\\';

      memmove (w, r, n);
      w += n;
      r += n;
      if (cont)
        w[-1] = ' ';
      if (*r == '\n')
        r++;
      if (!cont || *r == '\0')
        break;
      ++*lineno;
    }
  *w = '\0';
  *cursor = r; /* W never passes R: text only moves backwards */
  return start;
}

int
lex_text (const char *file, char *text, const char *section, lex_fn fn, void *ctx, sk_error_t *err)
{
  char *cursor = text, *raw;
  unsigned lineno = 0, first = 0;
  bool seen_directive = false;

  while ((raw = next_logical_line (&cursor, &lineno, &first)) != NULL)
    {
      struct lex_line l = { .file = file, .line = first };
      char *s = trim (raw), *eq;

      if (*s == '\0' || *s == '#' || *s == ';')
        continue;
      if (*s == '[')
        {
          size_t n = section != NULL ? strlen (section) : 0;
          if (section == NULL || strncmp (s + 1, section, n) != 0 || strcmp (s + 1 + n, "]") != 0)
            return lex_fail (err, &l, "unknown section %s%s%s%s", s, section ? "; the only section is [" : "",
                             section ? section : "", section ? "]" : "");
          if (seen_directive)
            return lex_fail (err, &l, "%s must come before the first setting", s);
          continue;
        }
      eq = strchr (s, '=');
      if (eq == NULL)
        return lex_fail (err, &l, "\"%s\": expected Key=Value", s);
      *eq = '\0';
      l.key = trim (s);
      l.value = trim (eq + 1);
      if (*l.key == '\0')
        return lex_fail (err, &l, "missing directive name before '='");
      seen_directive = true;
      if (fn (ctx, &l, err) < 0)
        return -1;
    }
  return 0;
}

int
lex_words (const char *value, bool commas, char ***out, sk_error_t *err)
{
  const char *seps = commas ? " \t," : " \t";
  cleanup_strv char **v = calloc (1, sizeof (char *));
  size_t n = 0;

  if (v == NULL)
    return sk_error_set (err, ENOMEM, "calloc");
  for (const char *s = value; *s != '\0';)
    {
      size_t len;
      char **grown;

      s += strspn (s, seps);
      len = strcspn (s, seps);
      if (len == 0)
        break;
      grown = realloc (v, (n + 2) * sizeof (char *));
      if (grown == NULL)
        return sk_error_set (err, ENOMEM, "realloc");
      v = grown;
      v[n] = strndup (s, len);
      v[n + 1] = NULL;
      if (v[n++] == NULL)
        return sk_error_set (err, ENOMEM, "strndup");
      s += len;
    }
  *out = steal_pointer (&v);
  return 0;
}

int
lex_list_words (const struct lex_line *l, char ***list, char ***words, sk_error_t *err)
{
  *words = NULL;
  if (*l->value == '\0')
    {
      sk_strv_free (*list);
      *list = NULL;
      return 0;
    }
  return lex_words (l->value, false, words, err);
}
