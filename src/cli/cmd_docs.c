/* Verbs that print documents: spec, features. */
#include "cli.h"
#include "stockade/cleanup.h"
#include "stockade/oci_state.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct option spec_options[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "rootless", no_argument, NULL, 'r' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cli_spec (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  cleanup_free char *json = NULL, *path = NULL;
  cleanup_close int fd = -1;
  const char *bundle = ".";
  bool rootless = false;
  size_t len;
  int c;

  (void) cli;
  opterr = 0;
  while ((c = getopt_long (argc, argv, "b:h", spec_options, NULL)) != -1)
    switch (c)
      {
      case 'b': bundle = optarg; break;
      case 'r': rootless = true; break;
      case 'h':
        printf ("usage: stockade spec [--bundle DIR] [--rootless]\n");
        return CLI_HELP_REQUESTED;
      default: return sk_error_set (err, 0, "spec: unknown or incomplete option `%s`", argv[optind - 1]);
      }
  if (cli_expect_args (argc, argv, optind, 0, "spec [OPTIONS]", err) < 0)
    return -1;
  if (oci_spec_default (rootless, getuid (), getgid (), &json, &len, err) < 0)
    return -1;
  if (asprintf (&path, "%s/config.json", bundle) < 0)
    return sk_error_set (err, ENOMEM, "spec");
  /* Never overwrite an existing config (runc refuses too). */
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return sk_error_set (err, errno, "spec: create `%s`", path);
  if (write (fd, json, len) != (ssize_t) len)
    return sk_error_set (err, errno, "spec: write `%s`", path);
  return 0;
}

int
cli_features (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  cleanup_free char *json = NULL;
  size_t len;

  (void) cli;
  if (argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("usage: stockade features\n");
      return CLI_HELP_REQUESTED;
    }
  if (cli_expect_args (argc, argv, 1, 0, "features", err) < 0)
    return -1;
  if (oci_features_render (&json, &len, err) < 0)
    return -1;
  return cli_print (json, err);
}

/* runc's checkpoint/restore drive CRIU, which Stockade does not ship: say so
 * plainly instead of pretending. */
int
cli_unsupported (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  (void) cli;
  if (argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("usage: stockade %s ...\n\n%s is not supported: Stockade does not checkpoint or restore containers "
              "(no CRIU integration).\n",
              argv[0], argv[0]);
      return CLI_HELP_REQUESTED;
    }
  return sk_error_set (err, ENOTSUP, "%s: checkpoint/restore (CRIU) is not supported by stockade", argv[0]);
}
