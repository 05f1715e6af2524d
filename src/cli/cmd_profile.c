/* Tools for profile authors: `profile show NAME`, `profile lint FILE`, and
 * `check --bundle DIR`, which starts nothing and prints what the profile would
 * clamp or refuse and what the container could still do. */
#include "cli.h"
#include "runtime/policy.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void
policy_cleanup (struct sk_runtime_policy *p)
{
  sk_runtime_policy_clear (p);
}
#define cleanup_policy __attribute__ ((cleanup (policy_cleanup)))

int
cli_profile (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  cleanup_policy struct sk_runtime_policy pol = { 0 };
  cleanup_free char *text = NULL;

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      printf ("usage: stockade profile show NAME|PATH\n       stockade profile lint FILE\n");
      return argc < 2 ? sk_error_set (err, 0, "profile: expected show or lint") : CLI_HELP_REQUESTED;
    }
  if (argc != 3)
    return sk_error_set (err, 0, "profile %s: expected one NAME or FILE", argv[1]);
  if (strcmp (argv[1], "show") != 0 && strcmp (argv[1], "lint") != 0)
    return sk_error_set (err, 0, "profile: unknown subcommand \"%s\" (show or lint)", argv[1]);
  /* lint takes a file path; show takes a name or a path.  Both resolve
   * Include= and groups, so lint finds every error show would. */
  if (sk_runtime_policy_load (&cli->ctx, argv[2], &pol, err) < 0)
    return -1;
  if (pol.profile == NULL)
    return sk_error_set (err, 0, "profile %s: \"%s\" is not a profile", argv[1], argv[2]);
  if (strcmp (argv[1], "lint") == 0)
    return cli_print ("ok\n", err);
  if (sk_profile_show (pol.profile, &text, err) < 0)
    return -1;
  return cli_print (text, err);
}

static const struct option check_options[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "profile", required_argument, NULL, 'p' },
  { "format", required_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static int
print_check_json (const char *profile, const char *mode, const char *refusal, const char *changes_jsonl,
                  const char *exposure)
{
  /* changes_jsonl holds one JSON object per line: join them into an array. */
  printf ("{\"profile\":\"%s\",\"mode\":\"%s\",\"refused\":%s,", profile, mode, refusal ? "true" : "false");
  printf ("\"changes\":[");
  for (const char *p = changes_jsonl, *nl; p != NULL && *p; p = nl ? nl + 1 : NULL)
    {
      nl = strchr (p, '\n');
      printf ("%s%.*s", p == changes_jsonl ? "" : ",", (int) (nl ? nl - p : (long) strlen (p)), p);
    }
  printf ("],\"error\":");
  if (refusal == NULL)
    printf ("null");
  else
    {
      putchar ('"');
      for (const char *c = refusal; *c; c++)
        printf (*c == '"' || *c == '\\' ? "\\%c" : (unsigned char) *c < 0x20 ? " " : "%c", *c);
      putchar ('"');
    }
  printf (",\"exposure\":\"");
  for (const char *c = exposure ? exposure : ""; *c; c++)
    printf (*c == '"' || *c == '\\' ? "\\%c" : *c == '\n' ? "\\n" : "%c", *c);
  printf ("\"}\n");
  return fflush (stdout) == 0 ? 0 : -1;
}

int
cli_check (struct sk_cli *cli, int argc, char **argv, sk_error_t *err)
{
  cleanup_policy struct sk_runtime_policy pol = { 0 };
  cleanup_config struct oci_config *c = NULL;
  cleanup_policy_report struct sk_policy_report r = { 0 };
  cleanup_error sk_error_t refusal = NULL;
  cleanup_free char *path = NULL, *changes = NULL, *text = NULL, *exposure = NULL;
  const char *bundle = ".", *profile = NULL, *format = "text", *mode;
  size_t len;
  int ch;

  opterr = 0;
  while ((ch = getopt_long (argc, argv, "b:p:f:h", check_options, NULL)) != -1)
    switch (ch)
      {
      case 'b': bundle = optarg; break;
      case 'p': profile = optarg; break;
      case 'f': format = optarg; break;
      case 'h':
        printf ("usage: stockade check [--profile NAME] [--bundle DIR] [--format text|json]\n");
        return CLI_HELP_REQUESTED;
      default: return sk_error_set (err, 0, "check: unknown or incomplete option `%s`", argv[optind - 1]);
      }
  if (strcmp (format, "text") != 0 && strcmp (format, "json") != 0)
    return sk_error_set (err, 0, "check: --format must be text or json");
  if (asprintf (&path, "%s/config.json", bundle) < 0)
    return sk_error_set (err, ENOMEM, "check");
  if (oci_config_parse_file (path, &c, err) < 0)
    return -1;
  /* Without --profile: the profile create would choose for this bundle. */
  if ((profile != NULL ? sk_runtime_policy_load (&cli->ctx, profile, &pol, err)
                       : sk_runtime_policy_choose (&cli->ctx, c, &pol, err))
      < 0)
    return -1;
  if (pol.profile == NULL)
    return sk_error_set (err, 0, "check: no profile applies (profile none)");
  mode = sk_profile_mode_name (sk_profile_mode (pol.profile));
  /* A strict profile refuses: that refusal (every violation) is the answer. */
  sk_policy_apply (pol.profile, "check", c, &r, &refusal);
  if (sk_policy_report_json (&r, NULL, sk_profile_name (pol.profile), mode, &changes, &len, err) < 0
      || sk_policy_report_text (&r, &text, err) < 0
      || sk_policy_exposure_text (c, pol.profile, &exposure, err) < 0)
    return -1;
  if (strcmp (format, "json") == 0)
    {
      if (print_check_json (sk_profile_name (pol.profile), mode, refusal ? sk_error_msg (&refusal) : NULL, changes,
                            exposure) < 0)
        return sk_error_set (err, errno, "write to stdout");
    }
  else
    {
      printf ("profile %s (%s)\n", sk_profile_name (pol.profile), mode);
      if (refusal != NULL)
        printf ("REFUSED: %s\n", sk_error_msg (&refusal));
      printf ("\n%s:\n%s\n", r.n ? "changes" : "changes: none", text ? text : "");
      printf ("exposure:\n%s", exposure ? exposure : "");
      fflush (stdout);
    }
  return refusal != NULL ? 1 : 0;
}
