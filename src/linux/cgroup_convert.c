/* OCI values to what the cgroup files take, with runc's conversions so a
 * config means the same thing under both runtimes.  Pure. */
#include "cgroup_internal.h"
#include "stockade/cleanup.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cpu.shares [2, 262144] mapped linearly onto cpu.weight [1, 10000]; the
 * kernel clamps shares to that range, so clamping first keeps 0 < shares < 2
 * from wrapping around. */
uint64_t
sk_cg_shares_to_weight (uint64_t shares)
{
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

/* blkio.weight [10, 1000] onto io.weight [1, 10000]. */
uint64_t
sk_cg_blkio_weight_to_io_weight (uint64_t weight)
{
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  if (weight > 1000)
    weight = 1000;
  return 1 + (weight - 10) * 9999 / 990;
}

/* OCI (and v1) swap is the memory+swap total; v2 limits swap alone. */
int
sk_cg_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, sk_error_t *err)
{
  /* v1 compatibility: an unlimited memory with swap unset means both. */
  if (limit == -1 && swap == 0)
    {
      *out = -1;
      return 0;
    }
  if (swap == -1 || swap == 0)
    {
      *out = swap;
      return 0;
    }
  if (swap < 0)
    return sk_error_set (err, EINVAL, "linux.resources.memory.swap: invalid value %" PRId64, swap);
  if (limit == 0 || limit == -1)
    return sk_error_set (err, EINVAL, "linux.resources.memory.swap: a swap limit needs a memory limit on cgroup v2");
  if (limit < 0)
    return sk_error_set (err, EINVAL, "linux.resources.memory.limit: invalid value %" PRId64, limit);
  if (swap < limit)
    return sk_error_set (err, EINVAL,
                         "linux.resources.memory.swap: %" PRId64 " is below memory.limit %" PRId64
                         " (swap is the memory+swap total)",
                         swap, limit);
  *out = swap - limit;
  return 0;
}

const char *
sk_cg_limit_str (int64_t v, char *buf, size_t size)
{
  if (v == 0)
    return NULL;
  if (v < 0)
    return "max";
  snprintf (buf, size, "%" PRId64, v);
  return buf;
}

int
sk_cg_cpu_max (const sk_opt_i64 *quota, const sk_opt_u64 *period, const char *cur_quota, char *buf, size_t size)
{
  char q[32];
  int n;

  if (quota->set && quota->v != 0)
    {
      if (quota->v > 0)
        snprintf (q, sizeof q, "%" PRId64, quota->v);
      else
        snprintf (q, sizeof q, "max");
    }
  else
    snprintf (q, sizeof q, "%s", cur_quota && *cur_quota ? cur_quota : "max");
  if (period->set && period->v != 0)
    n = snprintf (buf, size, "%s %" PRIu64, q, period->v);
  else
    n = snprintf (buf, size, "%s", q);
  return n < 0 || (size_t) n >= size ? -1 : 0;
}

struct io_dev
{
  int64_t major, minor;
  const char *key[4];
  uint64_t rate[4];
};

static struct io_dev *
io_dev_get (struct io_dev *devs, size_t *n, int64_t major, int64_t minor)
{
  for (size_t i = 0; i < *n; i++)
    if (devs[i].major == major && devs[i].minor == minor)
      return &devs[i];
  devs[*n] = (struct io_dev){ .major = major, .minor = minor };
  return &devs[(*n)++];
}

