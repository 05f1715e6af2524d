/* `linux`: namespaces, id mappings, time offsets, devices, paths, and the
 * dispatch to resources and seccomp. */
#include "parse_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

static int
parse_namespace (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_namespace *ns = out;
  int type = 0;

  if (jr_enum (obj, p, "type", JR_REQUIRED, &oci_tbl_ns_type, NULL, &type, err) < 0
      || jr_string (obj, p, "path", JR_ABSOLUTE, &ns->path, err) < 0)
    return -1;
  ns->type = (enum oci_ns_type) type;
  return 0;
}

static void
namespace_clear (void *out)
{
  free (((struct oci_namespace *) out)->path);
}

static int
parse_namespaces (yajl_val obj, const struct jpath *p, struct oci_linux *l, sk_error_t *err)
{
  const struct jpath *ap = JP_KEY (p, "namespaces");
  bool seen[OCI_NS__COUNT] = { false };

  if (jr_array (obj, p, "namespaces", JR_OPTIONAL, sizeof (struct oci_namespace), parse_namespace,
                namespace_clear, (void **) &l->namespaces, &l->n_namespaces, err) < 0)
    return -1;
  for (size_t i = 0; i < l->n_namespaces; i++)
    {
      enum oci_ns_type t = l->namespaces[i].type;
      if (seen[t])
        return jr_fail (err, JP_KEY (JP_IDX (ap, i), "type"), "duplicate namespace type \"%s\"",
                        oci_ns_type_name (t));
      seen[t] = true;
    }
  return 0;
}

static int
parse_time_offset (yajl_val v, const struct jpath *p, struct oci_time_offset *t, sk_error_t *err)
{
  if (!YAJL_IS_OBJECT (v))
    return jr_fail_type (err, p, "object", v);
  if (jr_i64 (v, p, "secs", JR_OPTIONAL, &t->secs, err) < 0
      || jr_u32 (v, p, "nanosecs", JR_OPTIONAL, &t->nanosecs, err) < 0)
    return -1;
  if (t->nanosecs >= 1000000000)
    return jr_fail (err, JP_KEY (p, "nanosecs"), "value %u out of range [0, 999999999]", t->nanosecs);
  return 0;
}

