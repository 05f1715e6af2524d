#include "cli.h"
#include "runtime/exec.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum
{
  OPT_CONSOLE_SOCKET = 256,
  OPT_PID_FILE,
  OPT_CWD,
  OPT_ADDITIONAL_GIDS,
  OPT_NO_NEW_PRIVS,
  OPT_APPARMOR,
  OPT_PROCESS_LABEL,
  OPT_PRESERVE_FDS,
  OPT_IGNORE_PAUSED,
  OPT_CGROUP,
};

static const struct option exec_options[] = {
  { "process", required_argument, NULL, 'p' },
  { "tty", no_argument, NULL, 't' },
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
  { "detach", no_argument, NULL, 'd' },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "env", required_argument, NULL, 'e' },
  { "cwd", required_argument, NULL, OPT_CWD },
  { "user", required_argument, NULL, 'u' },
  { "additional-gids", required_argument, NULL, OPT_ADDITIONAL_GIDS },
  { "cap", required_argument, NULL, 'c' },
  { "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
  { "apparmor", required_argument, NULL, OPT_APPARMOR },
  { "process-label", required_argument, NULL, OPT_PROCESS_LABEL },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
  { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
  { "cgroup", required_argument, NULL, OPT_CGROUP }, /* runc compat: accepted */
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

struct exec_lists
{
  char **env, **caps, **gids;
};

static void
exec_lists_free (struct exec_lists *l)
{
  sk_strv_free (l->env);
  sk_strv_free (l->caps);
  sk_strv_free (l->gids);
}

static int
push (char ***v, const char *s, sk_error_t *err)
{
  size_t n = sk_strv_len (*v);
  char **nv = realloc (*v, (n + 2) * sizeof *nv);
  if (nv == NULL)
    return sk_error_set (err, ENOMEM, "exec");
  *v = nv;
  nv[n] = strdup (s);
  nv[n + 1] = NULL;
  return nv[n] ? 0 : sk_error_set (err, ENOMEM, "exec");
}

static void
usage (void)
{
  printf ("usage: stockade exec [OPTIONS] CONTAINER_ID [COMMAND [ARGS...]]\n\n"
          "  -p, --process FILE       process.json describing the process (replaces COMMAND and the flags below)\n"
          "  -t, --tty                allocate a pty\n"
          "  --console-socket PATH    send the pty master to this unix socket\n"
          "  -d, --detach             do not wait for the process\n"
          "  --pid-file FILE          write the process's pid to FILE\n"
          "  -e, --env KEY=VALUE      add or replace an environment variable (repeatable)\n"
          "  --cwd DIR                working directory inside the container\n"
          "  -u, --user UID[:GID]     numeric user and group\n"
          "  --additional-gids GID    supplementary group (repeatable)\n"
          "  -c, --cap CAP            add a capability (repeatable)\n"
          "  --no-new-privs           set no_new_privs\n"
          "  --apparmor PROFILE       AppArmor profile\n"
          "  --process-label LABEL    SELinux label\n"
          "  --preserve-fds N         pass fds 3..3+N-1\n"
          "  --ignore-paused          allow exec into a paused container\n");
}

static int
parse (int argc, char **argv, struct sk_exec_opts *o, struct exec_lists *l, sk_error_t *err)
{
  int c;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "+p:tde:u:c:h", exec_options, NULL)) != -1)
    switch (c)
      {
      case 'p': o->process_file = optarg; break;
      case 't': o->tty = true; break;
      case OPT_CONSOLE_SOCKET: o->console_socket = optarg; break;
      case 'd': o->detach = true; break;
      case OPT_PID_FILE: o->pid_file = optarg; break;
      case 'e': if (push (&l->env, optarg, err) < 0) return -1; break;
      case OPT_CWD: o->cwd = optarg; break;
      case 'u': o->user = optarg; break;
      case OPT_ADDITIONAL_GIDS:
        {
          cleanup_free char *copy = strdup (optarg);
          char *save = NULL;
          for (char *g = copy ? strtok_r (copy, ",", &save) : NULL; g; g = strtok_r (NULL, ",", &save))
            if (push (&l->gids, g, err) < 0)
              return -1;
          break;
        }
      case 'c': if (push (&l->caps, optarg, err) < 0) return -1; break;
      case OPT_NO_NEW_PRIVS: o->no_new_privs = true; break;
      case OPT_APPARMOR: o->apparmor = optarg; break;
      case OPT_PROCESS_LABEL: o->process_label = optarg; break;
      case OPT_PRESERVE_FDS:
        if (cli_parse_preserve_fds (optarg, &o->preserve_fds, err) < 0)
          return -1;
        break;
      case OPT_IGNORE_PAUSED: o->ignore_paused = true; break;
      case OPT_CGROUP: break;
      case 'h': usage (); return CLI_HELP_REQUESTED;
      default: return sk_error_set (err, 0, "exec: unknown or incomplete option `%s`", argv[optind - 1]);
      }
  o->env = l->env;
  o->caps = l->caps;
  o->additional_gids = l->gids;
  return 0;
}

int
cli_exec (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  struct sk_exec_opts o = { 0 };
  struct exec_lists l = { 0 };
  char cwd[PATH_MAX];
  cleanup_free char *pid_file = NULL;
  int r, exit_code = 0;

  r = parse (argc, argv, &o, &l, err);
  if (r == 0 && optind >= argc)
    r = sk_error_set (err, 0, "exec: expected CONTAINER_ID [COMMAND...]");
  if (r == 0 && o.process_file == NULL && optind + 1 >= argc)
    r = sk_error_set (err, 0, "exec: a COMMAND or --process is required");
  if (r == 0)
    {
      /* Like runc, a relative --pid-file is relative to where we were called. */
      if (o.pid_file && o.pid_file[0] != '/' && getcwd (cwd, sizeof cwd) && asprintf (&pid_file, "%s/%s", cwd, o.pid_file) > 0)
        o.pid_file = pid_file;
      o.args = argv + optind + 1;
      r = sk_container_exec (&cli->ctx, argv[optind], &o, &exit_code, err);
    }
  exec_lists_free (&l);
  if (r == CLI_HELP_REQUESTED)
    return r;
  return r < 0 ? -1 : exit_code;
}