int
sk_cg_io_max_lines (const struct oci_blkio *b, char ***lines, sk_error_t *err)
{
  static const char *const keys[4] = { "rbps", "wbps", "riops", "wiops" };
  const struct oci_throttle_list *lists[4]
      = { &b->throttle_read_bps, &b->throttle_write_bps, &b->throttle_read_iops, &b->throttle_write_iops };
  size_t total = 0, n = 0;
  cleanup_free struct io_dev *devs = NULL;
  cleanup_strv char **out = NULL;

  for (int k = 0; k < 4; k++)
    total += lists[k]->n;
  devs = calloc (total + 1, sizeof *devs);
  out = calloc (total + 1, sizeof *out);
  if (devs == NULL || out == NULL)
    return sk_error_set (err, ENOMEM, "linux.resources.blockIO");
  for (int k = 0; k < 4; k++)
    for (size_t i = 0; i < lists[k]->n; i++)
      {
        const struct oci_throttle_device *t = &lists[k]->items[i];
        struct io_dev *d = io_dev_get (devs, &n, t->major, t->minor);
        /* A later entry for the same device and key wins, as a later write would. */
        d->key[k] = keys[k];
        d->rate[k] = t->rate;
      }
  for (size_t i = 0; i < n; i++)
    {
      char *line = NULL;
      size_t size = 0;
      FILE *f = open_memstream (&line, &size);
      if (f == NULL)
        return sk_error_set (err, ENOMEM, "linux.resources.blockIO");
      fprintf (f, "%" PRId64 ":%" PRId64, devs[i].major, devs[i].minor);
      for (int k = 0; k < 4; k++)
        if (devs[i].key[k] != NULL)
          {
            /* v1 writes 0 to lift a limit; v2 spells that "max". */
            if (devs[i].rate[k] == 0)
              fprintf (f, " %s=max", devs[i].key[k]);
            else
              fprintf (f, " %s=%" PRIu64, devs[i].key[k], devs[i].rate[k]);
          }
      if (fclose (f) != 0)
        {
          free (line);
          return sk_error_set (err, ENOMEM, "linux.resources.blockIO");
        }
      out[i] = line;
    }
  *lines = steal_pointer (&out);
  return 0;
}

static void
num_or_star (char *buf, size_t size, const sk_opt_i64 *v)
{
  if (v->set && v->v >= 0)
    snprintf (buf, size, "%" PRId64, v->v);
  else
    snprintf (buf, size, "*");
}

int
sk_cg_device_rule_v1 (const struct oci_device_rule *r, char *buf, size_t size)
{
  char major[24], minor[24];
  const char *access = r->access && *r->access ? r->access : "rwm";
  char type = r->type ? r->type : 'a';
  int n;

  if (type != 'a' && type != 'c' && type != 'b')
    return -1;
  if (strspn (access, "rwm") != strlen (access))
    return -1;
  if (type == 'a')
    n = snprintf (buf, size, "a *:* rwm");
  else
    {
      num_or_star (major, sizeof major, &r->major);
      num_or_star (minor, sizeof minor, &r->minor);
      n = snprintf (buf, size, "%c %s:%s %s", type, major, minor, access);
    }
  return n < 0 || (size_t) n >= size ? -1 : 0;
}

bool
sk_cg_hugepage_size_valid (const char *s)
{
  size_t digits = strspn (s, "0123456789");

  if (digits == 0 || s[0] == '0' || digits > 10)
    return false;
  return strcmp (s + digits, "KB") == 0 || strcmp (s + digits, "MB") == 0 || strcmp (s + digits, "GB") == 0;
}

int
sk_cg_hugepage_dir_to_size (const char *dirname, char *buf, size_t size)
{
  const char *p;
  char *end;
  unsigned long long kb;
  int n;

  if (strncmp (dirname, "hugepages-", 10) != 0)
    return -1;
  p = dirname + 10;
  if (!isdigit ((unsigned char) *p))
    return -1;
  errno = 0;
  kb = strtoull (p, &end, 10);
  if (errno != 0 || strcmp (end, "kB") != 0 || kb == 0)
    return -1;
  /* The same rounding as the kernel's hugetlb file names (mem_fmt). */
  if (kb >= 1024ULL * 1024)
    n = snprintf (buf, size, "%lluGB", kb / (1024ULL * 1024));
  else if (kb >= 1024)
    n = snprintf (buf, size, "%lluMB", kb / 1024);
  else
    n = snprintf (buf, size, "%lluKB", kb);
  return n < 0 || (size_t) n >= size ? -1 : 0;
}
