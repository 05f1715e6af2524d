#include "policy.h"
#include "seccomp_cache.h"
#include "stockade-config.h"
#include "stockade/cleanup.h"
#include "stockade/linux/lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
sk_runtime_policy_clear (struct sk_runtime_policy *pol)
{
  sk_profile_free (pol->profile);
  sk_seccomp_free (pol->filter);
  sk_conf_clear (&pol->conf);
  free (pol->filter_cache_key);
  pol->filter_cache_key = NULL;
  pol->profile = NULL;
  pol->filter = NULL;
  pol->name = NULL;
}

void
sk_runtime_policy_commit (const struct sk_context *ctx, struct sk_runtime_policy *pol)
{
  sk_seccomp_cache_store (ctx->root, pol->filter_cache_key, pol->filter);
}

static int
load_conf (const struct sk_context *ctx, struct sk_runtime_policy *pol, sk_error_t *err)
{
  const char *path = ctx->conf_path != NULL ? ctx->conf_path : SK_CONF_DEFAULT_PATH;

  if (pol->conf.path != NULL)
    return 0;
  /* A broken stockade.conf refuses containers rather than run them without
   * the floor the operator meant to have. */
  if (sk_conf_load (path, &pol->conf, err) < 0)
    return sk_error_wrap (err, "stockade.conf");
  return 0;
}

static int
load_profile (const struct sk_context *ctx, const char *name, struct sk_runtime_policy *pol, sk_error_t *err)
{
  /* The operator's directory first, then the installed set, then the source
   * tree's for an uninstalled build (the first that has the file wins),
   * unless stockade.conf lists its own. */
  static const char *const default_dirs[] = { "/etc/stockade/profiles", STOCKADE_PROFILE_DIR,
                                              STOCKADE_SOURCE_PROFILE_DIR, NULL };
  static const char *const no_dirs[] = { NULL };
  const char *const *dirs = default_dirs;
  struct oci_seccomp *sc = NULL;
  int r;

  if (pol->conf.profile_dirs_set)
    dirs = pol->conf.profile_dirs != NULL ? (const char *const *) pol->conf.profile_dirs : no_dirs;
  pol->name = name;
  if (strcmp (name, "none") == 0)
    return 0;
  if (sk_profile_load (name, dirs, &pol->profile, err) < 0)
    return sk_error_wrap (err, "profile %s", name);
  sc = sk_profile_seccomp (pol->profile, err);
  if (sc == NULL && err != NULL && *err != NULL)
    return sk_error_wrap (err, "profile %s", name);
  if (sc == NULL)
    return 0;
  r = sk_seccomp_cache_build (ctx->root, sc, ctx->log, &pol->filter, &pol->filter_cache_key, err);
  sk_profile_seccomp_free (sc);
  return r < 0 ? sk_error_wrap (err, "profile %s: SystemCallFilter", name) : 0;
}

int
sk_runtime_policy_load (const struct sk_context *ctx, const char *name, struct sk_runtime_policy *pol,
                        sk_error_t *err)
{
  if (name == NULL || *name == '\0')
    return sk_error_set (err, EINVAL, "no profile name");
  if (load_conf (ctx, pol, err) < 0)
    return -1;
  return load_profile (ctx, name, pol, err);
}

int
sk_runtime_policy_choose (const struct sk_context *ctx, const struct oci_config *c, struct sk_runtime_policy *pol,
                          sk_error_t *err)
{
  struct sk_profile_choice choice;

  if (load_conf (ctx, pol, err) < 0 || sk_conf_choose_profile (&pol->conf, ctx->profile, c, &choice, err) < 0)
    return -1;
  if (choice.annotation_ignored)
    sk_log (ctx->log, SK_LOG_INFO, "annotation %s ignored: %s does not set ProfileAnnotation=yes",
            SK_PROFILE_ANNOTATION, pol->conf.path);
  if (*choice.name == '\0')
    return sk_error_set (err, EINVAL, "%s: empty profile name", sk_profile_source_name (choice.source));
  /* An explicit --profile none is the operator's deliberate choice; the
   * same in a file is easy to leave behind, so it is said every time. */
  if (strcmp (choice.name, "none") == 0)
    sk_log (ctx->log, choice.source == SK_PROFILE_FROM_CLI ? SK_LOG_DEBUG : SK_LOG_WARNING,
            "no profile (%s): the configuration alone decides what the container may do",
            sk_profile_source_name (choice.source));
  else
    sk_log_debug (ctx->log, "profile %s (from %s)", choice.name, sk_profile_source_name (choice.source));
  if (load_profile (ctx, choice.name, pol, err) < 0)
    return sk_error_wrap (err, "%s", sk_profile_source_name (choice.source));
  return 0;
}

