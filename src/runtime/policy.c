#include "policy.h"
#include "stockade-config.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <string.h>

void
sk_runtime_policy_clear (struct sk_runtime_policy *pol)
{
  sk_profile_free (pol->profile);
  sk_seccomp_free (pol->filter);
  pol->profile = NULL;
  pol->filter = NULL;
}

int
sk_runtime_policy_load (const struct sk_context *ctx, const char *name, struct sk_runtime_policy *pol,
                        sk_error_t *err)
{
  /* The operator's directory first, then the installed set, then the source
   * tree's for an uninstalled build (the first that has the file wins). */
  static const char *const dirs[] = { "/etc/stockade/profiles", STOCKADE_PROFILE_DIR, STOCKADE_SOURCE_PROFILE_DIR,
                                      NULL };
  struct oci_seccomp *sc = NULL;
  int r;

  pol->profile = NULL;
  pol->filter = NULL;
  if (name == NULL)
    name = ctx->profile;
  if (name == NULL || *name == '\0' || strcmp (name, "none") == 0)
    return 0;
  if (sk_profile_load (name, dirs, &pol->profile, err) < 0)
    return sk_error_wrap (err, "--profile %s", name);
  sc = sk_profile_seccomp (pol->profile, err);
  if (sc == NULL && err != NULL && *err != NULL)
    return sk_error_wrap (err, "profile %s", name);
  if (sc == NULL)
    return 0;
  r = sk_seccomp_build (sc, ctx->log, &pol->filter, err);
  sk_profile_seccomp_free (sc);
  return r < 0 ? sk_error_wrap (err, "profile %s: SystemCallFilter", name) : 0;
}

static void
log_report (const struct sk_context *ctx, const struct sk_runtime_policy *pol, const char *id,
            const struct sk_policy_report *r)
{
  const char *mode = sk_profile_mode_name (sk_profile_mode (pol->profile));
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *json = NULL, *text = NULL;
  size_t len;

  if (r->n == 0)
    return;
  /* One JSON object per change in the --log file, for SIEM ingestion. */
  if (sk_policy_report_json (r, sk_profile_name (pol->profile), mode, &json, &len, &err) == 0)
    sk_log_raw (ctx->log, json);
  if (sk_policy_report_text (r, &text, &err) < 0)
    return;
  sk_log (ctx->log, SK_LOG_INFO, "profile %s (%s) for %s: %zu change%s", sk_profile_name (pol->profile), mode, id,
          r->n, r->n == 1 ? "" : "s");
  /* A record per line: log readers take one line per record. */
  for (char *save = NULL, *line = strtok_r (text, "\n", &save); line != NULL; line = strtok_r (NULL, "\n", &save))
    sk_log (ctx->log, SK_LOG_INFO, "  %s", line);
}

int
sk_runtime_policy_apply (const struct sk_context *ctx, struct sk_runtime_policy *pol, const char *id,
                         struct oci_config *c, sk_error_t *err)
{
  cleanup_policy_report struct sk_policy_report r = { 0 };

  if (pol->profile == NULL)
    return 0;
  if (sk_policy_apply (pol->profile, id, c, &r, err) < 0)
    return -1;
  log_report (ctx, pol, id, &r);
  return 0;
}

int
sk_runtime_policy_apply_process (const struct sk_context *ctx, struct sk_runtime_policy *pol, const char *id,
                                 struct oci_process *p, sk_error_t *err)
{
  cleanup_policy_report struct sk_policy_report r = { 0 };

  if (pol->profile == NULL)
    return 0;
  if (sk_policy_apply_process (pol->profile, id, p, &r, err) < 0)
    return -1;
  log_report (ctx, pol, id, &r);
  return 0;
}
