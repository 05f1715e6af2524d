#include "cli.h"
#include "stockade-config.h"
#include "stockade/cleanup.h"
#include "stockade/linux/sealed_exe.h"
#include "stockade/log.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static const struct
{
  const char *name;
  sk_cli_verb fn;
  const char *summary;
} verbs[] = {
  { "create", cli_create, "create a container from a bundle; it waits for `start`" },
  { "start", cli_start, "run the user process of a created container" },
  { "run", cli_run, "create and start a container" },
  { "exec", cli_exec, "run a new process inside a running container" },
  { "state", cli_state, "print the state of a container as JSON" },
  { "list", cli_list, "list the containers under --root" },
  { "kill", cli_kill, "send a signal to a container's init (or all its processes)" },
  { "delete", cli_delete, "delete a container and everything it owned" },
  { "ps", cli_ps, "list the processes of a container" },
  { "pause", cli_pause, "freeze every process of a container" },
  { "resume", cli_pause, "thaw a paused container" },
  { "events", cli_events, "print resource statistics (--stats once, else every --interval)" },
  { "update", cli_update, "change the resource limits of a running container" },
  { "check", cli_check, "show what a profile would clamp or refuse in a bundle, starting nothing" },
  { "profile", cli_profile, "profile show NAME | profile lint FILE" },
  { "spec", cli_spec, "write a hardened default config.json" },
  { "features", cli_features, "print the runtime's OCI features document" },
  { "checkpoint", cli_unsupported, "not supported (no CRIU)" },
  { "restore", cli_unsupported, "not supported (no CRIU)" },
};

