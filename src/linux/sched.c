/* process.scheduler, process.ioPriority and linux.personality. */
#include "stockade/linux/process.h"

#include <errno.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

struct name_value
{
  const char *name;
  unsigned long value;
};

static const struct name_value sched_policies[] = {
  { "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 },      { "SCHED_BATCH", 3 },
  { "SCHED_ISO", 4 },   { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
};

static const struct name_value sched_flags[] = {
  { "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },        { "SCHED_FLAG_DL_OVERRUN", 0x04 },
  { "SCHED_FLAG_KEEP_POLICY", 0x08 },   { "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

static const struct name_value io_classes[] = {
  { "IOPRIO_CLASS_RT", 1 },
  { "IOPRIO_CLASS_BE", 2 },
  { "IOPRIO_CLASS_IDLE", 3 },
};

static const struct name_value personalities[] = {
  { "LINUX", PER_LINUX },
  { "LINUX32", PER_LINUX32 },
};

static int
lookup (const struct name_value *t, size_t n, const char *name, unsigned long *out)
{
  for (size_t i = 0; name != NULL && i < n; i++)
    if (strcmp (t[i].name, name) == 0)
      {
        *out = t[i].value;
        return 0;
      }
  return -1;
}
#define LOOKUP(table, name, out) lookup (table, sizeof table / sizeof table[0], name, out)

/* Layout of the kernel's struct sched_attr (glibc has no wrapper). */
struct kernel_sched_attr
{
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
};

int
sk_process_set_scheduler (const struct oci_process *p, sk_error_t *err)
{
  const struct oci_scheduler *s = &p->scheduler;
  struct kernel_sched_attr attr = { .size = sizeof attr };
  unsigned long v;

  if (!s->set)
    return 0;
  if (LOOKUP (sched_policies, s->policy, &v) < 0)
    return sk_error_set (err, 0, "process.scheduler.policy: unknown \"%s\"", s->policy);
  attr.sched_policy = (uint32_t) v;
  for (size_t i = 0; s->flags != NULL && s->flags[i] != NULL; i++)
    {
      if (LOOKUP (sched_flags, s->flags[i], &v) < 0)
        return sk_error_set (err, 0, "process.scheduler.flags[%zu]: unknown \"%s\"", i, s->flags[i]);
      attr.sched_flags |= v;
    }
  attr.sched_nice = s->nice.set ? s->nice.v : 0;
  attr.sched_priority = s->priority.set ? (uint32_t) s->priority.v : 0;
  attr.sched_runtime = s->runtime.set ? s->runtime.v : 0;
  attr.sched_deadline = s->deadline.set ? s->deadline.v : 0;
  attr.sched_period = s->period.set ? s->period.v : 0;
  if (syscall (SYS_sched_setattr, 0, &attr, 0) < 0)
    return sk_error_set (err, errno, "process.scheduler: sched_setattr(%s)", s->policy);
  return 0;
}

int
sk_process_set_io_priority (const struct oci_process *p, sk_error_t *err)
{
  unsigned long cls;

  if (!p->io_priority.set)
    return 0;
  if (LOOKUP (io_classes, p->io_priority.io_class, &cls) < 0)
    return sk_error_set (err, 0, "process.ioPriority.class: unknown \"%s\"", p->io_priority.io_class);
  /* IOPRIO_WHO_PROCESS = 1, class in the top bits (IOPRIO_CLASS_SHIFT = 13) */
  if (syscall (SYS_ioprio_set, 1, 0, (int) ((cls << 13) | (unsigned long) p->io_priority.priority)) < 0)
    return sk_error_set (err, errno, "process.ioPriority");
  return 0;
}

int
sk_process_set_personality (const struct oci_linux *l, sk_error_t *err)
{
  unsigned long v;

  if (l == NULL || !l->personality.set)
    return 0;
  if (LOOKUP (personalities, l->personality.domain, &v) < 0)
    return sk_error_set (err, 0, "linux.personality.domain: unknown \"%s\"", l->personality.domain);
  if (personality (v) < 0)
    return sk_error_set (err, errno, "linux.personality: %s", l->personality.domain);
  return 0;
}
