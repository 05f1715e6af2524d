/* `process` of config.json, and a stand-alone process.json. */
#include "parse_internal.h"

#include <errno.h>
#include <stdlib.h>

#include "stockade/cleanup.h"

static int
parse_console_size (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_console_size *cs = out;

  cs->set = true;
  if (jr_u32 (obj, p, "height", JR_REQUIRED, &cs->height, err) < 0
      || jr_u32 (obj, p, "width", JR_REQUIRED, &cs->width, err) < 0)
    return -1;
  return 0;
}

static int
parse_gids (yajl_val obj, const struct jpath *p, const char *key, uint32_t **out, size_t *n_out,
            sk_error_t *err)
{
  const struct jpath *ap = JP_KEY (p, key);
  cleanup_free uint32_t *gids = NULL;
  yajl_val v;
  size_t n;

  if (jr_lookup (obj, p, key, &v, err) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (!YAJL_IS_ARRAY (v))
    return jr_fail_type (err, ap, "array of integers", v);
  n = v->u.array.len;
  if (n == 0)
    return 0;
  gids = calloc (n, sizeof (*gids));
  if (gids == NULL)
    return sk_error_set (err, ENOMEM, "calloc");
  for (size_t i = 0; i < n; i++)
    {
      uint64_t g;
      if (jv_uint (v->u.array.values[i], JP_IDX (ap, i), UINT32_MAX, &g, err) < 0)
        return -1;
      gids[i] = (uint32_t) g;
    }
  *out = steal_pointer (&gids);
  *n_out = n;
  return 0;
}

static int
parse_user (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_user *u = out;

  if (jr_u32 (obj, p, "uid", JR_REQUIRED, &u->uid, err) < 0
      || jr_u32 (obj, p, "gid", JR_REQUIRED, &u->gid, err) < 0
      || jr_opt_u32 (obj, p, "umask", &u->umask, err) < 0
      || parse_gids (obj, p, "additionalGids", &u->additional_gids, &u->n_additional_gids, err) < 0
      || jr_string (obj, p, "username", JR_OPTIONAL, &u->username, err) < 0)
    return -1;
  return 0;
}

static int
parse_capabilities (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_capabilities *c = out;

  if (jr_strv (obj, p, "bounding", JR_OPTIONAL, &c->bounding, err) < 0
      || jr_strv (obj, p, "effective", JR_OPTIONAL, &c->effective, err) < 0
      || jr_strv (obj, p, "inheritable", JR_OPTIONAL, &c->inheritable, err) < 0
      || jr_strv (obj, p, "permitted", JR_OPTIONAL, &c->permitted, err) < 0
      || jr_strv (obj, p, "ambient", JR_OPTIONAL, &c->ambient, err) < 0)
    return -1;
  return 0;
}

static void
capabilities_clear (void *out)
{
  struct oci_capabilities *c = out;

  sk_strv_free (c->bounding);
  sk_strv_free (c->effective);
  sk_strv_free (c->inheritable);
  sk_strv_free (c->permitted);
  sk_strv_free (c->ambient);
}

static int
parse_rlimit (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_rlimit *r = out;

  if (jr_enum (obj, p, "type", JR_REQUIRED, &oci_tbl_rlimit, &r->type, NULL, err) < 0
      || jr_u64 (obj, p, "soft", JR_REQUIRED, &r->soft, err) < 0
      || jr_u64 (obj, p, "hard", JR_REQUIRED, &r->hard, err) < 0)
    return -1;
  /* setrlimit() would refuse it later, after side effects; refuse it now. */
  if (r->soft > r->hard)
    return jr_fail (err, JP_KEY (p, "soft"), "soft limit exceeds hard limit");
  return 0;
}

static void
rlimit_clear (void *out)
{
  free (((struct oci_rlimit *) out)->type);
}

static int
parse_scheduler (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_scheduler *s = out;

  s->set = true;
  if (jr_enum (obj, p, "policy", JR_REQUIRED, &oci_tbl_sched_policy, &s->policy, NULL, err) < 0
      || jr_opt_i32 (obj, p, "nice", &s->nice, err) < 0
      || jr_opt_i32 (obj, p, "priority", &s->priority, err) < 0
      || jr_strv (obj, p, "flags", JR_OPTIONAL, &s->flags, err) < 0
      || jr_opt_u64 (obj, p, "runtime", &s->runtime, err) < 0
      || jr_opt_u64 (obj, p, "deadline", &s->deadline, err) < 0
      || jr_opt_u64 (obj, p, "period", &s->period, err) < 0)
    return -1;
  return 0;
}

static int
parse_io_priority (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_io_priority *io = out;
  int64_t prio = 0;

  io->set = true;
  if (jr_enum (obj, p, "class", JR_REQUIRED, &oci_tbl_ioprio_class, &io->io_class, NULL, err) < 0
      || jr_int (obj, p, "priority", JR_OPTIONAL, 0, 7, &prio, NULL, err) < 0)
    return -1;
  io->priority = (int32_t) prio;
  return 0;
}

static int
parse_process_settings (yajl_val obj, const struct jpath *p, struct oci_process *pr, sk_error_t *err)
{
  if (jr_bool (obj, p, "noNewPrivileges", &pr->no_new_privileges, err) < 0
      || jr_opt_i32 (obj, p, "oomScoreAdj", &pr->oom_score_adj, err) < 0
      || jr_string (obj, p, "apparmorProfile", JR_OPTIONAL, &pr->apparmor_profile, err) < 0
      || jr_string (obj, p, "selinuxLabel", JR_OPTIONAL, &pr->selinux_label, err) < 0
      || jr_sub (obj, p, "scheduler", JR_OPTIONAL, parse_scheduler, &pr->scheduler, err) < 0
      || jr_sub (obj, p, "ioPriority", JR_OPTIONAL, parse_io_priority, &pr->io_priority, err) < 0)
    return -1;
  return 0;
}

int
oci_parse_process (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_process *pr = out;

  if (jr_bool (obj, p, "terminal", &pr->terminal, err) < 0
      || jr_sub (obj, p, "consoleSize", JR_OPTIONAL, parse_console_size, &pr->console_size, err) < 0
      || jr_sub (obj, p, "user", JR_REQUIRED, parse_user, &pr->user, err) < 0
      || jr_strv (obj, p, "args", JR_REQUIRED | JR_NONEMPTY, &pr->args, err) < 0
      || jr_string (obj, p, "commandLine", JR_OPTIONAL, &pr->command_line, err) < 0
      || jr_strv (obj, p, "env", JR_OPTIONAL, &pr->env, err) < 0
      || jr_string (obj, p, "cwd", JR_REQUIRED | JR_ABSOLUTE, &pr->cwd, err) < 0
      || jr_sub_alloc (obj, p, "capabilities", sizeof (struct oci_capabilities), parse_capabilities,
                       capabilities_clear, (void **) &pr->capabilities, err) < 0
      || jr_array (obj, p, "rlimits", JR_OPTIONAL, sizeof (struct oci_rlimit), parse_rlimit,
                   rlimit_clear, (void **) &pr->rlimits, &pr->n_rlimits, err) < 0)
    return -1;
  return parse_process_settings (obj, p, pr, err);
}

void
oci_process_clear (void *out)
{
  struct oci_process *pr = out;

  free (pr->user.additional_gids);
  free (pr->user.username);
  sk_strv_free (pr->args);
  free (pr->command_line);
  sk_strv_free (pr->env);
  free (pr->cwd);
  if (pr->capabilities != NULL)
    capabilities_clear (pr->capabilities);
  free (pr->capabilities);
  jr_array_free (pr->rlimits, pr->n_rlimits, sizeof (struct oci_rlimit), rlimit_clear);
  free (pr->apparmor_profile);
  free (pr->selinux_label);
  free (pr->scheduler.policy);
  sk_strv_free (pr->scheduler.flags);
  free (pr->io_priority.io_class);
}

void
oci_process_free (struct oci_process *p)
{
  if (p == NULL)
    return;
  oci_process_clear (p);
  free (p);
}

static void
process_freep (struct oci_process **p)
{
  oci_process_free (*p);
  *p = NULL;
}

static int
process_from_tree (yajl_val tree, struct oci_process **out, sk_error_t *err)
{
  __attribute__ ((cleanup (process_freep))) struct oci_process *p = calloc (1, sizeof (*p));

  if (p == NULL)
    return sk_error_set (err, ENOMEM, "calloc");
  if (oci_parse_process (tree, &jr_root, p, err) < 0)
    return -1;
  *out = steal_pointer (&p);
  return 0;
}

int
oci_process_parse_data (const char *json, size_t len, struct oci_process **out, sk_error_t *err)
{
  cleanup_tree yajl_val tree = NULL;

  if (jr_load (json, len, "process.json", &tree, err) < 0)
    return -1;
  return process_from_tree (tree, out, err);
}

int
oci_process_parse_file (const char *path, struct oci_process **out, sk_error_t *err)
{
  cleanup_free char *text = NULL;
  cleanup_tree yajl_val tree = NULL;
  size_t len = 0;

  if (jr_read_file (path, OCI_MAX_FILE_SIZE, &text, &len, err) < 0
      || jr_load (text, len, path, &tree, err) < 0)
    return -1;
  if (process_from_tree (tree, out, err) < 0)
    return sk_error_wrap (err, "%s", path);
  return 0;
}
