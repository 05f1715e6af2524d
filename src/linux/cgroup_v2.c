/* linux.resources on cgroup v2 files, with runc's v1 -> v2 conversions. */
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
write_u64 (const char *dir, const char *file, uint64_t v, const char *field, sk_error_t *err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%" PRIu64, v);
  return sk_cg_write (dir, file, buf, field, err);
}

static int
write_swap (const char *dir, int64_t swap, int64_t v2, sk_error_t *err)
{
  char buf[32];
  const char *s = sk_cg_limit_str (v2, buf, sizeof buf);

  /* limit == swap: no swap at all, which runc spells "0". */
  if (s == NULL && swap > 0)
    s = "0";
  if (s == NULL)
    return 0;
  if (sk_cg_write (dir, "memory.swap.max", s, F_MEM "swap", err) < 0)
    {
      /* Without swap accounting "no swap" and "unlimited" hold anyway. */
      if (err != NULL && *err != NULL && (*err)->status == ENOENT && (strcmp (s, "max") == 0 || strcmp (s, "0") == 0))
        {
          sk_error_release (err);
          return 0;
        }
      return -1;
    }
  return 0;
}

int
sk_cg_v2_memory (const char *dir, const struct oci_memory *m, const struct sk_log *log, sk_error_t *err)
{
  int64_t limit = m->limit.set ? m->limit.v : 0, swap = m->swap.set ? m->swap.v : 0, swap_v2;
  char buf[32];
  const char *s;

  if (m->kernel.set || m->kernel_tcp.set)
    sk_log_debug (log, F_MEM "kernel, kernelTCP: kernel memory limits are ignored (deprecated by the kernel)");
  if (sk_cg_swap_to_v2 (swap, limit, &swap_v2, err) < 0 || write_swap (dir, swap, swap_v2, err) < 0)
    return -1;
  if ((s = sk_cg_limit_str (limit, buf, sizeof buf)) != NULL && sk_cg_write (dir, "memory.max", s, F_MEM "limit", err) < 0)
    return -1;
  if (m->reservation.set && (s = sk_cg_limit_str (m->reservation.v, buf, sizeof buf)) != NULL
      && sk_cg_write (dir, "memory.low", s, F_MEM "reservation", err) < 0)
    return -1;
  if (m->swappiness.set)
    sk_log_warn (log, F_MEM "swappiness: not available on cgroup v2, ignored");
  if (m->disable_oom_killer.set && m->disable_oom_killer.v)
    sk_log_warn (log, F_MEM "disableOOMKiller: not available on cgroup v2, ignored");
  if (m->use_hierarchy.set && !m->use_hierarchy.v)
    sk_log_warn (log, F_MEM "useHierarchy: cgroup v2 is always hierarchical, ignored");
  return 0;
}

static int
write_cpu_max (const char *dir, const struct oci_cpu *c, sk_error_t *err)
{
  cleanup_free char *cur = NULL;
  char value[64];

  if (!(c->quota.set && c->quota.v != 0) && !(c->period.set && c->period.v != 0))
    return 0;
  /* Only the period changes: keep the quota in place (update). */
  if (!(c->quota.set && c->quota.v != 0))
    {
      cleanup_error sk_error_t ignored = NULL;
      if (sk_cg_read (dir, "cpu.max", &cur, &ignored) == 0)
        cur[strcspn (cur, " ")] = '\0';
    }
  if (sk_cg_cpu_max (&c->quota, &c->period, cur, value, sizeof value) < 0)
    return sk_error_set (err, EINVAL, F_CPU "quota: cannot format cpu.max");
  return sk_cg_write (dir, "cpu.max", value, c->quota.set ? F_CPU "quota" : F_CPU "period", err);
}

int
sk_cg_v2_cpu (const char *dir, const struct oci_cpu *c, const struct sk_log *log, sk_error_t *err)
{
  bool idle_first = c->idle.set && c->idle.v == 0;

  /* The kernel refuses cpu.weight while the group is idle: leave idle
   * before setting the weight, enter it after. */
  if (idle_first && write_u64 (dir, "cpu.idle", 0, F_CPU "idle", err) < 0)
    return -1;
  if (c->shares.set && c->shares.v != 0
      && write_u64 (dir, "cpu.weight", sk_cg_shares_to_weight (c->shares.v), F_CPU "shares", err) < 0)
    return -1;
  if (c->burst.set)
    {
      /* burst may not exceed the quota: try before cpu.max (lowering the
       * burst), then again after it (raising the quota). */
      cleanup_error sk_error_t first = NULL;
      bool burst_done = write_u64 (dir, "cpu.max.burst", c->burst.v, F_CPU "burst", &first) == 0;
      if (write_cpu_max (dir, c, err) < 0)
        return -1;
      if (!burst_done && write_u64 (dir, "cpu.max.burst", c->burst.v, F_CPU "burst", err) < 0)
        return -1;
    }
  else if (write_cpu_max (dir, c, err) < 0)
    return -1;
  if (c->idle.set && !idle_first && write_u64 (dir, "cpu.idle", (uint64_t) c->idle.v, F_CPU "idle", err) < 0)
    return -1;
  if ((c->realtime_runtime.set && c->realtime_runtime.v != 0) || (c->realtime_period.set && c->realtime_period.v != 0))
    sk_log_warn (log, F_CPU "realtimeRuntime, realtimePeriod: not available on cgroup v2, ignored");
  return 0;
}

