/* Read the numbers behind `events --stats` from whichever hierarchy drives
 * each controller.  A file the kernel does not offer reads as 0, the way
 * runc reports it; only a missing cgroup is an error. */
#include "cgroup_internal.h"
#include "stockade/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
sk_cg_stats_release (struct sk_cg_stats *s)
{
  free (s->cpu.percpu);
  for (size_t i = 0; i < s->memory.n_raw; i++)
    {
      free (s->memory.raw[i].key);
      free (s->memory.raw[i].value);
    }
  free (s->memory.raw);
  free (s->blkio.service_bytes);
  free (s->blkio.serviced);
  free (s->hugetlb);
  memset (s, 0, sizeof *s);
}

static uint64_t
read_or_zero (const char *dir, const char *file)
{
  cleanup_error sk_error_t ignored = NULL;
  uint64_t v = 0;

  if (sk_cg_read_u64 (dir, file, &v, &ignored) < 0)
    return 0;
  return v;
}

static char *
read_text_or_null (const char *dir, const char *file)
{
  cleanup_error sk_error_t ignored = NULL;
  char *text = NULL;

  if (sk_cg_read (dir, file, &text, &ignored) < 0)
    return NULL;
  return text;
}

static uint64_t
kv_or_zero (const char *text, const char *key)
{
  uint64_t v = 0;
  return text != NULL && sk_cg_kv_u64 (text, key, &v) ? v : 0;
}

static int
cpu_stats (const struct sk_cg_layout *l, struct sk_cg_stats *s, sk_error_t *err)
{
  const struct sk_cg_hier *acct = sk_cg_owner (l, SK_CG_CPUACCT), *cpu = sk_cg_owner (l, SK_CG_CPU);

  if (acct != NULL && acct->version == 1)
    {
      cleanup_free char *percpu = read_text_or_null (acct->dir, "cpuacct.usage_percpu");
      cleanup_free char *stat = read_text_or_null (acct->dir, "cpuacct.stat");
      long hz = sysconf (_SC_CLK_TCK);
      s->cpu.total = read_or_zero (acct->dir, "cpuacct.usage");
      /* cpuacct.stat counts USER_HZ ticks; runc reports nanoseconds. */
      if (hz > 0)
        {
          s->cpu.user = kv_or_zero (stat, "user") * (1000000000ULL / (uint64_t) hz);
          s->cpu.kernel = kv_or_zero (stat, "system") * (1000000000ULL / (uint64_t) hz);
        }
      for (const char *p = percpu; p != NULL && *p;)
        {
          char *end;
          uint64_t v = strtoull (p, &end, 10);
          uint64_t *grown;
          if (end == p)
            break;
          grown = realloc (s->cpu.percpu, (s->cpu.n_percpu + 1) * sizeof *grown);
          if (grown == NULL)
            return sk_error_set (err, ENOMEM, "cgroup stats");
          s->cpu.percpu = grown;
          s->cpu.percpu[s->cpu.n_percpu++] = v;
          p = end + strspn (end, " \n");
        }
    }
  else if (acct != NULL)
    {
      cleanup_free char *stat = read_text_or_null (acct->dir, "cpu.stat");
      s->cpu.total = kv_or_zero (stat, "usage_usec") * 1000;
      s->cpu.user = kv_or_zero (stat, "user_usec") * 1000;
      s->cpu.kernel = kv_or_zero (stat, "system_usec") * 1000;
    }
  if (cpu != NULL)
    {
      cleanup_free char *stat = read_text_or_null (cpu->dir, "cpu.stat");
      s->cpu.periods = kv_or_zero (stat, "nr_periods");
      s->cpu.throttled_periods = kv_or_zero (stat, "nr_throttled");
      s->cpu.throttled_time
          = cpu->version == 1 ? kv_or_zero (stat, "throttled_time") : kv_or_zero (stat, "throttled_usec") * 1000;
    }
  return 0;
}

static int
raw_stats (const char *text, struct sk_cg_stats *s, sk_error_t *err)
{
  for (const char *line = text; line != NULL && *line;)
    {
      size_t len = strcspn (line, "\n"), klen = strcspn (line, " \n");
      struct oci_kv *grown;
      if (klen < len)
        {
          grown = realloc (s->memory.raw, (s->memory.n_raw + 1) * sizeof *grown);
          if (grown == NULL)
            return sk_error_set (err, ENOMEM, "cgroup stats");
          s->memory.raw = grown;
          grown[s->memory.n_raw].key = strndup (line, klen);
          grown[s->memory.n_raw].value = strndup (line + klen + 1, len - klen - 1);
          s->memory.n_raw++;
          if (grown[s->memory.n_raw - 1].key == NULL || grown[s->memory.n_raw - 1].value == NULL)
            return sk_error_set (err, ENOMEM, "cgroup stats");
        }
      line += len;
      if (*line == '\n')
        line++;
    }
  return 0;
}

