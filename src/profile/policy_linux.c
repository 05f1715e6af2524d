/* Devices (nodes and cgroup rules), the pids limit, sysctls and hooks. */
#include "profile_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

/* The nodes every container gets (runtime-spec "Default Devices", plus
 * the pty pairs): always allowed whatever DeviceAllow= says. */
static const struct sk_devallow default_devices[] = {
  { 'c', 1, 3 }, { 'c', 1, 5 }, { 'c', 1, 7 }, { 'c', 1, 8 }, { 'c', 1, 9 },
  { 'c', 5, 0 }, { 'c', 5, 1 }, { 'c', 5, 2 }, { 'c', 136, -1 },
};

static bool
dev_listed (const struct sk_devallow *list, size_t n, char type, int64_t major, int64_t minor)
{
  for (size_t i = 0; i < n; i++)
    if (list[i].type == type && list[i].major == major && (list[i].minor == -1 || list[i].minor == minor))
      return true;
  return false;
}

/* MINOR -1 is a wildcard in a cgroup rule: only a wildcard entry covers it. */
static bool
dev_allowed (const struct sk_profile *p, char type, int64_t major, int64_t minor)
{
  if (type == 'u')
    type = 'c';
  return dev_listed (default_devices, sizeof default_devices / sizeof default_devices[0], type, major, minor)
         || dev_listed (p->devices, p->n_devices, type, major, minor);
}

static int
device_nodes (struct policy_ctx *x, sk_error_t *err)
{
  struct oci_linux *l = x->c->linux_cfg;
  cleanup_sbuf struct sbuf asked = { 0 };
  cleanup_free char *text = NULL;
  size_t n = 0, kept = 0;

  for (size_t i = 0; i < l->n_devices; i++)
    {
      const struct oci_device *d = &l->devices[i];
      /* A fifo is no device access. */
      if (d->type == 'p' || dev_allowed (x->p, d->type, d->major, d->minor))
        continue;
      sbuf_printf (&asked, "%s%s (%c %" PRId64 ":%" PRId64 ")", n++ ? ", " : "", d->path, d->type, d->major,
                   d->minor);
    }
  if (n == 0)
    return 0;
  if (sbuf_finish (&asked, &text, NULL, err) < 0
      || policy_record (x, SK_CHANGE_CLAMP, "linux.devices", "DeviceAllow", text, "removed", err) < 0)
    return -1;
  if (!x->apply)
    return 0;
  for (size_t i = 0; i < l->n_devices; i++)
    {
      struct oci_device *d = &l->devices[i];
      if (d->type == 'p' || dev_allowed (x->p, d->type, d->major, d->minor))
        l->devices[kept++] = *d;
      else
        free (d->path);
    }
  l->n_devices = kept;
  return 0;
}

/* A cgroup allow rule beyond the floor: it grants read or write (mknod
 * alone needs CAP_MKNOD, which the bounding set decides) on something
 * neither the default set nor DeviceAllow= lists. */
static bool
rule_beyond (const struct sk_profile *p, const struct oci_device_rule *r)
{
  const char *access = r->access != NULL ? r->access : "rwm";

  if (!r->allow || strpbrk (access, "rw") == NULL)
    return false;
  if (r->type == 'a' || !r->major.set)
    return true;
  return !dev_allowed (p, r->type, r->major.v, r->minor.set ? r->minor.v : -1);
}

static void
fmt_num (char *buf, size_t n, sk_opt_i64 v)
{
  if (v.set)
    snprintf (buf, n, "%" PRId64, v.v);
  else
    snprintf (buf, n, "*");
}