int
sk_cg_v2_io (const char *dir, const struct oci_blkio *b, const struct sk_log *log, sk_error_t *err)
{
  bool bfq = sk_cg_has (dir, "io.bfq.weight");
  cleanup_strv char **lines = NULL;

  if (b->weight.set && b->weight.v != 0)
    {
      if (bfq ? write_u64 (dir, "io.bfq.weight", b->weight.v, F_BLKIO "weight", err) < 0
              : write_u64 (dir, "io.weight", sk_cg_blkio_weight_to_io_weight (b->weight.v), F_BLKIO "weight", err) < 0)
        return -1;
    }
  if (b->leaf_weight.set)
    sk_log_warn (log, F_BLKIO "leafWeight: not available on cgroup v2, ignored");
  for (size_t i = 0; i < b->n_weight_device; i++)
    {
      const struct oci_weight_device *w = &b->weight_device[i];
      char field[64], line[96];
      snprintf (field, sizeof field, F_BLKIO "weightDevice[%zu]", i);
      if (!w->weight.set || w->weight.v == 0)
        continue;
      if (!bfq)
        {
          /* Only BFQ takes per-device weights on v2. */
          sk_log_warn (log, "%s: needs the BFQ I/O scheduler (no io.bfq.weight), ignored", field);
          continue;
        }
      snprintf (line, sizeof line, "%" PRId64 ":%" PRId64 " %" PRIu32, w->major, w->minor, w->weight.v);
      if (sk_cg_write (dir, "io.bfq.weight", line, field, err) < 0)
        return -1;
    }
  if (sk_cg_io_max_lines (b, &lines, err) < 0)
    return -1;
  for (size_t i = 0; lines[i] != NULL; i++)
    {
      char where[160];
      snprintf (where, sizeof where, "linux.resources.blockIO: throttle \"%s\"", lines[i]);
      if (sk_cg_write (dir, "io.max", lines[i], where, err) < 0)
        return -1;
    }
  return 0;
}

int
sk_cg_v2_hugetlb (const char *dir, const struct oci_hugepage_limit *h, size_t n, sk_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      char file[64], field[64];
      snprintf (field, sizeof field, "linux.resources.hugepageLimits[%zu]", i);
      if (!sk_cg_hugepage_size_valid (h[i].page_size))
        return sk_error_set (err, EINVAL, "%s: invalid pageSize \"%s\"", field, h[i].page_size);
      snprintf (file, sizeof file, "hugetlb.%s.max", h[i].page_size);
      if (write_u64 (dir, file, h[i].limit, field, err) < 0)
        return -1;
      /* Reservations count too (kernel >= 5.7): limit them alike, as runc does. */
      snprintf (file, sizeof file, "hugetlb.%s.rsvd.max", h[i].page_size);
      if (sk_cg_has (dir, file) && write_u64 (dir, file, h[i].limit, field, err) < 0)
        return -1;
    }
  return 0;
}

/* Keys that are not resources: writing them would move or kill processes. */
static const char *const unified_refused[] = { "cgroup.procs", "cgroup.threads", "cgroup.kill", NULL };

int
sk_cg_v2_unified (const char *dir, const struct oci_kv *kv, size_t n, sk_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      char field[300];
      snprintf (field, sizeof field, "linux.resources.unified[\"%s\"]", kv[i].key);
      if (kv[i].key[0] == '\0' || kv[i].key[0] == '.' || strchr (kv[i].key, '/') != NULL)
        return sk_error_set (err, EINVAL, "%s: not a cgroup file name", field);
      for (size_t r = 0; unified_refused[r] != NULL; r++)
        if (strcmp (kv[i].key, unified_refused[r]) == 0)
          return sk_error_set (err, EINVAL, "%s: not a resource", field);
      if (sk_cg_write (dir, kv[i].key, kv[i].value, field, err) < 0)
        return -1;
    }
  return 0;
}

static void
enable_in (const char *dir, uint32_t ctrls, const struct sk_log *log)
{
  cleanup_free char *cur = NULL;
  cleanup_error sk_error_t e = NULL;

  if (sk_cg_read (dir, "cgroup.subtree_control", &cur, &e) < 0)
    {
      sk_log_debug (log, "%s", sk_error_msg (&e));
      return;
    }
  for (int c = 0; c < SK_CG__COUNT; c++)
    {
      const char *name = sk_cg_ctrl_v2_name ((enum sk_cg_ctrl) c);
      char op[32];
      size_t len;
      bool on = false;
      if (name == NULL || !(ctrls & SK_CG_BIT (c)))
        continue;
      len = strlen (name);
      for (const char *p = cur; (p = strstr (p, name)) != NULL; p += len)
        if ((p == cur || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
          on = true;
      if (on)
        continue;
      snprintf (op, sizeof op, "+%s", name);
      /* Best effort: a controller we cannot enable surfaces later as a
       * missing file, named by the field that needed it. */
      if (sk_cg_write (dir, "cgroup.subtree_control", op, NULL, &e) < 0)
        sk_log_debug (log, "%s", sk_error_msg (&e));
    }
}

void
sk_cg_v2_enable_controllers (const struct sk_cg_hier *h, const struct sk_log *log)
{
  cleanup_free char *cur = strdup (h->mount);
  const char *p = h->path;

  if (cur == NULL)
    return;
  for (;;)
    {
      size_t len;
      char *next;
      p += strspn (p, "/");
      len = strcspn (p, "/");
      if (len == 0)
        return;
      /* The leaf itself holds processes, so only its ancestors. */
      enable_in (cur, h->ctrls, log);
      if (asprintf (&next, "%s/%.*s", cur, (int) len, p) < 0)
        return;
      free (cur);
      cur = next;
      p += len;
      if (p[strspn (p, "/")] == '\0')
        return;
    }
}