/* {"monotonic": {...}, "boottime": {...}}: at most one entry per clock. */
static int
parse_time_offsets (yajl_val obj, const struct jpath *p, struct oci_linux *l, sk_error_t *err)
{
  const struct jpath *op = JP_KEY (p, "timeOffsets");
  yajl_val v = NULL;

  if (jr_object (obj, p, "timeOffsets", JR_OPTIONAL, &v, err) < 0)
    return -1;
  if (v == NULL || v->u.object.len == 0)
    return 0;
  if (v->u.object.len > oci_tbl_time_clock.n)
    return jr_fail (err, op, "at most %zu entries", oci_tbl_time_clock.n);
  l->time_offsets = calloc (v->u.object.len, sizeof (*l->time_offsets));
  if (l->time_offsets == NULL)
    return sk_error_set (err, ENOMEM, "calloc");
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      const char *clock = v->u.object.keys[i];
      struct oci_time_offset *t = &l->time_offsets[i];

      if (oci_table_find (&oci_tbl_time_clock, clock) == NULL)
        return jr_fail_unknown (err, JP_KEY (op, clock), oci_tbl_time_clock.what, clock);
      if (i > 0 && strcmp (l->time_offsets[0].clock, clock) == 0)
        return jr_fail (err, JP_KEY (op, clock), "duplicate key");
      t->clock = strdup (clock);
      if (t->clock == NULL)
        return sk_error_set (err, ENOMEM, "strdup");
      l->n_time_offsets = i + 1;
      if (parse_time_offset (v->u.object.values[i], JP_KEY (op, clock), t, err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_device (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_device *d = out;
  int type = 0;
  unsigned numbers;

  if (jr_string (obj, p, "path", JR_REQUIRED | JR_ABSOLUTE, &d->path, err) < 0
      || jr_enum (obj, p, "type", JR_REQUIRED, &oci_tbl_device_type, NULL, &type, err) < 0)
    return -1;
  d->type = (char) type;
  /* A FIFO has no device numbers; c, b and u need both. */
  numbers = d->type == 'p' ? JR_OPTIONAL : JR_REQUIRED;
  if (jr_int (obj, p, "major", numbers, 0, UINT32_MAX, &d->major, NULL, err) < 0
      || jr_int (obj, p, "minor", numbers, 0, UINT32_MAX, &d->minor, NULL, err) < 0
      || jr_opt_u32 (obj, p, "fileMode", &d->file_mode, err) < 0
      || jr_opt_u32 (obj, p, "uid", &d->uid, err) < 0
      || jr_opt_u32 (obj, p, "gid", &d->gid, err) < 0)
    return -1;
  return 0;
}

static void
device_clear (void *out)
{
  free (((struct oci_device *) out)->path);
}

static int
parse_personality (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_personality *pe = out;

  pe->set = true;
  if (jr_enum (obj, p, "domain", JR_REQUIRED, &oci_tbl_personality, &pe->domain, NULL, err) < 0
      || jr_strv (obj, p, "flags", JR_OPTIONAL, &pe->flags, err) < 0)
    return -1;
  return 0;
}

/* A spec 1.2 object Stockade does not apply: type-checked, then reported as a
 * warning so the user knows it had no effect.  *present may be NULL. */
static int
accept_unsupported (yajl_val obj, const struct jpath *p, const char *key, bool *present,
                    char ***warnings, sk_error_t *err)
{
  cleanup_free char *msg = NULL;
  yajl_val v;

  if (jr_object (obj, p, key, JR_OPTIONAL, &v, err) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (present != NULL)
    *present = true;
  if (asprintf (&msg, "linux.%s: not supported, ignored", key) < 0)
    return sk_error_set (err, ENOMEM, "asprintf");
  return oci_add_warning (warnings, msg, err);
}

static int
parse_linux_paths (yajl_val obj, const struct jpath *p, struct oci_linux *l, sk_error_t *err)
{
  if (jr_string (obj, p, "cgroupsPath", JR_OPTIONAL, &l->cgroups_path, err) < 0
      || jr_enum (obj, p, "rootfsPropagation", JR_OPTIONAL, &oci_tbl_propagation, &l->rootfs_propagation,
                  NULL, err) < 0
      || jr_kv (obj, p, "sysctl", &l->sysctl, &l->n_sysctl, err) < 0
      || jr_strv (obj, p, "maskedPaths", JR_ABSOLUTE, &l->masked_paths, err) < 0
      || jr_strv (obj, p, "readonlyPaths", JR_ABSOLUTE, &l->readonly_paths, err) < 0
      || jr_string (obj, p, "mountLabel", JR_OPTIONAL, &l->mount_label, err) < 0)
    return -1;
  return 0;
}

int
oci_parse_linux (yajl_val obj, const struct jpath *p, struct oci_linux *l, char ***warnings,
                 sk_error_t *err)
{
  if (parse_namespaces (obj, p, l, err) < 0
      || oci_parse_id_mappings (obj, p, "uidMappings", &l->uid_mappings, &l->n_uid_mappings, err) < 0
      || oci_parse_id_mappings (obj, p, "gidMappings", &l->gid_mappings, &l->n_gid_mappings, err) < 0
      || parse_time_offsets (obj, p, l, err) < 0
      || jr_array (obj, p, "devices", JR_OPTIONAL, sizeof (struct oci_device), parse_device, device_clear,
                   (void **) &l->devices, &l->n_devices, err) < 0
      || parse_linux_paths (obj, p, l, err) < 0
      || jr_sub_alloc (obj, p, "resources", sizeof (struct oci_resources), oci_parse_resources,
                       oci_resources_clear, (void **) &l->resources, err) < 0
      || jr_sub_alloc (obj, p, "seccomp", sizeof (struct oci_seccomp), oci_parse_seccomp,
                       oci_seccomp_clear, (void **) &l->seccomp, err) < 0
      || jr_sub (obj, p, "personality", JR_OPTIONAL, parse_personality, &l->personality, err) < 0
      || accept_unsupported (obj, p, "intelRdt", &l->has_intel_rdt, warnings, err) < 0
      || accept_unsupported (obj, p, "netDevices", NULL, warnings, err) < 0)
    return -1;
  return 0;
}

void
oci_linux_clear (void *out)
{
  struct oci_linux *l = out;

  jr_array_free (l->namespaces, l->n_namespaces, sizeof (struct oci_namespace), namespace_clear);
  free (l->uid_mappings);
  free (l->gid_mappings);
  for (size_t i = 0; i < l->n_time_offsets; i++)
    free (l->time_offsets[i].clock);
  free (l->time_offsets);
  jr_array_free (l->devices, l->n_devices, sizeof (struct oci_device), device_clear);
  free (l->cgroups_path);
  if (l->resources != NULL)
    oci_resources_clear (l->resources);
  free (l->resources);
  free (l->rootfs_propagation);
  if (l->seccomp != NULL)
    oci_seccomp_clear (l->seccomp);
  free (l->seccomp);
  oci_kv_free (l->sysctl, l->n_sysctl);
  sk_strv_free (l->masked_paths);
  sk_strv_free (l->readonly_paths);
  free (l->mount_label);
  free (l->personality.domain);
  sk_strv_free (l->personality.flags);
}