/* PolicyLog=: one JSON record per line, appended for a log collector. */
static void
append_policy_log (const struct sk_context *ctx, const char *path, const char *jsonl, size_t len)
{
  cleanup_close int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);

  /* One write: O_APPEND keeps concurrent creates' records whole. */
  if (fd < 0 || write (fd, jsonl, len) != (ssize_t) len)
    sk_log_warn (ctx->log, "PolicyLog=%s: cannot append the report: %s", path, strerror (errno));
}

/* One JSON object per change in the --log file and in PolicyLog=, for SIEM
 * ingestion; strict refusals too. */
static void
log_records (const struct sk_context *ctx, const struct sk_runtime_policy *pol, const char *id,
             const struct sk_policy_report *r)
{
  const char *mode = sk_profile_mode_name (sk_profile_mode (pol->profile));
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *json = NULL;
  size_t len;

  /* Without --log and PolicyLog= the records would go nowhere. */
  if (r->n == 0 || ((ctx->log == NULL || ctx->log->file_fd < 0) && pol->conf.policy_log == NULL)
      || sk_policy_report_json (r, id, sk_profile_name (pol->profile), mode, &json, &len, &err) < 0)
    return;
  sk_log_raw (ctx->log, json);
  if (pol->conf.policy_log != NULL)
    append_policy_log (ctx, pol->conf.policy_log, json, len);
}

static void
log_report (const struct sk_context *ctx, const struct sk_runtime_policy *pol, const char *id,
            const struct sk_policy_report *r)
{
  const char *mode = sk_profile_mode_name (sk_profile_mode (pol->profile));
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *text = NULL;

  if (r->n == 0)
    return;
  log_records (ctx, pol, id, r);
  if (sk_policy_report_text (r, &text, &err) < 0)
    return;
  sk_log (ctx->log, SK_LOG_INFO, "profile %s (%s) for %s: %zu change%s", sk_profile_name (pol->profile), mode, id,
          r->n, r->n == 1 ? "" : "s");
  /* A record per line: log readers take one line per record. */
  for (char *save = NULL, *line = strtok_r (text, "\n", &save); line != NULL; line = strtok_r (NULL, "\n", &save))
    sk_log (ctx->log, SK_LOG_INFO, "  %s", line);
}

/* SELinuxLevel=auto where SELinux is on: the levels running processes hold
 * (create) or the level of the container's init (exec, INIT > 0).  Nothing
 * is read where it is off: the labels are not applied then. */
static int
mcs_hint (const struct sk_profile *p, pid_t init, char ***in_use, char **fixed, struct sk_mcs_hint *hint,
          sk_error_t *err)
{
  cleanup_close int procfd = -1;

  if (!sk_profile_selinux_auto_level (p) || !sk_selinux_enabled ())
    return 0;
  procfd = sk_procfs_open_root (err);
  if (procfd < 0)
    return sk_error_wrap (err, "SELinuxLevel=auto");
  if (init > 0)
    {
      if (sk_selinux_level_of (procfd, init, fixed, err) < 0)
        return sk_error_wrap (err, "SELinuxLevel=auto: the container's level");
      hint->fixed = *fixed;
    }
  else
    {
      if (sk_selinux_levels_in_use (procfd, in_use, err) < 0)
        return sk_error_wrap (err, "SELinuxLevel=auto");
      hint->in_use = (const char *const *) *in_use;
    }
  return 1;
}

int
sk_runtime_policy_apply (const struct sk_context *ctx, struct sk_runtime_policy *pol, const char *id,
                         struct oci_config *c, sk_error_t *err)
{
  cleanup_policy_report struct sk_policy_report r = { 0 };
  cleanup_strv char **in_use = NULL;
  cleanup_free char *fixed = NULL;
  struct sk_mcs_hint hint = { 0 };
  int have;

  if (pol->profile == NULL)
    return 0;
  if ((have = mcs_hint (pol->profile, 0, &in_use, &fixed, &hint, err)) < 0)
    return -1;
  if (sk_policy_apply_mcs (pol->profile, id, have ? &hint : NULL, c, &r, err) < 0)
    {
      log_records (ctx, pol, id, &r);
      return -1;
    }
  log_report (ctx, pol, id, &r);
  return 0;
}

int
sk_runtime_policy_apply_process (const struct sk_context *ctx, struct sk_runtime_policy *pol, const char *id,
                                 pid_t init, struct oci_process *p, sk_error_t *err)
{
  cleanup_policy_report struct sk_policy_report r = { 0 };
  cleanup_strv char **in_use = NULL;
  cleanup_free char *fixed = NULL;
  struct sk_mcs_hint hint = { 0 };
  int have;

  if (pol->profile == NULL)
    return 0;
  if ((have = mcs_hint (pol->profile, init, &in_use, &fixed, &hint, err)) < 0)
    return -1;
  if (sk_policy_apply_process_mcs (pol->profile, id, have ? &hint : NULL, p, &r, err) < 0)
    {
      log_records (ctx, pol, id, &r);
      return -1;
    }
  log_report (ctx, pol, id, &r);
  return 0;
}
