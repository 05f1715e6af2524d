/* `linux.resources` (cgroup settings), except blockIO (parse_blkio.c). */
#include "parse_internal.h"

#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

/* -1 means "unlimited" for the memory and pids limits; below that is nonsense. */
static int
opt_limit (yajl_val obj, const struct jpath *p, const char *key, sk_opt_i64 *out, sk_error_t *err)
{
  return jr_int (obj, p, key, JR_OPTIONAL, -1, INT64_MAX, &out->v, &out->set, err);
}

/* Device numbers in a cgroup rule: absent or -1 is the wildcard. */
static int
rule_number (yajl_val obj, const struct jpath *p, const char *key, sk_opt_i64 *out, sk_error_t *err)
{
  if (jr_int (obj, p, key, JR_OPTIONAL, -1, UINT32_MAX, &out->v, &out->set, err) < 0)
    return -1;
  if (out->set && out->v == -1)
    *out = (sk_opt_i64){ 0 };
  return 0;
}

static int
check_access (const char *access, const struct jpath *p, sk_error_t *err)
{
  if (access == NULL)
    return 0;
  if (access[0] == '\0' || access[strspn (access, "rwm")] != '\0')
    {
      cleanup_free char *e = jr_escape (access);
      return jr_fail (err, p, "must be a non-empty subset of \"rwm\", got \"%s\"", e ? e : "?");
    }
  return 0;
}

static int
parse_device_rule (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_device_rule *r = out;
  sk_opt_bool allow = { 0 };
  int type = 'a';

  if (jr_opt_bool (obj, p, "allow", &allow, err) < 0)
    return -1;
  if (!allow.set)
    return jr_fail_missing (err, p, "allow");
  r->allow = allow.v;
  if (jr_enum (obj, p, "type", JR_OPTIONAL, &oci_tbl_rule_type, NULL, &type, err) < 0
      || rule_number (obj, p, "major", &r->major, err) < 0
      || rule_number (obj, p, "minor", &r->minor, err) < 0
      || jr_string (obj, p, "access", JR_OPTIONAL, &r->access, err) < 0
      || check_access (r->access, JP_KEY (p, "access"), err) < 0)
    return -1;
  r->type = (char) type;
  return 0;
}

static void
device_rule_clear (void *out)
{
  free (((struct oci_device_rule *) out)->access);
}

static int
parse_memory (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_memory *m = out;

  if (opt_limit (obj, p, "limit", &m->limit, err) < 0
      || opt_limit (obj, p, "reservation", &m->reservation, err) < 0
      || opt_limit (obj, p, "swap", &m->swap, err) < 0
      || opt_limit (obj, p, "kernel", &m->kernel, err) < 0
      || opt_limit (obj, p, "kernelTCP", &m->kernel_tcp, err) < 0
      || jr_opt_u64 (obj, p, "swappiness", &m->swappiness, err) < 0
      || jr_opt_bool (obj, p, "disableOOMKiller", &m->disable_oom_killer, err) < 0
      || jr_opt_bool (obj, p, "useHierarchy", &m->use_hierarchy, err) < 0
      || jr_opt_bool (obj, p, "checkBeforeUpdate", &m->check_before_update, err) < 0)
    return -1;
  return 0;
}

static int
parse_cpu (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_cpu *c = out;

  if (jr_opt_u64 (obj, p, "shares", &c->shares, err) < 0
      || jr_opt_i64 (obj, p, "quota", &c->quota, err) < 0
      || jr_opt_u64 (obj, p, "burst", &c->burst, err) < 0
      || jr_opt_u64 (obj, p, "period", &c->period, err) < 0
      || jr_opt_i64 (obj, p, "realtimeRuntime", &c->realtime_runtime, err) < 0
      || jr_opt_u64 (obj, p, "realtimePeriod", &c->realtime_period, err) < 0
      || jr_string (obj, p, "cpus", JR_OPTIONAL, &c->cpus, err) < 0
      || jr_string (obj, p, "mems", JR_OPTIONAL, &c->mems, err) < 0
      || jr_opt_i64 (obj, p, "idle", &c->idle, err) < 0)
    return -1;
  return 0;
}

