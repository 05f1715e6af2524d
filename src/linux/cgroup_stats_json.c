/* The "data" object of runc's `events --stats`, shaped like runc's
 * types.Stats as Go's encoding/json prints it: fields tagged omitempty
 * vanish when zero, nested structs never do, map keys are sorted.  Pure. */
#include "cgroup_internal.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

static void
key (yajl_gen g, const char *k)
{
  yajl_gen_string (g, (const unsigned char *) k, strlen (k));
}

static void
num (yajl_gen g, uint64_t v)
{
  char buf[24];
  int n = snprintf (buf, sizeof buf, "%" PRIu64, v);
  yajl_gen_number (g, buf, (size_t) n);
}

static void
kv (yajl_gen g, const char *k, uint64_t v)
{
  key (g, k);
  num (g, v);
}

/* `json:"k,omitempty"` */
static void
kv_omit (yajl_gen g, const char *k, uint64_t v)
{
  if (v != 0)
    kv (g, k, v);
}

static void
cpu_json (yajl_gen g, const struct sk_cg_stats *s)
{
  key (g, "cpu");
  yajl_gen_map_open (g);
  key (g, "usage");
  yajl_gen_map_open (g);
  kv_omit (g, "total", s->cpu.total);
  if (s->cpu.n_percpu > 0)
    {
      key (g, "percpu");
      yajl_gen_array_open (g);
      for (size_t i = 0; i < s->cpu.n_percpu; i++)
        num (g, s->cpu.percpu[i]);
      yajl_gen_array_close (g);
    }
  kv (g, "kernel", s->cpu.kernel);
  kv (g, "user", s->cpu.user);
  yajl_gen_map_close (g);
  key (g, "throttling");
  yajl_gen_map_open (g);
  kv_omit (g, "periods", s->cpu.periods);
  kv_omit (g, "throttledPeriods", s->cpu.throttled_periods);
  kv_omit (g, "throttledTime", s->cpu.throttled_time);
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
}

static void
mem_entry (yajl_gen g, const char *k, const struct sk_cg_mem_entry *e)
{
  key (g, k);
  yajl_gen_map_open (g);
  kv (g, "limit", e->limit);
  kv_omit (g, "usage", e->usage);
  kv_omit (g, "max", e->max);
  kv (g, "failcnt", e->failcnt);
  yajl_gen_map_close (g);
}

static int
kv_cmp (const void *a, const void *b)
{
  return strcmp ((*(const struct oci_kv *const *) a)->key, (*(const struct oci_kv *const *) b)->key);
}

static int
memory_json (yajl_gen g, const struct sk_cg_stats *s)
{
  cleanup_free const struct oci_kv **sorted = NULL;
  size_t n = 0;

  key (g, "memory");
  yajl_gen_map_open (g);
  kv_omit (g, "cache", s->memory.cache);
  mem_entry (g, "usage", &s->memory.usage);
  mem_entry (g, "swap", &s->memory.swap);
  mem_entry (g, "kernel", &s->memory.kernel);
  mem_entry (g, "kernelTCP", &s->memory.kernel_tcp);
  if (s->memory.n_raw > 0)
    {
      sorted = calloc (s->memory.n_raw, sizeof *sorted);
      if (sorted == NULL)
        return -1;
      /* Only plain counters: a number token must stay a JSON number. */
      for (size_t i = 0; i < s->memory.n_raw; i++)
        if (s->memory.raw[i].value[0] != '\0'
            && s->memory.raw[i].value[strspn (s->memory.raw[i].value, "0123456789")] == '\0')
          sorted[n++] = &s->memory.raw[i];
      qsort (sorted, n, sizeof *sorted, kv_cmp);
    }
  if (n > 0)
    {
      key (g, "raw");
      yajl_gen_map_open (g);
      for (size_t i = 0; i < n; i++)
        {
          key (g, sorted[i]->key);
          yajl_gen_number (g, sorted[i]->value, strlen (sorted[i]->value));
        }
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
  return 0;
}

static void
blkio_list (yajl_gen g, const char *k, const struct sk_cg_blkio_entry *v, size_t n)
{
  if (n == 0)
    return;
  key (g, k);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    {
      yajl_gen_map_open (g);
      kv_omit (g, "major", v[i].major);
      kv_omit (g, "minor", v[i].minor);
      if (v[i].op != NULL && *v[i].op)
        {
          key (g, "op");
          key (g, v[i].op);
        }
      kv_omit (g, "value", v[i].value);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
}

static int
size_cmp (const void *a, const void *b)
{
  return strcmp ((*(const struct sk_cg_hugetlb_stat *const *) a)->size,
                 (*(const struct sk_cg_hugetlb_stat *const *) b)->size);
}

static int
hugetlb_json (yajl_gen g, const struct sk_cg_stats *s)
{
  cleanup_free const struct sk_cg_hugetlb_stat **sorted = calloc (s->n_hugetlb + 1, sizeof *sorted);

  if (sorted == NULL)
    return -1;
  for (size_t i = 0; i < s->n_hugetlb; i++)
    sorted[i] = &s->hugetlb[i];
  qsort (sorted, s->n_hugetlb, sizeof *sorted, size_cmp);
  key (g, "hugetlb");
  yajl_gen_map_open (g);
  for (size_t i = 0; i < s->n_hugetlb; i++)
    {
      key (g, sorted[i]->size);
      yajl_gen_map_open (g);
      kv_omit (g, "usage", sorted[i]->usage);
      kv_omit (g, "max", sorted[i]->max);
      kv (g, "failcnt", sorted[i]->failcnt);
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
  return 0;
}

int
sk_cg_stats_to_json (const struct sk_cg_stats *s, char **json, size_t *len, sk_error_t *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t blen;
  int r = 0;

  if (g == NULL)
    return sk_error_set (err, ENOMEM, "cgroup stats");
  yajl_gen_map_open (g);
  cpu_json (g, s);
  if (memory_json (g, s) < 0)
    r = -1;
  key (g, "pids");
  yajl_gen_map_open (g);
  kv_omit (g, "current", s->pids.current);
  kv_omit (g, "limit", s->pids.limit);
  yajl_gen_map_close (g);
  key (g, "blkio");
  yajl_gen_map_open (g);
  blkio_list (g, "ioServiceBytesRecursive", s->blkio.service_bytes, s->blkio.n_service_bytes);
  blkio_list (g, "ioServicedRecursive", s->blkio.serviced, s->blkio.n_serviced);
  yajl_gen_map_close (g);
  if (r == 0 && hugetlb_json (g, s) < 0)
    r = -1;
  yajl_gen_map_close (g);
  if (r == 0 && yajl_gen_get_buf (g, &buf, &blen) == yajl_gen_status_ok)
    {
      *json = strndup ((const char *) buf, blen);
      *len = blen;
    }
  else
    *json = NULL;
  yajl_gen_free (g);
  if (*json == NULL)
    return sk_error_set (err, ENOMEM, "cgroup stats: JSON");
  return 0;
}