static int
device_rules (struct policy_ctx *x, sk_error_t *err)
{
  struct oci_resources *res = x->c->linux_cfg->resources;
  cleanup_sbuf struct sbuf asked = { 0 };
  cleanup_free char *text = NULL;
  size_t n = 0, kept = 0;

  for (size_t i = 0; res != NULL && i < res->n_devices; i++)
    {
      const struct oci_device_rule *r = &res->devices[i];
      char ma[24], mi[24];
      if (!rule_beyond (x->p, r))
        continue;
      fmt_num (ma, sizeof ma, r->major);
      fmt_num (mi, sizeof mi, r->minor);
      sbuf_printf (&asked, "%sallow %c %s:%s %s", n++ ? ", " : "", r->type, ma, mi, r->access ? r->access : "rwm");
    }
  if (n == 0)
    return 0;
  if (sbuf_finish (&asked, &text, NULL, err) < 0
      || policy_record (x, SK_CHANGE_CLAMP, "linux.resources.devices", "DeviceAllow", text, "removed", err) < 0)
    return -1;
  if (!x->apply)
    return 0;
  for (size_t i = 0; i < res->n_devices; i++)
    {
      if (!rule_beyond (x->p, &res->devices[i]))
        res->devices[kept++] = res->devices[i];
      else
        free (res->devices[i].access);
    }
  res->n_devices = kept;
  return 0;
}

static int
pids (struct policy_ctx *x, sk_error_t *err)
{
  const struct oci_linux *l = x->c->linux_cfg;
  sk_opt_i64 cur = l != NULL && l->resources != NULL ? l->resources->pids_limit : (sk_opt_i64){ 0 };
  int64_t max = x->p->pids_max;
  char asked[48], result[32];

  if (max == SK_UNSET || (cur.set && cur.v > 0 && cur.v <= max))
    return 0;
  if (!cur.set)
    snprintf (asked, sizeof asked, "unset (unlimited)");
  else if (cur.v <= 0)
    snprintf (asked, sizeof asked, "%" PRId64 " (unlimited)", cur.v);
  else
    snprintf (asked, sizeof asked, "%" PRId64, cur.v);
  snprintf (result, sizeof result, "%" PRId64, max);
  if (policy_record (x, cur.set ? SK_CHANGE_CLAMP : SK_CHANGE_ADD, "linux.resources.pids.limit", "PidsMax", asked,
                     result, err) < 0
      || policy_resources (x, err) < 0)
    return -1;
  if (x->apply)
    x->c->linux_cfg->resources->pids_limit = (sk_opt_i64){ .set = true, .v = max };
  return 0;
}

static bool
sysctl_allowed (const struct sk_profile *p, const char *key)
{
  for (size_t i = 0; p->sysctl_allow != NULL && p->sysctl_allow[i] != NULL; i++)
    {
      const char *a = p->sysctl_allow[i];
      size_t n = strlen (a);
      if (n > 0 && (a[n - 1] == '*' || a[n - 1] == '.') ? strncmp (key, a, a[n - 1] == '*' ? n - 1 : n) == 0
                                                         : strcmp (key, a) == 0)
        return true;
    }
  return false;
}

static int
sysctls (struct policy_ctx *x, sk_error_t *err)
{
  struct oci_linux *l = x->c->linux_cfg;
  cleanup_sbuf struct sbuf asked = { 0 };
  cleanup_free char *text = NULL;
  size_t n = 0, kept = 0;

  if (!x->p->sysctl_set)
    return 0;
  for (size_t i = 0; i < l->n_sysctl; i++)
    if (!sysctl_allowed (x->p, l->sysctl[i].key))
      sbuf_printf (&asked, "%s%s=%s", n++ ? " " : "", l->sysctl[i].key, l->sysctl[i].value);
  if (n == 0)
    return 0;
  if (sbuf_finish (&asked, &text, NULL, err) < 0
      || policy_record (x, SK_CHANGE_CLAMP, "linux.sysctl", "SysctlAllow", text, "removed", err) < 0)
    return -1;
  if (!x->apply)
    return 0;
  for (size_t i = 0; i < l->n_sysctl; i++)
    if (sysctl_allowed (x->p, l->sysctl[i].key))
      l->sysctl[kept++] = l->sysctl[i];
    else
      {
        free (l->sysctl[i].key);
        free (l->sysctl[i].value);
      }
  l->n_sysctl = kept;
  return 0;
}