static void
cpu_clear (void *out)
{
  struct oci_cpu *c = out;

  free (c->cpus);
  free (c->mems);
}

static int
parse_hugepage_limit (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_hugepage_limit *h = out;

  if (jr_string (obj, p, "pageSize", JR_REQUIRED, &h->page_size, err) < 0
      || jr_u64 (obj, p, "limit", JR_REQUIRED, &h->limit, err) < 0)
    return -1;
  return 0;
}

static void
hugepage_limit_clear (void *out)
{
  free (((struct oci_hugepage_limit *) out)->page_size);
}

static int
parse_net_priority (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_net_priority *n = out;

  if (jr_string (obj, p, "name", JR_REQUIRED, &n->name, err) < 0
      || jr_u32 (obj, p, "priority", JR_REQUIRED, &n->priority, err) < 0)
    return -1;
  return 0;
}

static void
net_priority_clear (void *out)
{
  free (((struct oci_net_priority *) out)->name);
}

static int
parse_network (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_resources *r = out;

  if (jr_opt_u32 (obj, p, "classID", &r->network_class_id, err) < 0
      || jr_array (obj, p, "priorities", JR_OPTIONAL, sizeof (struct oci_net_priority), parse_net_priority,
                   net_priority_clear, (void **) &r->network_priorities, &r->n_network_priorities, err) < 0)
    return -1;
  return 0;
}

static int
parse_pids (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  return opt_limit (obj, p, "limit", (sk_opt_i64 *) out, err);
}

/* rdma is accepted (any object) but not applied. */
static int
parse_rdma (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  (void) obj;
  (void) p;
  (void) err;
  ((struct oci_resources *) out)->has_rdma = true;
  return 0;
}

int
oci_parse_resources (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_resources *r = out;

  if (jr_array (obj, p, "devices", JR_OPTIONAL, sizeof (struct oci_device_rule), parse_device_rule,
                device_rule_clear, (void **) &r->devices, &r->n_devices, err) < 0
      || jr_sub_alloc (obj, p, "memory", sizeof (struct oci_memory), parse_memory, NULL,
                       (void **) &r->memory, err) < 0
      || jr_sub_alloc (obj, p, "cpu", sizeof (struct oci_cpu), parse_cpu, cpu_clear, (void **) &r->cpu,
                       err) < 0
      || jr_sub (obj, p, "pids", JR_OPTIONAL, parse_pids, &r->pids_limit, err) < 0
      || jr_sub_alloc (obj, p, "blockIO", sizeof (struct oci_blkio), oci_parse_blkio, oci_blkio_clear,
                       (void **) &r->block_io, err) < 0
      || jr_array (obj, p, "hugepageLimits", JR_OPTIONAL, sizeof (struct oci_hugepage_limit),
                   parse_hugepage_limit, hugepage_limit_clear, (void **) &r->hugepage_limits,
                   &r->n_hugepage_limits, err) < 0
      || jr_sub (obj, p, "network", JR_OPTIONAL, parse_network, r, err) < 0
      || jr_sub (obj, p, "rdma", JR_OPTIONAL, parse_rdma, r, err) < 0
      || jr_kv (obj, p, "unified", &r->unified, &r->n_unified, err) < 0)
    return -1;
  return 0;
}

void
oci_resources_clear (void *out)
{
  struct oci_resources *r = out;

  jr_array_free (r->devices, r->n_devices, sizeof (struct oci_device_rule), device_rule_clear);
  free (r->memory);
  if (r->cpu != NULL)
    cpu_clear (r->cpu);
  free (r->cpu);
  if (r->block_io != NULL)
    oci_blkio_clear (r->block_io);
  free (r->block_io);
  jr_array_free (r->hugepage_limits, r->n_hugepage_limits, sizeof (struct oci_hugepage_limit),
                 hugepage_limit_clear);
  jr_array_free (r->network_priorities, r->n_network_priorities, sizeof (struct oci_net_priority),
                 net_priority_clear);
  oci_kv_free (r->unified, r->n_unified);
}
