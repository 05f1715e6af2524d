/* The command line: one thin file per verb, each parsing its own flags and
 * calling one runtime entry point.  A verb returns the process exit status,
 * or -1 with err set (printed once by main). */
#ifndef STOCKADE_CLI_H
#define STOCKADE_CLI_H

#include <stdbool.h>

#include "stockade/error.h"
#include "stockade/runtime.h"

struct sk_cli
{
  struct sk_context ctx;
};

typedef int (*sk_cli_verb) (struct sk_cli *cli, int argc, char **argv, sk_error_t *err);

int cli_create (struct sk_cli *, int, char **, sk_error_t *);
int cli_run (struct sk_cli *, int, char **, sk_error_t *);
int cli_start (struct sk_cli *, int, char **, sk_error_t *);
int cli_state (struct sk_cli *, int, char **, sk_error_t *);
int cli_list (struct sk_cli *, int, char **, sk_error_t *);
int cli_kill (struct sk_cli *, int, char **, sk_error_t *);
int cli_delete (struct sk_cli *, int, char **, sk_error_t *);
int cli_spec (struct sk_cli *, int, char **, sk_error_t *);
int cli_features (struct sk_cli *, int, char **, sk_error_t *);
int cli_exec (struct sk_cli *, int, char **, sk_error_t *);
int cli_unsupported (struct sk_cli *, int, char **, sk_error_t *);
int cli_pause (struct sk_cli *, int, char **, sk_error_t *); /* also resume */
int cli_ps (struct sk_cli *, int, char **, sk_error_t *);
int cli_events (struct sk_cli *, int, char **, sk_error_t *);
int cli_update (struct sk_cli *, int, char **, sk_error_t *);
int cli_profile (struct sk_cli *, int, char **, sk_error_t *);
int cli_check (struct sk_cli *, int, char **, sk_error_t *);

/* Shared helpers. */
#define CLI_HELP_REQUESTED 1000 /* internal marker: usage printed, exit 0 */

/* Exactly `n` positional arguments after the flags, else a usage error. */
int cli_expect_args (int argc, char **argv, int first, int n, const char *usage, sk_error_t *err);
/* --preserve-fds N, shared by create/run and exec. */
int cli_parse_preserve_fds (const char *arg, unsigned int *out, sk_error_t *err);
/* Print `text` to stdout in full (handles short writes). */
int cli_print (const char *text, sk_error_t *err);

#endif
