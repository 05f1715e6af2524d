/* Helpers shared by the profile unit tests (no SK_CHECK in here: the TAP
 * counters are per test file).  Each test binary takes two arguments: the
 * shipped profiles/ directory and this source directory. */
#ifndef SK_PROFILE_TEST_UTIL_H
#define SK_PROFILE_TEST_UTIL_H

#include "profile/profile_internal.h"
#include "stockade/oci_config.h"
#include "stockade/profile.h"

struct tu
{
  const char *profiles; /* shipped profiles/ */
  const char *src;      /* tests/unit/profile */
  char tmp[256];        /* scratch directory under $TMPDIR, removed by tu_done() */
  const char *dirs[3];  /* search path: tmp, profiles */
};

int tu_init (struct tu *t, int argc, char **argv);
void tu_done (struct tu *t);

/* TMP/NAME with TEXT; returns the malloc'd path (NULL on failure). */
char *tu_write (struct tu *t, const char *name, const char *text);
/* Write TEXT as TMP/NAME.profile and parse it with the search path. */
struct sk_profile *tu_profile_named (struct tu *t, const char *name, const char *text, sk_error_t *err);
struct sk_profile *tu_profile (struct tu *t, const char *text, sk_error_t *err);
struct sk_profile *tu_shipped (struct tu *t, const char *name, sk_error_t *err);
struct oci_config *tu_config (const char *json);

/* Everything sk_policy_apply may touch, rendered as text: equal digests
 * mean the config was left alone. */
char *tu_digest (const struct oci_config *c);
const struct sk_policy_change *tu_find (const struct sk_policy_report *r, const char *field, const char *directive);
size_t tu_count_kind (const struct sk_policy_report *r, enum sk_policy_change_kind kind);
/* The seccomp object as config.json, parsed back with the OCI parser:
 * 0 when the parser accepts it. */
int tu_seccomp_roundtrip (const struct oci_seccomp *s, sk_error_t *err);
/* Names of every unconditional SCMP_ACT_ALLOW rule. */
bool tu_seccomp_allows (const struct oci_seccomp *s, const char *name);
/* Text without '#' comment lines (for comparing `show` outputs). */
char *tu_strip_comments (const char *text);

#endif
