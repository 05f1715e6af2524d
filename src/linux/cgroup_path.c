/* linux.cgroupsPath: from the config's string to one directory per
 * hierarchy, and the form saved in the state file.  Pure. */
#include "cgroup_internal.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
looks_systemd (const char *p)
{
  const char *c1 = strchr (p, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;

  /* "slice:prefix:name": exactly two colons, no '/' in the slice part. */
  return p[0] != '/' && c2 != NULL && strchr (c2 + 1, ':') == NULL && memchr (p, '/', (size_t) (c1 - p)) == NULL;
}

/* Collapse "//", drop "." and trailing '/', refuse "..". */
static int
normalize (const char *in, const char *field, char **out, sk_error_t *err)
{
  bool absolute = in[0] == '/';
  cleanup_free char *buf = malloc (strlen (in) + 2);
  char *o;
  const char *p = in;

  if (buf == NULL)
    return sk_error_set (err, ENOMEM, "%s", field);
  o = buf;
  while (*p)
    {
      size_t len;
      p += strspn (p, "/");
      len = strcspn (p, "/");
      if (len == 0)
        break;
      if (len == 2 && p[0] == '.' && p[1] == '.')
        return sk_error_set (err, EINVAL, "%s: \"..\" components are not allowed", field);
      if (!(len == 1 && p[0] == '.'))
        {
          if (o != buf || absolute)
            *o++ = '/';
          memcpy (o, p, len);
          o += len;
        }
      p += len;
    }
  *o = '\0';
  if (buf[0] == '\0' || strcmp (buf, "/") == 0)
    return sk_error_set (err, EINVAL, "%s: must name a cgroup below the hierarchy root, not the root itself", field);
  for (const char *c = buf; *c; c++)
    if ((unsigned char) *c < 0x20 || *c == 0x7f)
      return sk_error_set (err, EINVAL, "%s: control characters are not allowed", field);
  *out = steal_pointer (&buf);
  return 0;
}

int
sk_cg_path_resolve (const char *cgroups_path, const char *id, char **out, sk_error_t *err)
{
  static const char field[] = "linux.cgroupsPath";
  char *p = NULL;

  if (cgroups_path == NULL || cgroups_path[0] == '\0')
    {
      if (id == NULL || id[0] == '\0' || strchr (id, '/') != NULL || strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
        return sk_error_set (err, EINVAL, "%s: container id \"%s\" cannot name a cgroup", field, id ? id : "");
      if (asprintf (&p, "/stockade/%s", id) < 0)
        return sk_error_set (err, ENOMEM, "%s", field);
      *out = p;
      return 0;
    }
  if (looks_systemd (cgroups_path))
    return sk_error_set (err, EINVAL,
                         "%s: systemd cgroup paths need --systemd-cgroup, which is not supported", field);
  return normalize (cgroups_path, field, out, err);
}

static int
set_hier_path (struct sk_cg_hier *h, const char *path, sk_error_t *err)
{
  free (h->path);
  free (h->dir);
  h->dir = NULL;
  h->path = strdup (path);
  if (h->path == NULL || asprintf (&h->dir, "%s%s", h->mount, path) < 0)
    {
      h->dir = NULL;
      return sk_error_set (err, ENOMEM, "cgroup path");
    }
  return 0;
}

int
sk_cg_layout_place (struct sk_cg_layout *l, const char *resolved, sk_error_t *err)
{
  for (size_t i = 0; i < l->n; i++)
    {
      struct sk_cg_hier *h = &l->h[i];
      cleanup_free char *joined = NULL;

      if (resolved[0] == '/')
        {
          if (set_hier_path (h, resolved, err) < 0)
            return -1;
          continue;
        }
      if (h->self == NULL)
        {
          cleanup_free char *key = sk_cg_hier_key (h);
          return sk_error_set (err, ENOENT,
                               "linux.cgroupsPath: relative path, but our own cgroup in the %s hierarchy is not "
                               "visible at %s",
                               key && *key ? key : "v2", h->mount);
        }
      if (asprintf (&joined, "%s/%s", h->self, resolved) < 0)
        return sk_error_set (err, ENOMEM, "cgroup path");
      if (set_hier_path (h, joined, err) < 0)
        return -1;
    }
  return 0;
}

char *
sk_cg_layout_serialize (const struct sk_cg_layout *l)
{
  bool uniform = true;
  char *out = NULL;
  size_t size = 0;
  FILE *f;

  for (size_t i = 1; i < l->n; i++)
    if (strcmp (l->h[i].path, l->h[0].path) != 0)
      uniform = false;
  if (uniform)
    return l->n > 0 ? strdup (l->h[0].path) : strdup ("");
  f = open_memstream (&out, &size);
  if (f == NULL)
    return NULL;
  for (size_t i = 0; i < l->n; i++)
    {
      cleanup_free char *key = sk_cg_hier_key (&l->h[i]);
      fprintf (f, "%s:%s\n", key ? key : "?", l->h[i].path);
    }
  if (fclose (f) != 0)
    {
      free (out);
      return NULL;
    }
  return out;
}

/* The saved text comes from our own state directory, but it is still
 * re-normalized so that a corrupted file cannot point at "..". */
static int
place_one (struct sk_cg_hier *h, const char *path, size_t len, sk_error_t *err)
{
  cleanup_free char *raw = strndup (path, len), *norm = NULL;

  if (raw == NULL)
    return sk_error_set (err, ENOMEM, "cgroup path");
  if (raw[0] != '/')
    return sk_error_set (err, EINVAL, "state cgroupPath: \"%s\" is not absolute", raw);
  if (normalize (raw, "state cgroupPath", &norm, err) < 0)
    return -1;
  return set_hier_path (h, norm, err);
}

int
sk_cg_layout_place_saved (struct sk_cg_layout *l, const char *saved, sk_error_t *err)
{
  if (saved == NULL || saved[0] == '\0')
    return sk_error_set (err, EINVAL, "state cgroupPath: empty");
  if (saved[0] == '/' && strchr (saved, '\n') == NULL)
    {
      for (size_t i = 0; i < l->n; i++)
        if (place_one (&l->h[i], saved, strlen (saved), err) < 0)
          return -1;
      return 0;
    }
  for (size_t i = 0; i < l->n; i++)
    {
      cleanup_free char *key = sk_cg_hier_key (&l->h[i]);
      size_t klen = key ? strlen (key) : 0;
      const char *line = saved;
      bool found = false;

      if (key == NULL)
        return sk_error_set (err, ENOMEM, "cgroup path");
      while (*line && !found)
        {
          size_t len = strcspn (line, "\n");
          if (len > klen && strncmp (line, key, klen) == 0 && line[klen] == ':')
            {
              if (place_one (&l->h[i], line + klen + 1, len - klen - 1, err) < 0)
                return -1;
              found = true;
            }
          line += len;
          if (*line == '\n')
            line++;
        }
      if (!found)
        return sk_error_set (err, ENOENT, "state cgroupPath: no entry for the %s hierarchy",
                             *key ? key : "v2");
    }
  return 0;
}
