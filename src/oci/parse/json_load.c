/* From bytes (a buffer or a file) to a yajl tree, with one-line errors. */
#include "json_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#include "stockade/cleanup.h"

/* yajl_tree_free() recurses once per nesting level: cap the depth before
 * handing the text to yajl.  Real configs nest about six levels deep. */
#define MAX_DEPTH 128

/* Checks yajl cannot do for us: nesting depth, and "\u0000" inside a string,
 * which yajl_tree would silently truncate the C string at ("/etc\u0000x" would
 * read as "/etc"). */
static const char *
prescan (const char *t, size_t len)
{
  bool in_string = false;
  size_t depth = 0;

  for (size_t i = 0; i < len; i++)
    {
      char c = t[i];

      if (c == '\0')
        return "NUL byte in document";
      if (in_string)
        {
          if (c == '"')
            in_string = false;
          else if (c == '\\' && i + 1 < len)
            {
              if (t[i + 1] == 'u' && i + 5 < len && memcmp (t + i + 2, "0000", 4) == 0)
                return "\\u0000 in a string";
              i++;
            }
          continue;
        }
      if (c == '"')
        in_string = true;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_DEPTH)
            return "nesting too deep";
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return NULL;
}

/* Copy the line [s, e) into out, trimmed, whitespace runs collapsed and
 * non-printable bytes dropped, so the message stays one line. */
static void
clean_line (char *out, size_t size, const char *s, const char *e)
{
  size_t o = 0;
  bool space = false;

  for (; s < e && o + 2 < size; s++)
    {
      unsigned char c = (unsigned char) *s;

      if (c <= ' ' || c >= 0x7f)
        {
          space = o > 0;
          continue;
        }
      if (space)
        out[o++] = ' ';
      space = false;
      out[o++] = (char) c;
    }
  out[o] = '\0';
}

/* yajl_tree_parse() renders its error around the offset of its last, empty
 * chunk, i.e. the start of the text whatever went wrong.  Re-run the bare
 * parser (same settings, no callbacks) to find where it actually stops. */
static size_t
syntax_error_offset (const char *text, size_t len)
{
  yajl_handle h = yajl_alloc (NULL, NULL, NULL);
  size_t offset = len;

  if (h == NULL)
    return len;
  yajl_config (h, yajl_allow_comments, 1);
  /* The count includes the offending byte. */
  if (yajl_parse (h, (const unsigned char *) text, len) != yajl_status_ok)
    offset = yajl_get_bytes_consumed (h) > 0 ? yajl_get_bytes_consumed (h) - 1 : 0;
  yajl_free (h);
  return offset;
}

/* "MESSAGE at line L, column C": yajl's first line, then the position. */
static void
describe_syntax_error (const char *yerr, const char *text, size_t len, char *out, size_t size)
{
  const char *nl = strchr (yerr, '\n');
  size_t offset = syntax_error_offset (text, len);
  size_t line = 1, column = 1;
  char msg[128];

  clean_line (msg, sizeof (msg), yerr, nl ? nl : yerr + strlen (yerr));
  for (size_t i = 0; i < offset && i < len; i++)
    {
      column++;
      if (text[i] == '\n')
        {
          line++;
          column = 1;
        }
    }
  if (offset >= len)
    snprintf (out, size, "%s", msg[0] ? msg : "parse error");
  else
    snprintf (out, size, "%s at line %zu, column %zu", msg[0] ? msg : "parse error", line, column);
}

int
jr_load (const char *text, size_t len, const char *name, yajl_val *out, sk_error_t *err)
{
  cleanup_free char *copy = NULL;
  cleanup_tree yajl_val tree = NULL;
  char yerr[512] = "";
  char msg[300];
  const char *bad = prescan (text, len);

  if (bad != NULL)
    return sk_error_set (err, 0, "%s: invalid JSON: %s", name, bad);
  copy = malloc (len + 1);
  if (copy == NULL)
    return sk_error_set (err, ENOMEM, "%s", name);
  memcpy (copy, text, len);
  copy[len] = '\0';

  tree = yajl_tree_parse (copy, yerr, sizeof (yerr));
  if (tree == NULL)
    {
      describe_syntax_error (yerr, copy, len, msg, sizeof (msg));
      return sk_error_set (err, 0, "%s: invalid JSON: %s", name, msg);
    }
  if (!YAJL_IS_OBJECT (tree))
    return sk_error_set (err, 0, "%s: expected a JSON object at top level, got %s", name,
                         jr_type_name (tree));
  *out = steal_pointer (&tree);
  return 0;
}

/* Read FD to its end into a buffer grown as needed; stops past MAX bytes. */
static int
read_all (int fd, const char *path, size_t hint, size_t max, char **out, size_t *len, sk_error_t *err)
{
  size_t cap = hint > 0 && hint <= max ? hint + 1 : 64 * 1024;
  cleanup_free char *buf = NULL;
  size_t used = 0;

  for (;;)
    {
      ssize_t r;

      if (cap - used == 0)
        {
          char *grown;
          if (used > max)
            break;
          cap = cap > max / 2 ? max + 1 : cap * 2;
          grown = realloc (buf, cap + 1);
          if (grown == NULL)
            return sk_error_set (err, ENOMEM, "read %s", path);
          buf = grown;
        }
      if (buf == NULL && (buf = malloc (cap + 1)) == NULL)
        return sk_error_set (err, ENOMEM, "read %s", path);
      r = read (fd, buf + used, cap - used);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return sk_error_set (err, errno, "read %s", path);
      if (r == 0)
        break;
      used += (size_t) r;
    }
  if (used > max)
    return sk_error_set (err, 0, "%s: file too large (limit %zu bytes)", path, max);
  buf[used] = '\0';
  *len = used;
  *out = steal_pointer (&buf);
  return 0;
}

int
jr_read_file (const char *path, size_t max, char **out, size_t *len, sk_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  struct stat st;

  if (fd < 0)
    return sk_error_set (err, errno, "open %s", path);
  if (fstat (fd, &st) < 0)
    return sk_error_set (err, errno, "stat %s", path);
  if (S_ISDIR (st.st_mode))
    return sk_error_set (err, EISDIR, "read %s", path);
  if (st.st_size > 0 && (uint64_t) st.st_size > max)
    return sk_error_set (err, 0, "%s: file too large (%lld bytes, limit %zu)", path,
                         (long long) st.st_size, max);
  /* st_size is only a hint: it can be 0 (procfs, pipes) or stale. */
  return read_all (fd, path, (size_t) st.st_size, max, out, len, err);
}
