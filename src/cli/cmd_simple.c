/* Verbs that take one container id and a few flags: start, state, kill, delete. */
#include "cli.h"
#include "stockade/cleanup.h"
#include "stockade/signals.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const struct option help_only[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

#define PARSED_HELP (-2)

/* Parse a verb that only knows --help; returns optind, PARSED_HELP, or -1. */
static int
parse_help_only (int argc, char **argv, const char *usage, sk_error_t *err)
{
  int c;
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+h", help_only, NULL)) != -1)
    {
      if (c == 'h')
        {
          printf ("usage: stockade %s %s\n", argv[0], usage);
          return PARSED_HELP;
        }
      return sk_error_set (err, 0, "%s: unknown option `%s`", argv[0], argv[optind - 1]);
    }
  return optind;
}

int
cli_start (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  int first = parse_help_only (argc, argv, "CONTAINER_ID", err);
  if (first == PARSED_HELP)
    return CLI_HELP_REQUESTED;
  if (first < 0 || cli_expect_args (argc, argv, first, 1, "CONTAINER_ID", err) < 0)
    return -1;
  return sk_container_start (&cli->ctx, argv[first], err);
}

int
cli_state (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  struct sk_container_info info = { 0 };
  cleanup_free char *json = NULL;
  size_t len;
  int first = parse_help_only (argc, argv, "CONTAINER_ID", err), r;

  if (first == PARSED_HELP)
    return CLI_HELP_REQUESTED;
  if (first < 0 || cli_expect_args (argc, argv, first, 1, "CONTAINER_ID", err) < 0)
    return -1;
  r = sk_container_info (&cli->ctx, argv[first], &info, err);
  if (r == 0)
    r = sk_state_render (info.state, info.status, true, &json, &len, err);
  sk_container_info_clear (&info);
  if (r < 0)
    return -1;
  if (cli_print (json, err) < 0 || cli_print ("\n", err) < 0)
    return -1;
  return 0;
}

static const struct option kill_options[] = {
  { "all", no_argument, NULL, 'a' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cli_kill (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  bool all = false;
  int sig = SIGTERM, c, nargs;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "ah", kill_options, NULL)) != -1)
    switch (c)
      {
      case 'a': all = true; break;
      case 'h': printf ("usage: stockade kill [--all] CONTAINER_ID [SIGNAL]\n"); return CLI_HELP_REQUESTED;
      default: return sk_error_set (err, 0, "kill: unknown option `%s`", argv[optind - 1]);
      }
  nargs = argc - optind;
  if (nargs != 1 && nargs != 2)
    return sk_error_set (err, 0, "kill: expected CONTAINER_ID [SIGNAL]");
  if (nargs == 2 && sk_signal_parse (argv[optind + 1], &sig, err) < 0)
    return -1;
  return sk_container_kill (&cli->ctx, argv[optind], sig, all, err);
}

static const struct option delete_options[] = {
  { "force", no_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cli_delete (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  bool force = false;
  int c;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "fh", delete_options, NULL)) != -1)
    switch (c)
      {
      case 'f': force = true; break;
      case 'h': printf ("usage: stockade delete [--force] CONTAINER_ID\n"); return CLI_HELP_REQUESTED;
      default: return sk_error_set (err, 0, "delete: unknown option `%s`", argv[optind - 1]);
      }
  if (cli_expect_args (argc, argv, optind, 1, "CONTAINER_ID", err) < 0)
    return -1;
  return sk_container_delete (&cli->ctx, argv[optind], force, err);
}
