/* linux.resources on cgroup v1 files, in the order runc writes them (the
 * kernel validates some values against each other, e.g. memsw >= limit). */
#include "cgroup_internal.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define F_MEM "linux.resources.memory."
#define F_CPU "linux.resources.cpu."
#define F_BLKIO "linux.resources.blockIO."

static int
write_i64 (const char *dir, const char *file, int64_t v, const char *field, sk_error_t *err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%" PRId64, v);
  return sk_cg_write (dir, file, buf, field, err);
}

static int
write_u64 (const char *dir, const char *file, uint64_t v, const char *field, sk_error_t *err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%" PRIu64, v);
  return sk_cg_write (dir, file, buf, field, err);
}

/* runc's setMemoryAndSwap: when both change, the order must keep
 * memsw >= limit at every step or the kernel refuses the write. */
static int
memory_and_swap (const char *dir, int64_t limit, int64_t swap, sk_error_t *err)
{
  bool has_memsw = sk_cg_has (dir, "memory.memsw.limit_in_bytes");

  if (limit == -1 && swap == 0 && has_memsw)
    swap = -1;
  if (swap != 0 && !has_memsw)
    return sk_error_set (err, ENOTSUP,
                         F_MEM "swap: swap accounting is disabled in this kernel (no memory.memsw.limit_in_bytes)");
  if (limit != 0 && swap != 0)
    {
      uint64_t cur = 0;
      if (sk_cg_read_u64 (dir, "memory.limit_in_bytes", &cur, err) < 0)
        return sk_error_wrap (err, F_MEM "limit");
      if (swap == -1 || cur < (uint64_t) swap)
        {
          if (write_i64 (dir, "memory.memsw.limit_in_bytes", swap, F_MEM "swap", err) < 0)
            return -1;
          return write_i64 (dir, "memory.limit_in_bytes", limit, F_MEM "limit", err);
        }
    }
  if (limit != 0 && write_i64 (dir, "memory.limit_in_bytes", limit, F_MEM "limit", err) < 0)
    return -1;
  if (swap != 0 && write_i64 (dir, "memory.memsw.limit_in_bytes", swap, F_MEM "swap", err) < 0)
    return -1;
  return 0;
}

int
sk_cg_v1_memory (const char *dir, const struct oci_memory *m, const struct sk_log *log, sk_error_t *err)
{
  int64_t limit = m->limit.set ? m->limit.v : 0, swap = m->swap.set ? m->swap.v : 0;

  if (m->kernel.set || m->kernel_tcp.set)
    sk_log_debug (log, F_MEM "kernel, kernelTCP: kernel memory limits are ignored (deprecated by the kernel)");
  if (memory_and_swap (dir, limit, swap, err) < 0)
    return -1;
  if (m->reservation.set && m->reservation.v != 0
      && write_i64 (dir, "memory.soft_limit_in_bytes", m->reservation.v, F_MEM "reservation", err) < 0)
    return -1;
  if (m->swappiness.set)
    {
      if (m->swappiness.v > 100)
        return sk_error_set (err, EINVAL, F_MEM "swappiness: %" PRIu64 " is above 100", m->swappiness.v);
      if (write_u64 (dir, "memory.swappiness", m->swappiness.v, F_MEM "swappiness", err) < 0)
        return -1;
    }
  if (m->disable_oom_killer.set && m->disable_oom_killer.v
      && sk_cg_write (dir, "memory.oom_control", "1", F_MEM "disableOOMKiller", err) < 0)
    return -1;
  if (m->use_hierarchy.set)
    {
      cleanup_error sk_error_t ignored = NULL;
      /* Kernels since 5.10 only accept 1 (hierarchy is always on). */
      if (sk_cg_write (dir, "memory.use_hierarchy", m->use_hierarchy.v ? "1" : "0", F_MEM "useHierarchy", &ignored)
          < 0)
        sk_log_warn (log, "%s; ignored", sk_error_msg (&ignored));
    }
  return 0;
}

