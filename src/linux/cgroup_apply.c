/* linux.resources to the hierarchy that drives each controller: on a hybrid
 * host one config can land partly on v1 files and partly on v2 files. */
#include "cgroup_internal.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ANY { 0 }
#define NUM(x) { .set = true, .v = (x) }

/* runc's AllowedDevices (libcontainer/specconv): mknod of anything, the
 * standard character devices, ptys and tun. */
const struct oci_device_rule sk_cgroup_default_device_rules[] = {
  { .allow = true, .type = 'c', .major = ANY, .minor = ANY, .access = (char *) "m" },
  { .allow = true, .type = 'b', .major = ANY, .minor = ANY, .access = (char *) "m" },
  { .allow = true, .type = 'c', .major = NUM (1), .minor = NUM (3), .access = (char *) "rwm" },   /* null */
  { .allow = true, .type = 'c', .major = NUM (1), .minor = NUM (8), .access = (char *) "rwm" },   /* random */
  { .allow = true, .type = 'c', .major = NUM (1), .minor = NUM (7), .access = (char *) "rwm" },   /* full */
  { .allow = true, .type = 'c', .major = NUM (5), .minor = NUM (0), .access = (char *) "rwm" },   /* tty */
  { .allow = true, .type = 'c', .major = NUM (1), .minor = NUM (5), .access = (char *) "rwm" },   /* zero */
  { .allow = true, .type = 'c', .major = NUM (1), .minor = NUM (9), .access = (char *) "rwm" },   /* urandom */
  { .allow = true, .type = 'c', .major = NUM (136), .minor = ANY, .access = (char *) "rwm" },     /* pts */
  { .allow = true, .type = 'c', .major = NUM (5), .minor = NUM (2), .access = (char *) "rwm" },   /* ptmx */
  { .allow = true, .type = 'c', .major = NUM (10), .minor = NUM (200), .access = (char *) "rwm" }, /* tun */
};
const size_t sk_cgroup_n_default_device_rules
    = sizeof sk_cgroup_default_device_rules / sizeof sk_cgroup_default_device_rules[0];

static int
missing (const char *field, const char *ctrl, sk_error_t *err)
{
  return sk_error_set (err, ENOTSUP, "%s: the %s controller is not available on this host", field, ctrl);
}

static int
apply_devices (const struct sk_cg_layout *l, const struct oci_resources *r, sk_error_t *err)
{
  const struct sk_cg_hier *h = sk_cg_owner (l, SK_CG_DEVICES);
  size_t n_cfg = r ? r->n_devices : 0, n = n_cfg + sk_cgroup_n_default_device_rules;
  cleanup_free struct oci_device_rule *all = calloc (n, sizeof *all);

  if (all == NULL)
    return sk_error_set (err, ENOMEM, "linux.resources.devices");
  if (n_cfg > 0)
    memcpy (all, r->devices, n_cfg * sizeof *all);
  memcpy (all + n_cfg, sk_cgroup_default_device_rules, sk_cgroup_n_default_device_rules * sizeof *all);
  if (sk_cg_device_rules_check (all, n_cfg, err) < 0)
    return -1;
  if (h == NULL)
    return missing ("linux.resources.devices", "devices", err);
  if (h->version == 1)
    return sk_cg_v1_devices (h->dir, all, n, err);
  return sk_cg_devices_bpf_apply (h->dir, all, n, err);
}

static int
apply_cpu (const struct sk_cg_layout *l, const struct oci_cpu *c, const struct sk_log *log, sk_error_t *err)
{
  const struct sk_cg_hier *cpu = sk_cg_owner (l, SK_CG_CPU), *cpuset = sk_cg_owner (l, SK_CG_CPUSET);
  bool wants_cpu = c->shares.set || c->quota.set || c->period.set || c->burst.set || c->realtime_runtime.set
                   || c->realtime_period.set || c->idle.set;

  if (wants_cpu)
    {
      if (cpu == NULL)
        return missing ("linux.resources.cpu", "cpu", err);
      if ((cpu->version == 1 ? sk_cg_v1_cpu (cpu->dir, c, err) : sk_cg_v2_cpu (cpu->dir, c, log, err)) < 0)
        return -1;
    }
  if ((c->cpus != NULL && *c->cpus) || (c->mems != NULL && *c->mems))
    {
      if (cpuset == NULL)
        return missing ("linux.resources.cpu.cpus", "cpuset", err);
      /* Same file names on v1 and v2. */
      if (c->cpus != NULL && *c->cpus
          && sk_cg_write (cpuset->dir, "cpuset.cpus", c->cpus, "linux.resources.cpu.cpus", err) < 0)
        return -1;
      if (c->mems != NULL && *c->mems
          && sk_cg_write (cpuset->dir, "cpuset.mems", c->mems, "linux.resources.cpu.mems", err) < 0)
        return -1;
    }
  return 0;
}

