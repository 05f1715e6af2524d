#include "stockade/idmap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool
overlaps (uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
  return a < b + blen && b < a + alen;
}

int
sk_idmap_check (const struct oci_id_mapping *m, size_t n, const char *field, sk_error_t *err)
{
  if (n > SK_IDMAP_MAX_LINES)
    return sk_error_set (err, 0, "%s: %zu ranges, the kernel takes at most %d", field, n, SK_IDMAP_MAX_LINES);
  for (size_t i = 0; i < n; i++)
    {
      if (m[i].size == 0)
        return sk_error_set (err, 0, "%s[%zu].size: must not be 0", field, i);
      /* (uint32_t)-1 is the invalid id: no range may reach it. */
      if ((uint64_t) m[i].container_id + m[i].size > UINT32_MAX
          || (uint64_t) m[i].host_id + m[i].size > UINT32_MAX)
        return sk_error_set (err, 0, "%s[%zu]: range runs past id 4294967294", field, i);
      for (size_t j = 0; j < i; j++)
        {
          if (overlaps (m[i].container_id, m[i].size, m[j].container_id, m[j].size))
            return sk_error_set (err, 0, "%s[%zu]: containerID range overlaps %s[%zu]", field, i, field, j);
          if (overlaps (m[i].host_id, m[i].size, m[j].host_id, m[j].size))
            return sk_error_set (err, 0, "%s[%zu]: hostID range overlaps %s[%zu]", field, i, field, j);
        }
    }
  return 0;
}

int
sk_mount_idmap_decide (const struct oci_mount *m, size_t index, bool is_bind, bool idmap_opt, bool ridmap_opt,
                       bool has_userns, struct sk_mount_idmap *out, sk_error_t *err)
{
  bool has_maps = m->n_uid_mappings > 0 || m->n_gid_mappings > 0;
  char field[64];

  memset (out, 0, sizeof *out);
  if (!has_maps && !idmap_opt && !ridmap_opt)
    return 0;
  if (!is_bind)
    return sk_error_set (err, 0, "mounts[%zu]: idmapped mounts are only supported for bind mounts", index);
  if (has_maps && (m->n_uid_mappings == 0 || m->n_gid_mappings == 0))
    return sk_error_set (err, 0, "mounts[%zu].%s: required with %s", index,
                         m->n_uid_mappings == 0 ? "uidMappings" : "gidMappings",
                         m->n_uid_mappings == 0 ? "gidMappings" : "uidMappings");
  snprintf (field, sizeof field, "mounts[%zu].uidMappings", index);
  if (sk_idmap_check (m->uid_mappings, m->n_uid_mappings, field, err) < 0)
    return -1;
  snprintf (field, sizeof field, "mounts[%zu].gidMappings", index);
  if (sk_idmap_check (m->gid_mappings, m->n_gid_mappings, field, err) < 0)
    return -1;
  if (!has_maps && !has_userns)
    return sk_error_set (err, 0,
                         "mounts[%zu].options: %s without uidMappings/gidMappings needs a user namespace to take "
                         "the mapping from",
                         index, ridmap_opt ? "ridmap" : "idmap");
  out->wanted = true;
  /* runtime-spec 1.2: only ridmap maps the whole tree; mappings alone (1.1)
   * behave as idmap, even with rbind. */
  out->recursive = ridmap_opt;
  out->container_maps = !has_maps;
  return 0;
}

int64_t
sk_idmap_host_root (const struct oci_id_mapping *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (m[i].container_id == 0 && m[i].size > 0)
      return m[i].host_id;
  return -1;
}

bool
sk_idmap_equal (const struct oci_id_mapping *a, size_t na, const struct oci_id_mapping *b, size_t nb)
{
  if (na != nb)
    return false;
  for (size_t i = 0; i < na; i++)
    if (a[i].container_id != b[i].container_id || a[i].host_id != b[i].host_id || a[i].size != b[i].size)
      return false;
  return true;
}

bool
sk_rootfs_wants_idmap (const struct oci_linux *l, bool new_userns, uint32_t owner)
{
  if (!new_userns || l == NULL || l->n_uid_mappings == 0 || l->n_gid_mappings == 0)
    return false;
  return sk_idmap_host_root (l->uid_mappings, l->n_uid_mappings) != (int64_t) owner;
}