static void
mem_v1_entry (const char *dir, const char *prefix, struct sk_cg_mem_entry *e)
{
  char file[64];

  snprintf (file, sizeof file, "%s.usage_in_bytes", prefix);
  e->usage = read_or_zero (dir, file);
  snprintf (file, sizeof file, "%s.max_usage_in_bytes", prefix);
  e->max = read_or_zero (dir, file);
  snprintf (file, sizeof file, "%s.failcnt", prefix);
  e->failcnt = read_or_zero (dir, file);
  snprintf (file, sizeof file, "%s.limit_in_bytes", prefix);
  e->limit = read_or_zero (dir, file);
}

static int
memory_stats (const struct sk_cg_layout *l, struct sk_cg_stats *s, sk_error_t *err)
{
  const struct sk_cg_hier *h = sk_cg_owner (l, SK_CG_MEMORY);
  cleanup_free char *stat = NULL, *events = NULL, *swap_events = NULL;

  if (h == NULL)
    return 0;
  stat = read_text_or_null (h->dir, "memory.stat");
  if (raw_stats (stat, s, err) < 0)
    return -1;
  if (h->version == 1)
    {
      s->memory.cache = kv_or_zero (stat, "cache");
      mem_v1_entry (h->dir, "memory", &s->memory.usage);
      mem_v1_entry (h->dir, "memory.memsw", &s->memory.swap);
      mem_v1_entry (h->dir, "memory.kmem", &s->memory.kernel);
      mem_v1_entry (h->dir, "memory.kmem.tcp", &s->memory.kernel_tcp);
      return 0;
    }
  events = read_text_or_null (h->dir, "memory.events");
  swap_events = read_text_or_null (h->dir, "memory.swap.events");
  s->memory.cache = kv_or_zero (stat, "file");
  s->memory.usage = (struct sk_cg_mem_entry){ .usage = read_or_zero (h->dir, "memory.current"),
                                              .limit = read_or_zero (h->dir, "memory.max"),
                                              .max = read_or_zero (h->dir, "memory.peak"),
                                              .failcnt = kv_or_zero (events, "max") };
  s->memory.swap = (struct sk_cg_mem_entry){ .usage = read_or_zero (h->dir, "memory.swap.current"),
                                             .limit = read_or_zero (h->dir, "memory.swap.max"),
                                             .max = read_or_zero (h->dir, "memory.swap.peak"),
                                             .failcnt = kv_or_zero (swap_events, "max") };
  /* v1 reports swap as memory+swap; runc keeps that meaning on v2. */
  s->memory.swap.usage += s->memory.usage.usage;
  if (s->memory.swap.limit != UINT64_MAX)
    s->memory.swap.limit = s->memory.usage.limit == UINT64_MAX ? UINT64_MAX
                                                                : s->memory.swap.limit + s->memory.usage.limit;
  return 0;
}

static int
push_blkio (struct sk_cg_blkio_entry **v, size_t *n, uint64_t major, uint64_t minor, const char *op, uint64_t value,
            sk_error_t *err)
{
  struct sk_cg_blkio_entry *grown = realloc (*v, (*n + 1) * sizeof *grown);

  if (grown == NULL)
    return sk_error_set (err, ENOMEM, "cgroup stats");
  *v = grown;
  grown[(*n)++] = (struct sk_cg_blkio_entry){ .major = major, .minor = minor, .op = op, .value = value };
  return 0;
}

static const char *
blkio_op (const char *s)
{
  static const char *const ops[] = { "Read", "Write", "Sync", "Async", "Discard", "Total", NULL };
  for (size_t i = 0; ops[i] != NULL; i++)
    if (strcmp (s, ops[i]) == 0)
      return ops[i];
  return NULL;
}

/* v1 "8:0 Read 4096" lines (the closing "Total N" line has no device). */
static int
parse_blkio_v1 (const char *text, struct sk_cg_blkio_entry **v, size_t *n, sk_error_t *err)
{
  for (const char *line = text; line != NULL && *line;)
    {
      unsigned long long major, minor, value;
      char op[16];
      const char *o;
      if (sscanf (line, "%llu:%llu %15s %llu", &major, &minor, op, &value) == 4 && (o = blkio_op (op)) != NULL
          && push_blkio (v, n, major, minor, o, value, err) < 0)
        return -1;
      line = strchr (line, '\n');
      if (line != NULL)
        line++;
    }
  return 0;
}

/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". */
static int
parse_io_stat (const char *text, struct sk_cg_stats *s, sk_error_t *err)
{
  static const struct
  {
    const char *key, *op;
    bool bytes;
  } keys[] = { { "rbytes", "Read", true }, { "wbytes", "Write", true }, { "dbytes", "Discard", true },
               { "rios", "Read", false },  { "wios", "Write", false },  { "dios", "Discard", false } };

  for (const char *line = text; line != NULL && *line;)
    {
      unsigned long long major, minor;
      size_t len = strcspn (line, "\n");
      if (sscanf (line, "%llu:%llu", &major, &minor) == 2)
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
          {
            char pat[16];
            const char *at;
            snprintf (pat, sizeof pat, " %s=", keys[k].key);
            at = strstr (line, pat);
            if (at == NULL || at > line + len)
              continue;
            if ((keys[k].bytes ? push_blkio (&s->blkio.service_bytes, &s->blkio.n_service_bytes, major, minor,
                                             keys[k].op, strtoull (at + strlen (pat), NULL, 10), err)
                               : push_blkio (&s->blkio.serviced, &s->blkio.n_serviced, major, minor, keys[k].op,
                                             strtoull (at + strlen (pat), NULL, 10), err))
                < 0)
              return -1;
          }
      line += len;
      if (*line == '\n')
        line++;
    }
  return 0;
}

