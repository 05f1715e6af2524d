#include "stockade/mount_opts.h"
#include "stockade/cleanup.h"

#include <string.h>
#include <sys/mount.h>

enum opt_kind
{
  OPT_ATTR_SET,   /* value: MOUNT_ATTR_* to set */
  OPT_ATTR_CLR,   /* value: MOUNT_ATTR_* to clear */
  OPT_ATIME,      /* value: one of the MOUNT_ATTR__ATIME field values */
  OPT_BIND,
  OPT_RBIND,
  OPT_PROPAGATION,  /* value: MS_* */
  OPT_RPROPAGATION, /* value: MS_*, recursive */
  OPT_IDMAP,
  OPT_RIDMAP,
  OPT_TMPCOPYUP,
  OPT_IGNORE,     /* accepted for runc compatibility, no effect */
};

struct opt_entry
{
  const char *name;
  enum opt_kind kind;
  uint64_t value;
};

/* Per-mount (vfsmount) flags map onto MOUNT_ATTR_*; superblock flags such as
 * sync/dirsync/lazytime fall through to fsconfig as plain flags. */
static const struct opt_entry opt_table[] = {
  { "ro", OPT_ATTR_SET, MOUNT_ATTR_RDONLY },
  { "rw", OPT_ATTR_CLR, MOUNT_ATTR_RDONLY },
  { "nosuid", OPT_ATTR_SET, MOUNT_ATTR_NOSUID },
  { "suid", OPT_ATTR_CLR, MOUNT_ATTR_NOSUID },
  { "nodev", OPT_ATTR_SET, MOUNT_ATTR_NODEV },
  { "dev", OPT_ATTR_CLR, MOUNT_ATTR_NODEV },
  { "noexec", OPT_ATTR_SET, MOUNT_ATTR_NOEXEC },
  { "exec", OPT_ATTR_CLR, MOUNT_ATTR_NOEXEC },
  { "nodiratime", OPT_ATTR_SET, MOUNT_ATTR_NODIRATIME },
  { "diratime", OPT_ATTR_CLR, MOUNT_ATTR_NODIRATIME },
  { "nosymfollow", OPT_ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW },
  { "symfollow", OPT_ATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW },
  { "relatime", OPT_ATIME, MOUNT_ATTR_RELATIME },
  { "norelatime", OPT_ATIME, MOUNT_ATTR_STRICTATIME },
  { "strictatime", OPT_ATIME, MOUNT_ATTR_STRICTATIME },
  { "nostrictatime", OPT_ATIME, MOUNT_ATTR_RELATIME },
  { "noatime", OPT_ATIME, MOUNT_ATTR_NOATIME },
  { "atime", OPT_ATIME, MOUNT_ATTR_RELATIME },
  { "bind", OPT_BIND, 0 },
  { "rbind", OPT_RBIND, 0 },
  { "private", OPT_PROPAGATION, MS_PRIVATE },
  { "rprivate", OPT_RPROPAGATION, MS_PRIVATE },
  { "shared", OPT_PROPAGATION, MS_SHARED },
  { "rshared", OPT_RPROPAGATION, MS_SHARED },
  { "slave", OPT_PROPAGATION, MS_SLAVE },
  { "rslave", OPT_RPROPAGATION, MS_SLAVE },
  { "unbindable", OPT_PROPAGATION, MS_UNBINDABLE },
  { "runbindable", OPT_RPROPAGATION, MS_UNBINDABLE },
  { "idmap", OPT_IDMAP, 0 },
  { "ridmap", OPT_RIDMAP, 0 },
  { "tmpcopyup", OPT_TMPCOPYUP, 0 },
  { "remount", OPT_IGNORE, 0 },
  { "defaults", OPT_IGNORE, 0 },
  { "loud", OPT_IGNORE, 0 },
};

static const struct opt_entry *
opt_lookup (const char *name)
{
  for (size_t i = 0; i < sizeof opt_table / sizeof opt_table[0]; i++)
    if (strcmp (opt_table[i].name, name) == 0)
      return &opt_table[i];
  return NULL;
}

void
sk_mount_opts_clear (struct sk_mount_opts *o)
{
  sk_strv_free (o->fs_options);
  memset (o, 0, sizeof *o);
}

static int
append_fs_option (struct sk_mount_opts *o, size_t *n, const char *opt, const char *where, sk_error_t *err)
{
  char **v = realloc (o->fs_options, (*n + 2) * sizeof (char *));
  if (v == NULL)
    return sk_error_set (err, ENOMEM, "%s.options", where);
  o->fs_options = v;
  v[*n] = strdup (opt);
  if (v[*n] == NULL)
    return sk_error_set (err, ENOMEM, "%s.options", where);
  v[++*n] = NULL;
  return 0;
}

int
sk_mount_opts_parse (char *const *options, const char *where, struct sk_mount_opts *out, sk_error_t *err)
{
  size_t n_fs = 0;

  memset (out, 0, sizeof *out);
  for (size_t i = 0; options != NULL && options[i] != NULL; i++)
    {
      const char *opt = options[i];
      const struct opt_entry *e = opt_lookup (opt);

      if (*opt == '\0')
        continue;
      if (e == NULL)
        {
          if (strchr (opt, ',') != NULL)
            return sk_error_set (err, 0, "%s.options[%zu]: \"%s\": one option per entry", where, i, opt);
          if (append_fs_option (out, &n_fs, opt, where, err) < 0)
            return -1;
          continue;
        }
      switch (e->kind)
        {
        case OPT_ATTR_SET:
          out->attr_set |= e->value;
          out->attr_clr &= ~e->value;
          break;
        case OPT_ATTR_CLR:
          out->attr_clr |= e->value;
          out->attr_set &= ~e->value;
          break;
        case OPT_ATIME:
          /* The atime mode is a field, not a bit: clear the whole field. */
          out->attr_set = (out->attr_set & ~(uint64_t) MOUNT_ATTR__ATIME) | e->value;
          out->attr_clr |= MOUNT_ATTR__ATIME;
          break;
        case OPT_BIND:
          out->bind = true;
          break;
        case OPT_RBIND:
          out->bind = out->recursive = true;
          break;
        case OPT_PROPAGATION:
        case OPT_RPROPAGATION:
          out->propagation = e->value;
          out->propagation_recursive = e->kind == OPT_RPROPAGATION;
          break;
        case OPT_IDMAP:
        case OPT_RIDMAP:
          out->idmap = true;
          out->ridmap = e->kind == OPT_RIDMAP;
          break;
        case OPT_TMPCOPYUP:
          out->tmpcopyup = true;
          break;
        case OPT_IGNORE:
          break;
        }
    }
  return 0;
}
