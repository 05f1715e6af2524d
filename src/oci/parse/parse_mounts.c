/* `mounts[]`, and the uid/gid mapping arrays shared with `linux`. */
#include "parse_internal.h"

#include <stdlib.h>

#include "stockade/cleanup.h"

static int
parse_id_mapping (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_id_mapping *m = out;

  if (jr_u32 (obj, p, "containerID", JR_REQUIRED, &m->container_id, err) < 0
      || jr_u32 (obj, p, "hostID", JR_REQUIRED, &m->host_id, err) < 0
      || jr_u32 (obj, p, "size", JR_REQUIRED, &m->size, err) < 0)
    return -1;
  return 0;
}

int
oci_parse_id_mappings (yajl_val obj, const struct jpath *p, const char *key, struct oci_id_mapping **out,
                       size_t *n, sk_error_t *err)
{
  return jr_array (obj, p, key, JR_OPTIONAL, sizeof (struct oci_id_mapping), parse_id_mapping,
                   NULL, (void **) out, n, err);
}

int
oci_parse_mount (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_mount *m = out;

  /* A relative destination is allowed by the spec (relative to "/"). */
  if (jr_string (obj, p, "destination", JR_REQUIRED, &m->destination, err) < 0
      || jr_string (obj, p, "source", JR_OPTIONAL, &m->source, err) < 0
      || jr_string (obj, p, "type", JR_OPTIONAL, &m->type, err) < 0
      || jr_strv (obj, p, "options", JR_OPTIONAL, &m->options, err) < 0
      || oci_parse_id_mappings (obj, p, "uidMappings", &m->uid_mappings, &m->n_uid_mappings, err) < 0
      || oci_parse_id_mappings (obj, p, "gidMappings", &m->gid_mappings, &m->n_gid_mappings, err) < 0)
    return -1;
  return 0;
}

void
oci_mount_clear (void *out)
{
  struct oci_mount *m = out;

  free (m->destination);
  free (m->source);
  free (m->type);
  sk_strv_free (m->options);
  free (m->uid_mappings);
  free (m->gid_mappings);
}