static int
blkio_stats (const struct sk_cg_layout *l, struct sk_cg_stats *s, sk_error_t *err)
{
  /* CFQ's files, then BFQ's, then the throttle layer's (always there). */
  static const char *const pairs[][2] = {
    { "blkio.io_service_bytes_recursive", "blkio.io_serviced_recursive" },
    { "blkio.bfq.io_service_bytes_recursive", "blkio.bfq.io_serviced_recursive" },
    { "blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_serviced_recursive" },
  };
  const struct sk_cg_hier *h = sk_cg_owner (l, SK_CG_BLKIO);

  if (h == NULL)
    return 0;
  if (h->version == 2)
    {
      cleanup_free char *text = read_text_or_null (h->dir, "io.stat");
      return parse_io_stat (text, s, err);
    }
  for (size_t i = 0; i < 3 && s->blkio.n_serviced == 0; i++)
    {
      cleanup_free char *bytes = read_text_or_null (h->dir, pairs[i][0]);
      cleanup_free char *ops = read_text_or_null (h->dir, pairs[i][1]);
      if (parse_blkio_v1 (bytes, &s->blkio.service_bytes, &s->blkio.n_service_bytes, err) < 0
          || parse_blkio_v1 (ops, &s->blkio.serviced, &s->blkio.n_serviced, err) < 0)
        return -1;
      if (s->blkio.n_serviced == 0)
        {
          free (s->blkio.service_bytes);
          s->blkio.service_bytes = NULL;
          s->blkio.n_service_bytes = 0;
        }
    }
  return 0;
}

static int
hugetlb_stats (const struct sk_cg_layout *l, struct sk_cg_stats *s, sk_error_t *err)
{
  const struct sk_cg_hier *h = sk_cg_owner (l, SK_CG_HUGETLB);
  DIR *d;
  struct dirent *e;

  if (h == NULL || (d = opendir ("/sys/kernel/mm/hugepages")) == NULL)
    return 0;
  while ((e = readdir (d)) != NULL)
    {
      struct sk_cg_hugetlb_stat st = { 0 }, *grown;
      char file[96];
      cleanup_free char *events = NULL;
      if (sk_cg_hugepage_dir_to_size (e->d_name, st.size, sizeof st.size) < 0)
        continue;
      if (h->version == 1)
        {
          snprintf (file, sizeof file, "hugetlb.%s.usage_in_bytes", st.size);
          st.usage = read_or_zero (h->dir, file);
          snprintf (file, sizeof file, "hugetlb.%s.max_usage_in_bytes", st.size);
          st.max = read_or_zero (h->dir, file);
          snprintf (file, sizeof file, "hugetlb.%s.failcnt", st.size);
          st.failcnt = read_or_zero (h->dir, file);
        }
      else
        {
          snprintf (file, sizeof file, "hugetlb.%s.current", st.size);
          st.usage = read_or_zero (h->dir, file);
          snprintf (file, sizeof file, "hugetlb.%s.events", st.size);
          events = read_text_or_null (h->dir, file);
          st.failcnt = kv_or_zero (events, "max");
        }
      grown = realloc (s->hugetlb, (s->n_hugetlb + 1) * sizeof *grown);
      if (grown == NULL)
        {
          closedir (d);
          return sk_error_set (err, ENOMEM, "cgroup stats");
        }
      s->hugetlb = grown;
      s->hugetlb[s->n_hugetlb++] = st;
    }
  closedir (d);
  return 0;
}

int
sk_cg_stats_collect (const struct sk_cg_layout *l, struct sk_cg_stats *s, sk_error_t *err)
{
  const struct sk_cg_hier *pids = sk_cg_owner (l, SK_CG_PIDS);

  for (size_t i = 0; i < l->n; i++)
    if (access (l->h[i].dir, F_OK) < 0)
      return sk_error_set (err, errno, "cgroup: %s", l->h[i].dir);
  if (pids != NULL)
    {
      s->pids.current = read_or_zero (pids->dir, "pids.current");
      s->pids.limit = read_or_zero (pids->dir, "pids.max");
      if (s->pids.limit == UINT64_MAX)
        s->pids.limit = 0; /* runc: "max" is no limit, printed as absent */
    }
  if (cpu_stats (l, s, err) < 0 || memory_stats (l, s, err) < 0 || blkio_stats (l, s, err) < 0
      || hugetlb_stats (l, s, err) < 0)
    return -1;
  return 0;
}