int
sk_cg_v1_cpu (const char *dir, const struct oci_cpu *c, sk_error_t *err)
{
  bool period_pending = false;

  if (c->shares.set && c->shares.v != 0 && write_u64 (dir, "cpu.shares", c->shares.v, F_CPU "shares", err) < 0)
    return -1;
  if (c->period.set && c->period.v != 0)
    {
      if (write_u64 (dir, "cpu.cfs_period_us", c->period.v, F_CPU "period", err) < 0)
        {
          /* A smaller period can push old_quota/period over the parent's
           * limit; retry once the new quota is in place. */
          if (err == NULL || *err == NULL || (*err)->status != EINVAL || !c->quota.set || c->quota.v == 0)
            return -1;
          sk_error_release (err);
          period_pending = true;
        }
    }
  if (c->quota.set && c->quota.v != 0)
    {
      if (write_i64 (dir, "cpu.cfs_quota_us", c->quota.v > 0 ? c->quota.v : -1, F_CPU "quota", err) < 0)
        return -1;
      if (period_pending && write_u64 (dir, "cpu.cfs_period_us", c->period.v, F_CPU "period", err) < 0)
        return -1;
    }
  if (c->burst.set && write_u64 (dir, "cpu.cfs_burst_us", c->burst.v, F_CPU "burst", err) < 0)
    return -1;
  if (c->realtime_period.set && c->realtime_period.v != 0
      && write_u64 (dir, "cpu.rt_period_us", c->realtime_period.v, F_CPU "realtimePeriod", err) < 0)
    return -1;
  if (c->realtime_runtime.set && c->realtime_runtime.v != 0
      && write_i64 (dir, "cpu.rt_runtime_us", c->realtime_runtime.v, F_CPU "realtimeRuntime", err) < 0)
    return -1;
  if (c->idle.set && write_i64 (dir, "cpu.idle", c->idle.v, F_CPU "idle", err) < 0)
    return -1;
  return 0;
}

/* blkio.weight is CFQ's; with BFQ only blkio.bfq.weight exists. */
int
sk_cg_v1_blkio (const char *dir, const struct oci_blkio *b, sk_error_t *err)
{
  bool cfq = sk_cg_has (dir, "blkio.weight");
  const char *weight = cfq ? "blkio.weight" : "blkio.bfq.weight";
  const char *weight_dev = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";
  static const struct
  {
    const char *file, *field;
    size_t off;
  } throttles[] = {
    { "blkio.throttle.read_bps_device", "throttleReadBpsDevice", offsetof (struct oci_blkio, throttle_read_bps) },
    { "blkio.throttle.write_bps_device", "throttleWriteBpsDevice", offsetof (struct oci_blkio, throttle_write_bps) },
    { "blkio.throttle.read_iops_device", "throttleReadIOPSDevice", offsetof (struct oci_blkio, throttle_read_iops) },
    { "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice",
      offsetof (struct oci_blkio, throttle_write_iops) },
  };
  char line[96], field[96];

  if (b->weight.set && b->weight.v != 0 && write_u64 (dir, weight, b->weight.v, F_BLKIO "weight", err) < 0)
    return -1;
  if (b->leaf_weight.set && b->leaf_weight.v != 0
      && write_u64 (dir, "blkio.leaf_weight", b->leaf_weight.v, F_BLKIO "leafWeight", err) < 0)
    return -1;
  for (size_t i = 0; i < b->n_weight_device; i++)
    {
      const struct oci_weight_device *w = &b->weight_device[i];
      snprintf (field, sizeof field, F_BLKIO "weightDevice[%zu]", i);
      if (w->weight.set && w->weight.v != 0)
        {
          snprintf (line, sizeof line, "%" PRId64 ":%" PRId64 " %" PRIu32, w->major, w->minor, w->weight.v);
          if (sk_cg_write (dir, weight_dev, line, field, err) < 0)
            return -1;
        }
      if (w->leaf_weight.set && w->leaf_weight.v != 0)
        {
          snprintf (line, sizeof line, "%" PRId64 ":%" PRId64 " %" PRIu32, w->major, w->minor, w->leaf_weight.v);
          if (sk_cg_write (dir, "blkio.leaf_weight_device", line, field, err) < 0)
            return -1;
        }
    }
  for (size_t t = 0; t < sizeof throttles / sizeof throttles[0]; t++)
    {
      const struct oci_throttle_list *list = (const void *) ((const char *) b + throttles[t].off);
      for (size_t i = 0; i < list->n; i++)
        {
          const struct oci_throttle_device *d = &list->items[i];
          snprintf (field, sizeof field, F_BLKIO "%s[%zu]", throttles[t].field, i);
          snprintf (line, sizeof line, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor, d->rate);
          if (sk_cg_write (dir, throttles[t].file, line, field, err) < 0)
            return -1;
        }
    }
  return 0;
}

