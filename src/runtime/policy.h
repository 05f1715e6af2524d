/* The runtime's side of profiles: pick and load the profile, merge it into
 * the config (before any side effect), report what changed, and build its
 * seccomp filter, which the init loads on top of the config's. */
#ifndef STOCKADE_RUNTIME_POLICY_H
#define STOCKADE_RUNTIME_POLICY_H

#include "stockade/conf.h"
#include "stockade/linux/seccomp.h"
#include "stockade/profile.h"
#include "stockade/runtime.h"

struct sk_runtime_policy
{
  struct sk_profile *profile;   /* NULL: no profile selected */
  struct sk_seccomp *filter;    /* the profile's own filter, NULL when none */
  struct sk_conf conf;          /* stockade.conf, as read by this command */
  const char *name;             /* the profile chosen ("none": no profile) */
  char *filter_cache_key;       /* filter compiled, not from the cache: store it on commit */
};

/* Load the profile NAME ("none": an empty policy), looked up where
 * stockade.conf says (`exec` of a recorded profile, `profile show/lint`). */
int sk_runtime_policy_load (const struct sk_context *ctx, const char *name, struct sk_runtime_policy *pol,
                            sk_error_t *err);
/* Choose the profile for a container whose config is C (stockade.conf's
 * Profile=, --profile, the annotation where the conf allows it; see
 * sk_conf_choose_profile) and load it. */
int sk_runtime_policy_choose (const struct sk_context *ctx, const struct oci_config *c,
                              struct sk_runtime_policy *pol, sk_error_t *err);
/* Merge into the whole config (create) and log the report.  Where SELinux
 * is on, SELinuxLevel=auto avoids the levels running processes hold. */
int sk_runtime_policy_apply (const struct sk_context *ctx, struct sk_runtime_policy *pol, const char *id,
                             struct oci_config *c, sk_error_t *err);
/* Merge into an exec'd process only; INIT is the container's init (its
 * SELinux level is the exec's under SELinuxLevel=auto). */
int sk_runtime_policy_apply_process (const struct sk_context *ctx, struct sk_runtime_policy *pol, const char *id,
                                     pid_t init, struct oci_process *p, sk_error_t *err);
/* The container was created: keep its compiled filter in the --root cache
 * (src/runtime/seccomp_cache.h).  Best effort, never fails. */
void sk_runtime_policy_commit (const struct sk_context *ctx, struct sk_runtime_policy *pol);
void sk_runtime_policy_clear (struct sk_runtime_policy *pol);

#endif