static int
hooks (struct policy_ctx *x, sk_error_t *err)
{
  struct oci_hooks *h = &x->c->hooks;
  const struct
  {
    const char *field;
    struct oci_hook_list *list;
  } lists[] = {
    { "hooks.prestart", &h->prestart },         { "hooks.createRuntime", &h->create_runtime },
    { "hooks.createContainer", &h->create_container }, { "hooks.startContainer", &h->start_container },
    { "hooks.poststart", &h->poststart },       { "hooks.poststop", &h->poststop },
  };

  if (x->p->allow_hooks != 0)
    return 0;
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
    {
      cleanup_sbuf struct sbuf asked = { 0 };
      cleanup_free char *text = NULL;

      if (lists[i].list->n == 0)
        continue;
      for (size_t j = 0; j < lists[i].list->n; j++)
        sbuf_printf (&asked, "%s%s", j ? " " : "", lists[i].list->hooks[j].path);
      if (sbuf_finish (&asked, &text, NULL, err) < 0
          || policy_record (x, SK_CHANGE_CLAMP, lists[i].field, "AllowHooks", text, "removed", err) < 0)
        return -1;
      if (x->apply)
        oci_hook_list_release (lists[i].list);
    }
  return 0;
}

#define PING_GROUP_RANGE "net.ipv4.ping_group_range"

/* The container-side gid range of the mapping holding GID, or false. */
static bool
mapped_gid_span (const struct oci_linux *l, uint32_t gid, uint32_t *last)
{
  for (size_t i = 0; i < l->n_gid_mappings; i++)
    {
      const struct oci_id_mapping *m = &l->gid_mappings[i];
      if (gid >= m->container_id && gid - m->container_id < m->size)
        {
          *last = m->container_id + (m->size - 1);
          return true;
        }
    }
  return false;
}

/* net.ipv4.ping_group_range names gids of the container's user namespace,
 * and the kernel refuses a range that namespace does not map.  Engines write
 * "0 2147483647" (every group may ping) for a config they built without a
 * user namespace; when PrivateUsers=require gave it one, the range is
 * fitted to the gids the namespace maps, so the container starts and every
 * group in it may still ping. */
static int
fit_ping_group_range (struct policy_ctx *x, sk_error_t *err)
{
  struct oci_linux *l = x->c->linux_cfg;
  cleanup_free char *result = NULL, *asked = NULL;
  struct oci_kv *kv = NULL;
  unsigned long lo, hi;
  uint32_t last;
  const char *value;
  int end = 0;

  if (sk_profile_private_users (x->p) != SK_PRIVATE_USERS_REQUIRE || !x->apply)
    return 0;
  for (size_t i = 0; i < l->n_sysctl && kv == NULL; i++)
    if (strcmp (l->sysctl[i].key, PING_GROUP_RANGE) == 0)
      kv = &l->sysctl[i];
  if (kv == NULL)
    return 0;
  value = kv->value;
  if (sscanf (value, "%lu %lu%n", &lo, &hi, &end) != 2 || value[end] != '\0' || lo > hi
      || lo > UINT32_MAX || !mapped_gid_span (l, (uint32_t) lo, &last) || hi <= last)
    return 0;
  if (asprintf (&asked, PING_GROUP_RANGE "=%s", value) < 0 || asprintf (&result, "%lu %u", lo, last) < 0)
    return sk_error_set (err, ENOMEM, "linux.sysctl");
  if (policy_record (x, SK_CHANGE_CLAMP, "linux.sysctl", "PrivateUsers", asked, result, err) < 0)
    return -1;
  free (kv->value);
  kv->value = steal_pointer (&result);
  return 0;
}

int
policy_linux_misc (struct policy_ctx *x, sk_error_t *err)
{
  if (hooks (x, err) < 0 || pids (x, err) < 0)
    return -1;
  if (x->c->linux_cfg == NULL)
    return 0;
  if (x->p->devices_set && (device_nodes (x, err) < 0 || device_rules (x, err) < 0))
    return -1;
  if (sysctls (x, err) < 0)
    return -1;
  return fit_ping_group_range (x, err);
}
