/* Private to src/profile: the directive table's entry type and the handlers
 * that live outside directives.c (seccomp and capabilities). */
#ifndef SK_PROFILE_DIRECTIVES_H
#define SK_PROFILE_DIRECTIVES_H

#include <stdarg.h>
#include <stdio.h>

#include "profile_internal.h"

struct directive;
typedef int (*directive_fn) (struct parse_state *st, const struct directive *d, const struct lex_line *l,
                             sk_error_t *err);

struct directive
{
  const char *name; /* first: nearest_name() reads the table */
  directive_fn parse;
  size_t offset;   /* field in struct sk_profile for the generic kinds */
  const void *arg; /* enum names, rlimit index */
};

/* "FILE:LINE: Key=Value: MESSAGE".  Returns -1. */
int bad_value (sk_error_t *err, const struct lex_line *l, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
/* "unknown WHAT "WORD"; did you mean "HINT"?" (HINT may be NULL). */
int hint_fail (sk_error_t *err, const struct lex_line *l, const char *what, const char *word, const char *hint);

/* directives_seccomp.c */
int set_syscall_filter (struct parse_state *st, const struct directive *d, const struct lex_line *l,
                        sk_error_t *err);
int set_syscall_errno (struct parse_state *st, const struct directive *d, const struct lex_line *l,
                       sk_error_t *err);
int set_syscall_argf (struct parse_state *st, const struct directive *d, const struct lex_line *l,
                      sk_error_t *err);
int set_syscall_archs (struct parse_state *st, const struct directive *d, const struct lex_line *l,
                       sk_error_t *err);
int set_caps (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err);

/* Names of SystemCallArgumentFilter= bits, index = bit number. */
extern const char *const argf_names[];
size_t argf_count (void);

#endif
