#include "stockade/overlay_opts.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>

void
sk_mountinfo_unescape (char *s)
{
  char *w = s;
  for (char *r = s; *r != '\0'; r++)
    {
      if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7')
        {
          *w++ = (char) (((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
          r += 3;
        }
      else
        *w++ = *r;
    }
  *w = '\0';
}

void
sk_overlay_layers_clear (struct sk_overlay_layers *l)
{
  for (size_t i = 0; i < l->n_lower; i++)
    free (l->lower[i]);
  free (l->upper);
  free (l->work);
  free (l->upper_parent);
  memset (l, 0, sizeof *l);
}

static int
add_lower (struct sk_overlay_layers *l, const char *dir, sk_error_t *err)
{
  if (*dir == '\0')
    return sk_error_set (err, 0, "root.path: overlay with data-only lower layers cannot be rebuilt idmapped");
  if (*dir != '/')
    return sk_error_set (err, 0, "root.path: overlay layer `%s` is a relative path, cannot rebuild it", dir);
  if (l->n_lower == SK_OVERLAY_MAX_LAYERS)
    return sk_error_set (err, E2BIG, "root.path: overlay has more than %d lower layers", SK_OVERLAY_MAX_LAYERS);
  l->lower[l->n_lower] = strdup (dir);
  if (l->lower[l->n_lower] == NULL)
    return sk_error_set (err, ENOMEM, "root.path");
  l->n_lower++;
  return 0;
}

/* "a:b" with ':' inside a name written "\:"; "a::b" marks data-only layers. */
static int
split_lowerdir (struct sk_overlay_layers *l, char *v, sk_error_t *err)
{
  char *start = v, *w = v;

  for (char *r = v;; r++)
    {
      if (r[0] == '\\' && r[1] == ':')
        {
          *w++ = ':';
          r++;
          continue;
        }
      if (*r == ':' || *r == '\0')
        {
          bool end = *r == '\0';
          *w = '\0';
          if (add_lower (l, start, err) < 0)
            return -1;
          if (end)
            return 0;
          start = w = r + 1;
          continue;
        }
      *w++ = *r;
    }
}

static int
set_path (char **slot, const char *v, const char *key, sk_error_t *err)
{
  if (*v != '/')
    return sk_error_set (err, 0, "root.path: overlay %s `%s` is a relative path, cannot rebuild it", key, v);
  free (*slot);
  *slot = strdup (v);
  return *slot ? 0 : sk_error_set (err, ENOMEM, "root.path");
}

static uint64_t
mount_attrs (char *opts)
{
  static const struct
  {
    const char *name;
    uint64_t attr;
  } table[] = {
    { "ro", MOUNT_ATTR_RDONLY }, { "nosuid", MOUNT_ATTR_NOSUID },
    { "nodev", MOUNT_ATTR_NODEV }, { "noexec", MOUNT_ATTR_NOEXEC },
  };
  uint64_t attrs = 0;
  char *save = NULL;

  for (char *o = strtok_r (opts, ",", &save); o != NULL; o = strtok_r (NULL, ",", &save))
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
      if (strcmp (o, table[i].name) == 0)
        attrs |= table[i].attr;
  return attrs;
}

/* upperdir and workdir must share a mount once idmapped: one clone of the
 * directory that holds both. */
static int
find_upper_parent (struct sk_overlay_layers *l, sk_error_t *err)
{
  const char *us = strrchr (l->upper, '/'), *ws = strrchr (l->work, '/');
  size_t n = (size_t) (us - l->upper);

  if (n == 0 || (size_t) (ws - l->work) != n || strncmp (l->work, l->upper, n) != 0)
    return sk_error_set (err, 0,
                         "root.path: overlay upperdir `%s` and workdir `%s` are not in one directory, cannot idmap "
                         "them",
                         l->upper, l->work);
  l->upper_parent = strndup (l->upper, n);
  return l->upper_parent ? 0 : sk_error_set (err, ENOMEM, "root.path");
}

int
sk_overlay_layers_parse (const char *mount_opts, const char *super_opts, struct sk_overlay_layers *l,
                         sk_error_t *err)
{
  cleanup_free char *mopts = strdup (mount_opts), *sopts = strdup (super_opts);
  char *save = NULL;

  memset (l, 0, sizeof *l);
  if (mopts == NULL || sopts == NULL)
    return sk_error_set (err, ENOMEM, "root.path");
  l->attrs = mount_attrs (mopts);
  for (char *o = strtok_r (sopts, ",", &save); o != NULL; o = strtok_r (NULL, ",", &save))
    {
      int r = 0;
      sk_mountinfo_unescape (o);
      if (strncmp (o, "lowerdir=", 9) == 0)
        r = split_lowerdir (l, o + 9, err);
      else if (strncmp (o, "lowerdir+=", 10) == 0)
        r = add_lower (l, o + 10, err);
      else if (strncmp (o, "datadir+=", 9) == 0)
        r = sk_error_set (err, 0, "root.path: overlay with data-only layers cannot be rebuilt idmapped");
      else if (strncmp (o, "upperdir=", 9) == 0)
        r = set_path (&l->upper, o + 9, "upperdir", err);
      else if (strncmp (o, "workdir=", 8) == 0)
        r = set_path (&l->work, o + 8, "workdir", err);
      if (r < 0)
        return -1;
    }
  if (l->n_lower == 0)
    return sk_error_set (err, 0, "root.path: the overlay shows no lowerdir");
  if ((l->upper == NULL) != (l->work == NULL))
    return sk_error_set (err, 0, "root.path: the overlay has only one of upperdir and workdir");
  if (l->upper != NULL && find_upper_parent (l, err) < 0)
    return -1;
  return 0;
}
