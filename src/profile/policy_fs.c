/* The filesystem side of the floor: read-only root with tmpfs writable
 * paths, masked and read-only paths (unions), host bind sources, and the
 * flags every bind mount gets. */
#include "profile_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

/* A flag and the option that would undo it. */
static const struct
{
  const char *flag, *opposite;
} flag_pairs[] = {
  { "nosuid", "suid" }, { "nodev", "dev" }, { "noexec", "exec" }, { "ro", "rw" }, { "nosymfollow", "symfollow" },
};

bool
mount_is_bind (const struct oci_mount *m)
{
  return (m->type != NULL && strcmp (m->type, "bind") == 0) || strv_has (m->options, "bind")
         || strv_has (m->options, "rbind");
}

/* DenyBindSources=: "/" denies only the root itself (binding a subtree of
 * "/" is what volumes are); any other entry denies itself and below. */
static bool
source_denied (const struct sk_profile *p, const char *source)
{
  cleanup_free char *norm = NULL;

  if (source == NULL || source[0] != '/' || (norm = path_normalize (source)) == NULL)
    return false;
  for (size_t i = 0; p->deny_bind_sources != NULL && p->deny_bind_sources[i] != NULL; i++)
    {
      const char *d = p->deny_bind_sources[i];
      if (strcmp (d, "/") == 0 ? strcmp (norm, "/") == 0 : path_is_under (norm, d))
        return true;
    }
  return false;
}

bool
sk_policy_bind_source_denied (const struct sk_profile *p, const char *resolved_source)
{
  return sk_profile_mode (p) != SK_PROFILE_COMPLAIN && source_denied (p, resolved_source);
}

/* A mount at DEST that survives the merge: a bind DenyBindSources= removes
 * does not count, or complain would report less than enforce does. */
static bool
has_mount_at (const struct sk_profile *p, const struct oci_config *c, const char *dest)
{
  for (size_t i = 0; i < c->n_mounts; i++)
    {
      const struct oci_mount *m = &c->mounts[i];
      cleanup_free char *norm = path_normalize (m->destination);
      if (norm != NULL && strcmp (norm, dest) == 0 && !(mount_is_bind (m) && source_denied (p, m->source)))
        return true;
    }
  return false;
}

static int
tmpfs_mount (const char *dest, struct oci_mount *m)
{
  /* Sticky and world-writable like a host /tmp; the rest root-owned 0755.
   * tmpcopyup keeps what the image put there (e.g. /run/nginx). */
  bool sticky = strcmp (dest, "/tmp") == 0 || strcmp (dest, "/var/tmp") == 0;
  const char *opts[] = { "nosuid", "nodev", sticky ? "mode=1777" : "mode=755", "tmpcopyup", NULL };

  memset (m, 0, sizeof *m);
  m->destination = strdup (dest);
  m->source = strdup ("tmpfs");
  m->type = strdup ("tmpfs");
  m->options = strv_dup ((char *const *) opts);
  return m->destination && m->source && m->type && m->options ? 0 : -1;
}

static int
writable_paths (struct policy_ctx *x, sk_error_t *err)
{
  struct oci_config *c = x->c;
  cleanup_strv char **add = NULL;
  cleanup_free char *list = NULL, *asked = NULL, *result = NULL;
  size_t n;

  for (size_t i = 0; x->p->writable_paths != NULL && x->p->writable_paths[i] != NULL; i++)
    if (!has_mount_at (x->p, c, x->p->writable_paths[i]) && strv_add_unique (&add, x->p->writable_paths[i]) < 0)
      return sk_error_set (err, ENOMEM, "mounts");
  if (add == NULL)
    return 0;
  n = sk_strv_len (add);
  if ((list = strv_join (add, " ")) == NULL || asprintf (&asked, "read-only root, %s not writable", list) < 0
      || asprintf (&result, "tmpfs (nosuid,nodev) on %s", list) < 0)
    return sk_error_set (err, ENOMEM, "mounts");
  if (policy_record (x, SK_CHANGE_ADD, "mounts", "WritablePaths", asked, result, err) < 0)
    return -1;
  if (!x->apply)
    return 0;
  /* In front of the config's mounts: a config mount below one of these
   * (/run/secrets, a volume in /tmp) must land on top of the tmpfs. */
  struct oci_mount *fresh = calloc (n, sizeof (*fresh)), *grown = NULL;
  bool ok = fresh != NULL;
  for (size_t i = 0; ok && i < n; i++)
    ok = tmpfs_mount (add[i], &fresh[i]) == 0;
  if (ok)
    grown = realloc (c->mounts, (c->n_mounts + n) * sizeof (*grown));
  if (grown == NULL)
    {
      for (size_t i = 0; fresh != NULL && i < n; i++)
        oci_mount_release (&fresh[i]);
      free (fresh);
      return sk_error_set (err, ENOMEM, "mounts");
    }
  c->mounts = grown;
  memmove (grown + n, grown, c->n_mounts * sizeof (*grown));
  memcpy (grown, fresh, n * sizeof (*grown));
  c->n_mounts += n;
  free (fresh);
  return 0;
}

static int
root_readonly (struct policy_ctx *x, sk_error_t *err)
{
  struct oci_config *c = x->c;
  bool was_ro = c->root.readonly;

  if (x->p->readonly_rootfs == 1 && !was_ro)
    {
      if (policy_record (x, SK_CHANGE_CLAMP, "root.readonly", "ReadOnlyRootfs", "false", "true", err) < 0)
        return -1;
      if (x->apply)
        c->root.readonly = true;
    }
  if (was_ro || x->p->readonly_rootfs == 1)
    return writable_paths (x, err);
  return 0;
}

