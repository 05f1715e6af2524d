/* update: new limits for a running container, from -r FILE (the
 * linux.resources object) or from runc's flags.  Both become the same JSON
 * and go through the config parser, so every value is validated once. */
#include "cli.h"
#include "stockade/cleanup.h"
#include "stockade/manage.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum
{
  OPT_BLKIO_WEIGHT = 256,
  OPT_CPU_PERIOD,
  OPT_CPU_QUOTA,
  OPT_CPU_SHARE,
  OPT_CPU_RT_PERIOD,
  OPT_CPU_RT_RUNTIME,
  OPT_CPUSET_CPUS,
  OPT_CPUSET_MEMS,
  OPT_MEMORY,
  OPT_MEMORY_RESERVATION,
  OPT_MEMORY_SWAP,
  OPT_PIDS_LIMIT,
  OPT_KERNEL_MEMORY,
};

/* Each flag: its JSON location under linux.resources and its value kind. */
static const struct
{
  int opt;
  const char *object, *key;
  enum { V_INT, V_BYTES, V_STRING } kind;
} flag_table[] = {
  { OPT_BLKIO_WEIGHT, "blockIO", "weight", V_INT },
  { OPT_CPU_PERIOD, "cpu", "period", V_INT },
  { OPT_CPU_QUOTA, "cpu", "quota", V_INT },
  { OPT_CPU_SHARE, "cpu", "shares", V_INT },
  { OPT_CPU_RT_PERIOD, "cpu", "realtimePeriod", V_INT },
  { OPT_CPU_RT_RUNTIME, "cpu", "realtimeRuntime", V_INT },
  { OPT_CPUSET_CPUS, "cpu", "cpus", V_STRING },
  { OPT_CPUSET_MEMS, "cpu", "mems", V_STRING },
  { OPT_MEMORY, "memory", "limit", V_BYTES },
  { OPT_MEMORY_RESERVATION, "memory", "reservation", V_BYTES },
  { OPT_MEMORY_SWAP, "memory", "swap", V_BYTES },
  { OPT_PIDS_LIMIT, "pids", "limit", V_INT },
  { OPT_KERNEL_MEMORY, "memory", "kernel", V_BYTES },
};

