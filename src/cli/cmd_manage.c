/* pause, resume, ps, events, update. */
#include "cli.h"
#include "stockade/cleanup.h"
#include "stockade/manage.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int
help_or_id (int argc, char **argv, const char *usage, sk_error_t *err)
{
  if (argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("usage: stockade %s %s\n", argv[0], usage);
      return CLI_HELP_REQUESTED;
    }
  return cli_expect_args (argc, argv, 1, 1, usage, err);
}

int
cli_pause (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  int r = help_or_id (argc, argv, "CONTAINER_ID", err);
  if (r != 0)
    return r;
  return sk_container_pause (&cli->ctx, argv[1], strcmp (argv[0], "pause") == 0, err);
}

static bool
contains_pid (const pid_t *pids, size_t n, long pid)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Like runc: run the host's `ps` with the given arguments and keep the header
 * plus the lines whose PID column belongs to the container. */
static int
ps_table (const pid_t *pids, size_t n, char **ps_args, sk_error_t *err)
{
  cleanup_free char *cmd = NULL;
  cleanup_free char *line = NULL;
  size_t cap = 0, used = 0;
  int pid_col = -1, status;
  FILE *f;

  /* The arguments go through a shell: only plain option characters. */
  if (ps_args == NULL || ps_args[0] == NULL)
    cmd = strdup ("ps -ef");
  else
    {
      FILE *m = open_memstream (&cmd, &used);
      if (m == NULL)
        return sk_error_set (err, ENOMEM, "ps");
      fputs ("ps", m);
      for (size_t i = 0; ps_args[i] != NULL; i++)
        {
          for (const char *c = ps_args[i]; *c; c++)
            if (!isalnum ((unsigned char) *c) && strchr ("-_,=:", *c) == NULL)
              {
                fclose (m);
                return sk_error_set (err, 0, "ps: unsupported character in argument \"%s\"", ps_args[i]);
              }
          fprintf (m, " %s", ps_args[i]);
        }
      fclose (m);
    }
  if (cmd == NULL)
    return sk_error_set (err, ENOMEM, "ps");
  f = popen (cmd, "re");
  if (f == NULL)
    return sk_error_set (err, errno, "ps: run `%s`", cmd);
  while (getline (&line, &cap, f) > 0)
    {
      cleanup_free char *copy = strdup (line);
      char *save = NULL, *tok;
      int col = 0;

      if (copy == NULL)
        break;
      if (pid_col < 0)
        {
          for (tok = strtok_r (copy, " \t\n", &save); tok; tok = strtok_r (NULL, " \t\n", &save), col++)
            if (strcmp (tok, "PID") == 0)
              pid_col = col;
          fputs (line, stdout);
          if (pid_col < 0)
            break;
          continue;
        }
      for (tok = strtok_r (copy, " \t\n", &save); tok && col < pid_col; tok = strtok_r (NULL, " \t\n", &save))
        col++;
      if (tok != NULL && contains_pid (pids, n, strtol (tok, NULL, 10)))
        fputs (line, stdout);
    }
  status = pclose (f);
  if (pid_col < 0)
    return sk_error_set (err, 0, "ps: no PID column in the output of `%s`", cmd);
  if (status != 0)
    return sk_error_set (err, 0, "ps: `%s` failed", cmd);
  return 0;
}

static const struct option ps_options[] = {
  { "format", required_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cli_ps (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  const char *format = "table";
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  int c;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "+f:h", ps_options, NULL)) != -1)
    switch (c)
      {
      case 'f': format = optarg; break;
      case 'h': printf ("usage: stockade ps [--format table|json] CONTAINER_ID [PS_ARGS...]\n"); return CLI_HELP_REQUESTED;
      default: return sk_error_set (err, 0, "ps: unknown or incomplete option `%s`", argv[optind - 1]);
      }
  if (optind >= argc)
    return sk_error_set (err, 0, "ps: expected CONTAINER_ID");
  if (strcmp (format, "json") != 0 && strcmp (format, "table") != 0)
    return sk_error_set (err, 0, "ps: --format must be table or json, not \"%s\"", format);
  if (sk_container_pids (&cli->ctx, argv[optind], &pids, &n, err) < 0)
    return -1;
  if (strcmp (format, "json") == 0)
    {
      printf ("[");
      for (size_t i = 0; i < n; i++)
        printf ("%s%d", i ? "," : "", pids[i]);
      printf ("]\n");
      return fflush (stdout) == 0 ? 0 : sk_error_set (err, errno, "write to stdout");
    }
  fflush (stdout);
  return ps_table (pids, n, argv + optind + 1, err);
}

static const struct option events_options[] = {
  { "stats", no_argument, NULL, 's' },
  { "interval", required_argument, NULL, 'i' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cli_events (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  bool once = false;
  long interval = 5;
  int c;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "+h", events_options, NULL)) != -1)
    switch (c)
      {
      case 's': once = true; break;
      case 'i':
        {
          char *end;
          interval = strtol (optarg, &end, 10);
          /* runc takes a duration such as 5s; bare numbers are seconds. */
          if (interval <= 0 || (*end != '\0' && strcmp (end, "s") != 0))
            return sk_error_set (err, 0, "events: --interval must be a number of seconds, not \"%s\"", optarg);
          break;
        }
      case 'h':
        printf ("usage: stockade events [--stats] [--interval SECONDS] CONTAINER_ID\n");
        return CLI_HELP_REQUESTED;
      default: return sk_error_set (err, 0, "events: unknown or incomplete option `%s`", argv[optind - 1]);
      }
  if (cli_expect_args (argc, argv, optind, 1, "CONTAINER_ID", err) < 0)
    return -1;
  for (;;)
    {
      cleanup_free char *json = NULL;
      if (sk_container_stats (&cli->ctx, argv[optind], &json, err) < 0)
        return once ? -1 : 0; /* a stream ends quietly when the container goes away */
      if (cli_print (json, err) < 0)
        return -1;
      if (once)
        return 0;
      sleep ((unsigned int) interval);
    }
}