/* Union of the profile's paths into *LIST. */
static int
union_paths (struct policy_ctx *x, char ***list, char *const *want, const char *field, const char *directive,
             const char *what, sk_error_t *err)
{
  cleanup_strv char **add = NULL;
  cleanup_free char *joined = NULL, *asked = NULL;

  for (size_t i = 0; want != NULL && want[i] != NULL; i++)
    if (!strv_has (*list, want[i]) && strv_add_unique (&add, want[i]) < 0)
      return sk_error_set (err, ENOMEM, "%s", field);
  if (add == NULL)
    return 0;
  if ((joined = strv_join (add, " ")) == NULL || asprintf (&asked, "not %s: %s", what, joined) < 0)
    return sk_error_set (err, ENOMEM, "%s", field);
  if (policy_record (x, SK_CHANGE_ADD, field, directive, asked, what, err) < 0)
    return -1;
  for (size_t i = 0; x->apply && add[i] != NULL; i++)
    if (strv_add_unique (list, add[i]) < 0)
      return sk_error_set (err, ENOMEM, "%s", field);
  return 0;
}

static int
masked_and_readonly (struct policy_ctx *x, sk_error_t *err)
{
  char **none = NULL;
  struct oci_linux *l;

  if (x->p->masked_paths == NULL && x->p->readonly_paths == NULL)
    return 0;
  if (policy_linux (x, err) < 0)
    return -1;
  l = x->c->linux_cfg;
  if (union_paths (x, l != NULL ? &l->masked_paths : &none, x->p->masked_paths, "linux.maskedPaths",
                   "MaskedPaths", "masked", err) < 0)
    return -1;
  return union_paths (x, l != NULL ? &l->readonly_paths : &none, x->p->readonly_paths, "linux.readonlyPaths",
                      "ReadOnlyPaths", "read-only", err);
}

/* Remove every OPT from V; true if there was one. */
static bool
drop_option (char **v, const char *opt)
{
  bool found = false;

  for (size_t j = 0; v != NULL && v[j] != NULL;)
    {
      if (strcmp (v[j], opt) == 0)
        {
          strv_remove_at (v, j);
          found = true;
        }
      else
        j++;
    }
  return found;
}

/* BindMountFlags= on mounts[I]: add what is missing, replace opposites. */
static int
bind_flags (struct policy_ctx *x, size_t i, sk_error_t *err)
{
  struct oci_mount *m = &x->c->mounts[i];
  cleanup_strv char **want = strv_dup (m->options);
  cleanup_free char *asked = NULL, *result = NULL;
  char field[48];
  bool changed = false, clamp = false;

  if (want == NULL && m->options != NULL)
    return sk_error_set (err, ENOMEM, "mounts");
  for (size_t f = 0; x->p->bind_flags != NULL && x->p->bind_flags[f] != NULL; f++)
    {
      const char *flag = x->p->bind_flags[f];
      for (size_t k = 0; k < sizeof flag_pairs / sizeof flag_pairs[0]; k++)
        if (strcmp (flag_pairs[k].flag, flag) == 0 && drop_option (want, flag_pairs[k].opposite))
          changed = clamp = true;
      if (!strv_has (want, flag))
        {
          if (strv_add_unique (&want, flag) < 0)
            return sk_error_set (err, ENOMEM, "mounts");
          changed = true;
        }
    }
  if (!changed)
    return 0;
  snprintf (field, sizeof field, "mounts[%zu].options", i);
  if ((asked = strv_join (m->options, ",")) == NULL || (result = strv_join (want, ",")) == NULL)
    return sk_error_set (err, ENOMEM, "mounts");
  if (policy_record (x, clamp ? SK_CHANGE_CLAMP : SK_CHANGE_ADD, field, "BindMountFlags", asked, result, err) < 0)
    return -1;
  if (x->apply)
    {
      sk_strv_free (m->options);
      m->options = steal_pointer (&want);
    }
  return 0;
}

static int
binds (struct policy_ctx *x, sk_error_t *err)
{
  struct oci_config *c = x->c;
  cleanup_sbuf struct sbuf denied = { 0 };
  cleanup_free char *asked = NULL;
  size_t kept = 0, n_denied = 0;

  for (size_t i = 0; i < c->n_mounts; i++)
    {
      struct oci_mount *m = &c->mounts[i];
      if (!mount_is_bind (m))
        continue;
      if (source_denied (x->p, m->source))
        {
          sbuf_printf (&denied, "%s%s on %s", n_denied++ ? ", " : "", m->source, m->destination);
          continue;
        }
      if (bind_flags (x, i, err) < 0)
        return -1;
    }
  if (n_denied == 0)
    return 0;
  if (sbuf_finish (&denied, &asked, NULL, err) < 0)
    return -1;
  if (policy_record (x, SK_CHANGE_CLAMP, "mounts", "DenyBindSources", asked, "removed", err) < 0)
    return -1;
  if (!x->apply)
    return 0;
  for (size_t i = 0; i < c->n_mounts; i++)
    {
      if (mount_is_bind (&c->mounts[i]) && source_denied (x->p, c->mounts[i].source))
        oci_mount_release (&c->mounts[i]);
      else
        c->mounts[kept++] = c->mounts[i];
    }
  c->n_mounts = kept;
  return 0;
}

int
policy_fs (struct policy_ctx *x, sk_error_t *err)
{
  /* Binds first: the mounts[N] indexes in the report are the config's. */
  if (binds (x, err) < 0 || root_readonly (x, err) < 0)
    return -1;
  return masked_and_readonly (x, err);
}