static const struct option update_options[] = {
  { "resources", required_argument, NULL, 'r' },
  { "blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT },
  { "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
  { "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
  { "cpu-share", required_argument, NULL, OPT_CPU_SHARE },
  { "cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD },
  { "cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME },
  { "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
  { "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
  { "memory", required_argument, NULL, OPT_MEMORY },
  { "memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION },
  { "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
  { "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
  { "kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* "512m", "1g", "1024", "-1" -> bytes (runc accepts the same units). */
static int
parse_bytes (const char *s, long long *out)
{
  static const struct { char suffix; long long mult; } units[] = {
    { 'b', 1 }, { 'k', 1LL << 10 }, { 'm', 1LL << 20 }, { 'g', 1LL << 30 }, { 't', 1LL << 40 },
  };
  char *end;
  long long v;

  errno = 0;
  v = strtoll (s, &end, 10);
  if (errno != 0 || end == s)
    return -1;
  if (*end == '\0')
    {
      *out = v;
      return 0;
    }
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strcasecmp (end, (char[]){ units[i].suffix, '\0' }) == 0
        || (strlen (end) == 2 && tolower ((unsigned char) end[0]) == units[i].suffix && tolower ((unsigned char) end[1]) == 'b'))
      {
        *out = v * units[i].mult;
        return 0;
      }
  return -1;
}

static const char *
flag_name (int opt);

static int
append_flag (FILE *objects[], const char *const names[], size_t n_obj, int opt, const char *arg, sk_error_t *err)
{
  for (size_t i = 0; i < sizeof flag_table / sizeof flag_table[0]; i++)
    {
      long long v;
      char *end;
      if (flag_table[i].opt != opt)
        continue;
      for (size_t o = 0; o < n_obj; o++)
        {
          if (strcmp (names[o], flag_table[i].object) != 0)
            continue;
          if (ftell (objects[o]) > 0)
            fputc (',', objects[o]);
          switch (flag_table[i].kind)
            {
            case V_STRING:
              if (strpbrk (arg, "\"\\") != NULL)
                return sk_error_set (err, 0, "update: --%s: invalid value \"%s\"", flag_name (opt), arg);
              fprintf (objects[o], "\"%s\":\"%s\"", flag_table[i].key, arg);
              return 0;
            case V_BYTES:
              if (parse_bytes (arg, &v) < 0)
                return sk_error_set (err, 0, "update: --%s: invalid size \"%s\"", flag_name (opt), arg);
              fprintf (objects[o], "\"%s\":%lld", flag_table[i].key, v);
              return 0;
            case V_INT:
              errno = 0;
              v = strtoll (arg, &end, 10);
              if (errno || *end || end == arg)
                return sk_error_set (err, 0, "update: --%s: invalid number \"%s\"", flag_name (opt), arg);
              fprintf (objects[o], "\"%s\":%lld", flag_table[i].key, v);
              return 0;
            }
        }
    }
  return sk_error_set (err, 0, "update: unknown option");
}

static const char *
flag_name (int opt)
{
  for (size_t i = 0; update_options[i].name != NULL; i++)
    if (update_options[i].val == opt)
      return update_options[i].name;
  return "?";
}

/* Wrap a linux.resources object into a minimal config to reuse its parser. */
static int
parse_resources (const char *resources_json, struct oci_config **c, sk_error_t *err)
{
  cleanup_free char *doc = NULL;

  if (asprintf (&doc, "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"linux\":{\"resources\":%s}}",
                resources_json) < 0)
    return sk_error_set (err, ENOMEM, "update");
  if (oci_config_parse_data (doc, strlen (doc), c, err) < 0)
    return sk_error_wrap (err, "update");
  return 0;
}

/* cleanup_free on an array would free only its first element. */
static void
free_flag_bufs (char *(*bufs)[4])
{
  for (size_t i = 0; i < 4; i++)
    free ((*bufs)[i]);
}

int
cli_update (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  static const char *const names[] = { "memory", "cpu", "pids", "blockIO" };
  __attribute__ ((cleanup (free_flag_bufs))) char *bufs[4] = { NULL, NULL, NULL, NULL };
  cleanup_free char *json = NULL;
  cleanup_config struct oci_config *c = NULL;
  size_t sizes[4] = { 0 };
  FILE *objects[4];
  const char *file = NULL;
  int ch, r = 0;

  for (size_t i = 0; i < 4; i++)
    if ((objects[i] = open_memstream (&bufs[i], &sizes[i])) == NULL)
      {
        while (i > 0)
          fclose (objects[--i]);
        return sk_error_set (err, errno, "update: open_memstream");
      }
  opterr = 0;
  while (r == 0 && (ch = getopt_long (argc, argv, "+r:h", update_options, NULL)) != -1)
    switch (ch)
      {
      case 'r': file = optarg; break;
      case 'h':
        printf ("usage: stockade update [-r FILE | --memory N --cpu-quota N --pids-limit N ...] CONTAINER_ID\n");
        r = CLI_HELP_REQUESTED;
        break;
      case '?': r = sk_error_set (err, 0, "update: unknown or incomplete option `%s`", argv[optind - 1]); break;
      default: r = append_flag (objects, names, 4, ch, optarg, err); break;
      }
  for (size_t i = 0; i < 4; i++)
    fclose (objects[i]);
  if (r != 0)
    return r;
  if (cli_expect_args (argc, argv, optind, 1, "CONTAINER_ID", err) < 0)
    return -1;
  if (file != NULL)
    {
      cleanup_file FILE *f = strcmp (file, "-") == 0 ? NULL : fopen (file, "re");
      size_t len = 0, size = 0;
      FILE *src = strcmp (file, "-") == 0 ? stdin : f;
      FILE *m;
      if (src == NULL)
        return sk_error_set (err, errno, "update: -r `%s`", file);
      m = open_memstream (&json, &size);
      if (m == NULL)
        return sk_error_set (err, errno, "update: open_memstream");
      for (int b; (b = fgetc (src)) != EOF;)
        fputc (b, m), len++;
      fclose (m);
    }
  else if (asprintf (&json, "{\"memory\":{%s},\"cpu\":{%s},\"pids\":{%s},\"blockIO\":{%s}}", bufs[0] ? bufs[0] : "",
                     bufs[1] ? bufs[1] : "", bufs[2] ? bufs[2] : "", bufs[3] ? bufs[3] : "") < 0)
    return sk_error_set (err, ENOMEM, "update");
  if (parse_resources (json, &c, err) < 0)
    return -1;
  return sk_container_update (&cli->ctx, argv[optind], c->linux_cfg->resources, err);
}