static int
apply_pids (const struct sk_cg_layout *l, int64_t limit, sk_error_t *err)
{
  const struct sk_cg_hier *h = sk_cg_owner (l, SK_CG_PIDS);
  char buf[32];

  if (h == NULL)
    return missing ("linux.resources.pids.limit", "pids", err);
  return sk_cg_write (h->dir, "pids.max", limit > 0 ? sk_cg_limit_str (limit, buf, sizeof buf) : "max",
                      "linux.resources.pids.limit", err);
}

static bool
blkio_wanted (const struct oci_blkio *b)
{
  return b->weight.set || b->leaf_weight.set || b->n_weight_device > 0 || b->throttle_read_bps.n > 0
         || b->throttle_write_bps.n > 0 || b->throttle_read_iops.n > 0 || b->throttle_write_iops.n > 0;
}

int
sk_cg_apply (const struct sk_cg_layout *l, const struct oci_resources *r, bool with_devices,
             const struct sk_log *log, sk_error_t *err)
{
  const struct sk_cg_hier *h;

  if (r != NULL && r->memory != NULL)
    {
      if ((h = sk_cg_owner (l, SK_CG_MEMORY)) == NULL)
        return missing ("linux.resources.memory", "memory", err);
      if ((h->version == 1 ? sk_cg_v1_memory (h->dir, r->memory, log, err)
                           : sk_cg_v2_memory (h->dir, r->memory, log, err))
          < 0)
        return -1;
    }
  if (r != NULL && r->cpu != NULL && apply_cpu (l, r->cpu, log, err) < 0)
    return -1;
  if (r != NULL && r->pids_limit.set && apply_pids (l, r->pids_limit.v, err) < 0)
    return -1;
  if (r != NULL && r->block_io != NULL && blkio_wanted (r->block_io))
    {
      if ((h = sk_cg_owner (l, SK_CG_BLKIO)) == NULL)
        return missing ("linux.resources.blockIO", "blkio/io", err);
      if ((h->version == 1 ? sk_cg_v1_blkio (h->dir, r->block_io, err) : sk_cg_v2_io (h->dir, r->block_io, log, err))
          < 0)
        return -1;
    }
  if (r != NULL && r->n_hugepage_limits > 0)
    {
      if ((h = sk_cg_owner (l, SK_CG_HUGETLB)) == NULL)
        return missing ("linux.resources.hugepageLimits", "hugetlb", err);
      if ((h->version == 1 ? sk_cg_v1_hugetlb (h->dir, r->hugepage_limits, r->n_hugepage_limits, err)
                           : sk_cg_v2_hugetlb (h->dir, r->hugepage_limits, r->n_hugepage_limits, err))
          < 0)
        return -1;
    }
  if (r != NULL && (r->network_class_id.set || r->n_network_priorities > 0) && sk_cg_v1_network (l, r, log, err) < 0)
    return -1;
  if (r != NULL && r->has_rdma)
    sk_log_warn (log, "linux.resources.rdma: not supported, ignored");
  if (r != NULL && r->n_unified > 0)
    {
      if (l->v2 < 0)
        return sk_error_set (err, ENOTSUP, "linux.resources.unified: needs cgroup v2, which is not mounted on this host");
      if (sk_cg_v2_unified (l->h[l->v2].dir, r->unified, r->n_unified, err) < 0)
        return -1;
    }
  if (with_devices && apply_devices (l, r, err) < 0)
    return -1;
  return 0;
}