static void
usage (FILE *out)
{
  fprintf (out, "usage: stockade [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
                "Stockade: a hardened, runc-compatible OCI container runtime.\n\n"
                "Global options:\n"
                "  --root DIR            state directory root (default /run/stockade)\n"
                "  --log FILE            also write log records to FILE\n"
                "  --log-format FORMAT   text (default) or json\n"
                "  --debug               log debug records\n"
                "  --systemd-cgroup      use systemd cgroups (not supported yet)\n"
                "  --profile NAME|PATH   security profile that clamps every container (see stockade-profile(5));\n"
                "                        none: no profile\n"
                "  --config FILE         stockade.conf(5) to read (default /etc/stockade/stockade.conf)\n"
                "  -v, --version         print the version\n"
                "  -h, --help            print this help\n\n"
                "Commands:\n");
  for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
    fprintf (out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
  fprintf (out, "\nRun 'stockade COMMAND --help' for a command's options. See stockade(8).\n");
}

static void
print_version (void)
{
  const struct scmp_version *v = seccomp_version ();
  printf ("stockade version %s\nspec: %s\nlibseccomp: %u.%u.%u\n", STOCKADE_VERSION, STOCKADE_SPEC_VERSION,
          v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0);
}

enum
{
  OPT_ROOT = 256,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_DEBUG,
  OPT_SYSTEMD_CGROUP,
  OPT_PROFILE,
  OPT_CONFIG,
  OPT_ROOTLESS,
  OPT_CRIU,
};

static const struct option global_options[] = {
  { "root", required_argument, NULL, OPT_ROOT },
  { "log", required_argument, NULL, OPT_LOG },
  { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
  { "debug", no_argument, NULL, OPT_DEBUG },
  { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
  { "profile", required_argument, NULL, OPT_PROFILE },
  { "config", required_argument, NULL, OPT_CONFIG },
  { "rootless", required_argument, NULL, OPT_ROOTLESS }, /* runc compat: accepted, no effect */
  { "criu", required_argument, NULL, OPT_CRIU },         /* runc compat: accepted, no effect */
  { "version", no_argument, NULL, 'v' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

struct globals
{
  const char *root;
  const char *log_path;
  const char *log_format;
  bool debug;
  bool systemd_cgroup;
  const char *profile;
  const char *conf_path;
};

/* Returns the index of the verb, or -1 after printing (exit status in *rc). */
static int
parse_globals (int argc, char **argv, struct globals *g, int *rc)
{
  int c;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "+vh", global_options, NULL)) != -1)
    switch (c)
      {
      case OPT_ROOT: g->root = optarg; break;
      case OPT_LOG: g->log_path = optarg; break;
      case OPT_LOG_FORMAT: g->log_format = optarg; break;
      case OPT_DEBUG: g->debug = true; break;
      case OPT_SYSTEMD_CGROUP: g->systemd_cgroup = true; break;
      case OPT_PROFILE: g->profile = optarg; break;
      case OPT_CONFIG: g->conf_path = optarg; break;
      case OPT_ROOTLESS:
      case OPT_CRIU: break;
      case 'v': print_version (); *rc = 0; return -1;
      case 'h': usage (stdout); *rc = 0; return -1;
      default:
        fprintf (stderr, "stockade: unknown or incomplete global option `%s`\n", argv[optind - 1]);
        *rc = 1;
        return -1;
      }
  if (optind >= argc)
    {
      usage (stderr);
      *rc = 1;
      return -1;
    }
  return optind;
}

static int
setup_log (const struct globals *g, struct sk_log *log, sk_error_t *err)
{
  log->file_fd = -1;
  log->debug = g->debug;
  log->json = false;
  if (g->log_format != NULL)
    {
      if (strcmp (g->log_format, "json") == 0)
        log->json = true;
      else if (strcmp (g->log_format, "text") != 0)
        return sk_error_set (err, 0, "--log-format: unknown format \"%s\" (text or json)", g->log_format);
    }
  if (g->log_path != NULL && *g->log_path != '\0')
    {
      log->file_fd = open (g->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
      if (log->file_fd < 0)
        return sk_error_set (err, errno, "--log `%s`", g->log_path);
    }
  return 0;
}

static int
absolute_root (const char *root, char **out, sk_error_t *err)
{
  char cwd[PATH_MAX];

  if (root[0] == '/')
    *out = strdup (root);
  else if (getcwd (cwd, sizeof cwd) == NULL)
    return sk_error_set (err, errno, "--root: current directory");
  else if (asprintf (out, "%s/%s", cwd, root) < 0)
    *out = NULL;
  return *out ? 0 : sk_error_set (err, ENOMEM, "--root");
}

extern char **environ;

/* The verbs that put runtime processes in a container's namespaces. */
static bool
enters_container (const char *verb)
{
  return strcmp (verb, "create") == 0 || strcmp (verb, "run") == 0 || strcmp (verb, "exec") == 0;
}

int
main (int argc, char **argv)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *root = NULL;
  struct globals g = { .root = "/run/stockade" };
  struct sk_log log = { .file_fd = -1 };
  struct sk_cli cli = { 0 };
  int rc = 1, first;

  /* Nothing in the runtime may be read or ptraced through /proc by a
   * container process (CVE-2019-5736); set before anything else. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  first = parse_globals (argc, argv, &g, &rc);
  if (first < 0)
    return rc;
  if (setup_log (&g, &log, &err) < 0)
    {
      sk_log_error (&log, "%s", sk_error_msg (&err));
      return 1;
    }
  cli.ctx.log = &log;
  cli.ctx.systemd_cgroup = g.systemd_cgroup;
  cli.ctx.profile = g.profile;
  cli.ctx.conf_path = g.conf_path;
  if (g.systemd_cgroup)
    {
      sk_log_error (&log, "--systemd-cgroup: systemd cgroup management is not supported yet; use cgroupfs paths");
      return 1;
    }
  if (absolute_root (g.root, &root, &err) < 0)
    {
      sk_log_error (&log, "%s", sk_error_msg (&err));
      return 1;
    }
  cli.ctx.root = root;

  for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
    if (strcmp (verbs[i].name, argv[first]) == 0)
      {
        /* The container must never reach the host's binary through
         * /proc/PID/exe (CVE-2019-5736): re-executes from a sealed copy. */
        if (enters_container (verbs[i].name) && sk_sealed_exe_ensure (argv, environ, &err) < 0)
          {
            sk_log_error (&log, "%s", sk_error_msg (&err));
            return 1;
          }
        /* Each verb parses its own flags from argv[first..]. */
        optind = 0;
        rc = verbs[i].fn (&cli, argc - first, argv + first, &err);
        if (rc == CLI_HELP_REQUESTED)
          rc = 0;
        else if (rc < 0)
          {
            sk_log_error (&log, "%s", sk_error_msg (&err));
            rc = 1;
          }
        if (log.file_fd >= 0)
          close (log.file_fd);
        return rc;
      }
  sk_log_error (&log, "unknown command \"%s\" (see stockade --help)", argv[first]);
  return 1;
}