int
sk_cg_v1_hugetlb (const char *dir, const struct oci_hugepage_limit *h, size_t n, sk_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      char file[64], field[64];
      snprintf (field, sizeof field, "linux.resources.hugepageLimits[%zu]", i);
      if (!sk_cg_hugepage_size_valid (h[i].page_size))
        return sk_error_set (err, EINVAL, "%s: invalid pageSize \"%s\"", field, h[i].page_size);
      snprintf (file, sizeof file, "hugetlb.%s.limit_in_bytes", h[i].page_size);
      if (write_u64 (dir, file, h[i].limit, field, err) < 0)
        return -1;
    }
  return 0;
}

/* Start from deny-all, then the rules in order: the kernel keeps its own
 * exception list, so writing them one by one gives v1's exact meaning. */
int
sk_cg_v1_devices (const char *dir, const struct oci_device_rule *rules, size_t n, sk_error_t *err)
{
  static const char field[] = "linux.resources.devices";

  if (sk_cg_write (dir, "devices.deny", "a", field, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      char line[64], where[128];
      if (sk_cg_device_rule_v1 (&rules[i], line, sizeof line) < 0)
        return sk_error_set (err, EINVAL, "%s[%zu]: invalid rule", field, i);
      snprintf (where, sizeof where, "%s: rule \"%s\"", field, line);
      if (sk_cg_write (dir, rules[i].allow ? "devices.allow" : "devices.deny", line, where, err) < 0)
        return -1;
    }
  return 0;
}

int
sk_cg_v1_network (const struct sk_cg_layout *l, const struct oci_resources *r, const struct sk_log *log,
                  sk_error_t *err)
{
  const struct sk_cg_hier *cls = sk_cg_owner (l, SK_CG_NET_CLS), *prio = sk_cg_owner (l, SK_CG_NET_PRIO);

  (void) log;
  if (r->network_class_id.set)
    {
      if (cls == NULL || cls->version != 1)
        return sk_error_set (err, ENOTSUP, "linux.resources.network.classID: the net_cls controller is not mounted");
      if (write_u64 (cls->dir, "net_cls.classid", r->network_class_id.v, "linux.resources.network.classID", err) < 0)
        return -1;
    }
  for (size_t i = 0; i < r->n_network_priorities; i++)
    {
      char field[64], line[128];
      snprintf (field, sizeof field, "linux.resources.network.priorities[%zu]", i);
      if (prio == NULL || prio->version != 1)
        return sk_error_set (err, ENOTSUP, "%s: the net_prio controller is not mounted", field);
      snprintf (line, sizeof line, "%s %" PRIu32, r->network_priorities[i].name, r->network_priorities[i].priority);
      if (sk_cg_write (prio->dir, "net_prio.ifpriomap", line, field, err) < 0)
        return -1;
    }
  return 0;
}
