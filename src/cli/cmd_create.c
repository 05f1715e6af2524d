/* create and run share their flags (run adds --detach). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum
{
  OPT_PID_FILE = 256,
  OPT_CONSOLE_SOCKET,
  OPT_NO_PIVOT,
  OPT_NO_NEW_KEYRING,
  OPT_PRESERVE_FDS,
  OPT_NO_SUBREAPER,
  OPT_KEEP,
};

static const struct option create_options[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
  { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
  { "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
  { "detach", no_argument, NULL, 'd' },
  { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER }, /* runc compat */
  { "keep", no_argument, NULL, OPT_KEEP },                 /* runc compat */
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static void
usage (const char *verb)
{
  printf ("usage: stockade %s [OPTIONS] CONTAINER_ID\n\n"
          "  -b, --bundle DIR        OCI bundle (default: current directory)\n"
          "  --pid-file FILE         write the container init's pid to FILE\n"
          "  --console-socket PATH   unix socket that receives the pty master\n"
          "  --no-pivot              use MS_MOVE + chroot instead of pivot_root\n"
          "  --no-new-keyring        keep the caller's session keyring\n"
          "  --preserve-fds N        pass fds 3..3+N-1 to the container\n",
          verb);
  if (verb[0] == 'r')
    printf ("  -d, --detach            do not wait for the container\n");
}

static int
parse_create_flags (bool run, int argc, char **argv, struct sk_create_opts *o, sk_error_t *err)
{
  int c;

  while ((c = getopt_long (argc, argv, run ? "+b:dh" : "+b:h", create_options, NULL)) != -1)
    switch (c)
      {
      case 'b': o->bundle = optarg; break;
      case OPT_PID_FILE: o->pid_file = optarg; break;
      case OPT_CONSOLE_SOCKET: o->console_socket = optarg; break;
      case OPT_NO_PIVOT: o->no_pivot = true; break;
      case OPT_NO_NEW_KEYRING: o->no_new_keyring = true; break;
      case OPT_NO_SUBREAPER:
      case OPT_KEEP: break;
      case OPT_PRESERVE_FDS:
        if (cli_parse_preserve_fds (optarg, &o->preserve_fds, err) < 0)
          return -1;
        break;
      case 'd':
        if (!run)
          return sk_error_set (err, 0, "create: unknown option -d");
        o->detach = true;
        break;
      case 'h': usage (argv[0]); return CLI_HELP_REQUESTED;
      default: return sk_error_set (err, 0, "%s: unknown or incomplete option `%s`", argv[0], argv[optind - 1]);
      }
  return 0;
}

/* runc writes the pid file relative to where it was called from. */
static char *
absolute_pid_file (const char *path)
{
  char cwd[PATH_MAX];
  char *out = NULL;
  if (path == NULL || path[0] == '/' || getcwd (cwd, sizeof cwd) == NULL)
    return NULL;
  if (asprintf (&out, "%s/%s", cwd, path) < 0)
    return NULL;
  return out;
}

static int
create_or_run (struct sk_cli *cli, bool run, int argc, char **argv, sk_error_t *err)
{
  struct sk_create_opts o = { 0 };
  char *pid_file_abs;
  int r, exit_code = 0;

  opterr = 0;
  r = parse_create_flags (run, argc, argv, &o, err);
  if (r != 0)
    return r;
  if (cli_expect_args (argc, argv, optind, 1, "CONTAINER_ID", err) < 0)
    return -1;
  pid_file_abs = absolute_pid_file (o.pid_file);
  if (pid_file_abs != NULL)
    o.pid_file = pid_file_abs;
  if (!run)
    {
      r = sk_container_create (&cli->ctx, argv[optind], &o, err);
    }
  else
    r = sk_container_run (&cli->ctx, argv[optind], &o, &exit_code, err);
  free (pid_file_abs);
  if (r < 0)
    return -1;
  return exit_code;
}

int
cli_create (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  return create_or_run (cli, false, argc, argv, err);
}

int
cli_run (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  return create_or_run (cli, true, argc, argv, err);
}
