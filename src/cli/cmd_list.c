#include "cli.h"
#include "stockade/cleanup.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const struct option list_options[] = {
  { "format", required_argument, NULL, 'f' },
  { "quiet", no_argument, NULL, 'q' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static void
infos_free (struct sk_container_info *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    sk_container_info_clear (&v[i]);
  free (v);
}

/* runc's table: tab-aligned columns ID PID STATUS BUNDLE CREATED OWNER. */
static int
print_table (const struct sk_container_info *v, size_t n, sk_error_t *err)
{
  size_t w_id = 2, w_status = 6, w_bundle = 6;

  for (size_t i = 0; i < n; i++)
    {
      const struct sk_state *s = v[i].state;
      size_t l;
      if ((l = strlen (s->id)) > w_id)
        w_id = l;
      if ((l = strlen (v[i].status)) > w_status)
        w_status = l;
      if (s->bundle && (l = strlen (s->bundle)) > w_bundle)
        w_bundle = l;
    }
  printf ("%-*s   %-8s   %-*s   %-*s   %-30s   %s\n", (int) w_id, "ID", "PID", (int) w_status, "STATUS",
          (int) w_bundle, "BUNDLE", "CREATED", "OWNER");
  for (size_t i = 0; i < n; i++)
    {
      const struct sk_state *s = v[i].state;
      bool stopped = strcmp (v[i].status, "stopped") == 0;
      printf ("%-*s   %-8d   %-*s   %-*s   %-30s   %s\n", (int) w_id, s->id, stopped ? 0 : s->pid, (int) w_status,
              v[i].status, (int) w_bundle, s->bundle ? s->bundle : "", s->created ? s->created : "",
              s->owner && *s->owner ? s->owner : "root");
    }
  if (fflush (stdout) != 0)
    return sk_error_set (err, 0, "write to stdout");
  return 0;
}

static int
print_json (const struct sk_container_info *v, size_t n, sk_error_t *err)
{
  cleanup_free struct sk_state **states = calloc (n + 1, sizeof *states);
  cleanup_free const char **statuses = calloc (n + 1, sizeof *statuses);
  cleanup_free char *json = NULL;
  size_t len;

  if (states == NULL || statuses == NULL)
    return sk_error_set (err, ENOMEM, "list");
  for (size_t i = 0; i < n; i++)
    {
      states[i] = v[i].state;
      statuses[i] = v[i].status;
    }
  if (sk_state_render_list (states, statuses, n, &json, &len, err) < 0)
    return -1;
  return cli_print (json, err);
}

int
cli_list (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  const char *format = "table";
  bool quiet = false;
  struct sk_container_info *v = NULL;
  size_t n = 0;
  int c, r;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "f:qh", list_options, NULL)) != -1)
    switch (c)
      {
      case 'f': format = optarg; break;
      case 'q': quiet = true; break;
      case 'h': printf ("usage: stockade list [--format table|json] [--quiet]\n"); return CLI_HELP_REQUESTED;
      default: return sk_error_set (err, 0, "list: unknown or incomplete option `%s`", argv[optind - 1]);
      }
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return sk_error_set (err, 0, "list: --format must be table or json, not \"%s\"", format);
  if (cli_expect_args (argc, argv, optind, 0, "list [OPTIONS]", err) < 0)
    return -1;
  if (sk_container_list (&cli->ctx, &v, &n, err) < 0)
    return -1;
  if (quiet)
    {
      for (size_t i = 0; i < n; i++)
        printf ("%s\n", v[i].state->id);
      r = fflush (stdout) == 0 ? 0 : sk_error_set (err, 0, "write to stdout");
    }
  else if (strcmp (format, "json") == 0)
    r = print_json (v, n, err);
  else
    r = print_table (v, n, err);
  infos_free (v, n);
  return r;
}
