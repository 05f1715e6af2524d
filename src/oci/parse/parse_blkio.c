/* `linux.resources.blockIO`. */
#include "parse_internal.h"

#include <stdlib.h>

/* The spec types blkio weights as uint16. */
static int
opt_weight (yajl_val obj, const struct jpath *p, const char *key, sk_opt_u32 *out, sk_error_t *err)
{
  uint64_t v = 0;

  if (jr_uint (obj, p, key, JR_OPTIONAL, UINT16_MAX, &v, &out->set, err) < 0)
    return -1;
  out->v = (uint32_t) v;
  return 0;
}

static int
device_numbers (yajl_val obj, const struct jpath *p, int64_t *major, int64_t *minor, sk_error_t *err)
{
  if (jr_int (obj, p, "major", JR_REQUIRED, 0, UINT32_MAX, major, NULL, err) < 0
      || jr_int (obj, p, "minor", JR_REQUIRED, 0, UINT32_MAX, minor, NULL, err) < 0)
    return -1;
  return 0;
}

static int
parse_weight_device (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_weight_device *w = out;

  if (device_numbers (obj, p, &w->major, &w->minor, err) < 0
      || opt_weight (obj, p, "weight", &w->weight, err) < 0
      || opt_weight (obj, p, "leafWeight", &w->leaf_weight, err) < 0)
    return -1;
  return 0;
}

static int
parse_throttle_device (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_throttle_device *t = out;

  if (device_numbers (obj, p, &t->major, &t->minor, err) < 0
      || jr_u64 (obj, p, "rate", JR_REQUIRED, &t->rate, err) < 0)
    return -1;
  return 0;
}

static int
parse_throttle_list (yajl_val obj, const struct jpath *p, const char *key, struct oci_throttle_list *l,
                     sk_error_t *err)
{
  return jr_array (obj, p, key, JR_OPTIONAL, sizeof (struct oci_throttle_device), parse_throttle_device,
                   NULL, (void **) &l->items, &l->n, err);
}

int
oci_parse_blkio (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_blkio *b = out;

  if (opt_weight (obj, p, "weight", &b->weight, err) < 0
      || opt_weight (obj, p, "leafWeight", &b->leaf_weight, err) < 0
      || jr_array (obj, p, "weightDevice", JR_OPTIONAL, sizeof (struct oci_weight_device),
                   parse_weight_device, NULL, (void **) &b->weight_device, &b->n_weight_device,
                   err) < 0
      || parse_throttle_list (obj, p, "throttleReadBpsDevice", &b->throttle_read_bps, err) < 0
      || parse_throttle_list (obj, p, "throttleWriteBpsDevice", &b->throttle_write_bps, err) < 0
      || parse_throttle_list (obj, p, "throttleReadIOPSDevice", &b->throttle_read_iops, err) < 0
      || parse_throttle_list (obj, p, "throttleWriteIOPSDevice", &b->throttle_write_iops, err) < 0)
    return -1;
  return 0;
}

void
oci_blkio_clear (void *out)
{
  struct oci_blkio *b = out;

  free (b->weight_device);
  free (b->throttle_read_bps.items);
  free (b->throttle_write_bps.items);
  free (b->throttle_read_iops.items);
  free (b->throttle_write_iops.items);
}
