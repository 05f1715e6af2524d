/* The process side of the floor: capabilities (intersected with the
 * ceiling), no_new_privs, rlimits, SELinux labels. */
#include "profile_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

static const struct
{
  const char *field;
  size_t offset;
  bool ambient;
} cap_sets[] = {
  { "process.capabilities.bounding", offsetof (struct oci_capabilities, bounding), false },
  { "process.capabilities.effective", offsetof (struct oci_capabilities, effective), false },
  { "process.capabilities.inheritable", offsetof (struct oci_capabilities, inheritable), false },
  { "process.capabilities.permitted", offsetof (struct oci_capabilities, permitted), false },
  { "process.capabilities.ambient", offsetof (struct oci_capabilities, ambient), true },
};

static bool
cap_allowed (const struct sk_profile *p, const char *name)
{
  int cap = sk_profile_cap_from_name (name);

  /* A name we do not know cannot be in the ceiling: fail closed. */
  return !p->cap_set || (cap >= 0 && (p->cap_mask & (UINT64_C (1) << cap)) != 0);
}

/* Remove from *SET the names KEEP rejects; record them under DIRECTIVE. */
static int
clamp_set (struct policy_ctx *x, char **set, const char *field, const char *directive, bool drop_all,
           sk_error_t *err)
{
  cleanup_strv char **removed = NULL;
  cleanup_free char *asked = NULL;

  for (size_t i = 0; set != NULL && set[i] != NULL; i++)
    if ((drop_all || !cap_allowed (x->p, set[i])) && strv_add_unique (&removed, set[i]) < 0)
      return sk_error_set (err, ENOMEM, "%s", field);
  if (removed == NULL)
    return 0;
  if ((asked = strv_join (removed, " ")) == NULL)
    return sk_error_set (err, ENOMEM, "%s", field);
  if (policy_record (x, SK_CHANGE_CLAMP, field, directive, asked, "removed", err) < 0)
    return -1;
  for (size_t i = 0; x->apply && set[i] != NULL;)
    {
      if (strv_has (removed, set[i]))
        strv_remove_at (set, i);
      else
        i++;
    }
  return 0;
}

int
policy_caps (struct policy_ctx *x, sk_error_t *err)
{
  struct oci_capabilities *caps = x->c->process != NULL ? x->c->process->capabilities : NULL;

  if (caps == NULL)
    return 0;
  for (size_t i = 0; i < sizeof cap_sets / sizeof cap_sets[0]; i++)
    {
      char **set = *(char ***) ((char *) caps + cap_sets[i].offset);
      bool drop_all = cap_sets[i].ambient && x->p->ambient == 0;

      if (!x->p->cap_set && !drop_all)
        continue;
      if (clamp_set (x, set, cap_sets[i].field, drop_all ? "AmbientCapabilities" : "CapabilityBoundingSet",
                     drop_all, err) < 0)
        return -1;
    }
  return 0;
}

static void
fmt_limit (char *buf, size_t n, uint64_t v)
{
  if (v == UINT64_MAX)
    snprintf (buf, n, "infinity");
  else
    snprintf (buf, n, "%" PRIu64, v);
}

static int
append_rlimit (struct oci_process *pr, const char *type, uint64_t soft, uint64_t hard, sk_error_t *err)
{
  struct oci_rlimit *grown = realloc (pr->rlimits, (pr->n_rlimits + 1) * sizeof (*grown));

  if (grown == NULL)
    return sk_error_set (err, ENOMEM, "process.rlimits");
  pr->rlimits = grown;
  grown[pr->n_rlimits] = (struct oci_rlimit){ .type = strdup (type), .soft = soft, .hard = hard };
  if (grown[pr->n_rlimits].type == NULL)
    return sk_error_set (err, ENOMEM, "process.rlimits");
  pr->n_rlimits++;
  return 0;
}

static int
clamp_rlimit (struct policy_ctx *x, int index, sk_error_t *err)
{
  const struct sk_rlimit_floor *f = &x->p->rlimits[index];
  struct oci_process *pr = x->c->process;
  const char *type = rlimit_type (index);
  struct oci_rlimit *cur = NULL;
  char s1[24], h1[24], s2[24], h2[24], asked[96], result[96], directive[32];

  for (size_t i = 0; i < pr->n_rlimits; i++)
    if (strcmp (pr->rlimits[i].type, type) == 0)
      cur = &pr->rlimits[i];
  snprintf (directive, sizeof directive, "Rlimit%s", type + strlen ("RLIMIT_"));
  fmt_limit (s2, sizeof s2, f->soft);
  fmt_limit (h2, sizeof h2, f->hard);
  snprintf (result, sizeof result, "%s %s:%s", type, s2, h2);
  if (cur == NULL)
    {
      snprintf (asked, sizeof asked, "%s unset (inherited from the runtime)", type);
      if (policy_record (x, SK_CHANGE_ADD, "process.rlimits", directive, asked, result, err) < 0)
        return -1;
      return x->apply ? append_rlimit (pr, type, f->soft, f->hard, err) : 0;
    }
  if (cur->soft <= f->soft && cur->hard <= f->hard)
    return 0;
  fmt_limit (s1, sizeof s1, cur->soft);
  fmt_limit (h1, sizeof h1, cur->hard);
  snprintf (asked, sizeof asked, "%s %s:%s", type, s1, h1);
  {
    uint64_t hard = cur->hard < f->hard ? cur->hard : f->hard;
    uint64_t soft = cur->soft < f->soft ? cur->soft : f->soft;
    if (soft > hard)
      soft = hard;
    fmt_limit (s2, sizeof s2, soft);
    fmt_limit (h2, sizeof h2, hard);
    snprintf (result, sizeof result, "%s %s:%s", type, s2, h2);
    if (policy_record (x, SK_CHANGE_CLAMP, "process.rlimits", directive, asked, result, err) < 0)
      return -1;
    if (x->apply)
      {
        cur->soft = soft;
        cur->hard = hard;
      }
  }
  return 0;
}

char *
policy_mcs_level (const char *container_id, const struct sk_mcs_hint *mcs)
{
  uint64_t idx = sk_id_hash (container_id, UINT64_C (0x6d6373)) % SK_MCS_PAIRS;

  if (mcs != NULL && mcs->fixed != NULL)
    return strdup (mcs->fixed);
  if (mcs != NULL)
    idx = sk_selinux_mcs_probe (idx, mcs->in_use);
  return idx < SK_MCS_PAIRS ? sk_selinux_mcs_level (idx) : NULL;
}

/* Set *LABEL to WANT (recording under FIELD). */
static int
set_label (struct policy_ctx *x, char **label, const char *field, const char *want, sk_error_t *err)
{
  bool absent = *label == NULL;

  if (!absent && strcmp (*label, want) == 0)
    return 0;
  if (policy_record (x, absent ? SK_CHANGE_ADD : SK_CHANGE_CLAMP, field, "SELinuxContext",
                     absent ? "no label" : *label, want, err) < 0)
    return -1;
  if (x->apply)
    {
      free (*label);
      if ((*label = strdup (want)) == NULL)
        return sk_error_set (err, ENOMEM, "%s", field);
    }
  return 0;
}

static int
policy_selinux (struct policy_ctx *x, sk_error_t *err)
{
  const struct sk_profile *p = x->p;
  cleanup_free char *level = NULL, *proc = NULL, *mnt = NULL;
  char *none = NULL;

  if (p->selinux_type == NULL)
    return 0;
  level = p->selinux_level == NULL || strcmp (p->selinux_level, "auto") == 0 ? policy_mcs_level (x->id, x->mcs)
                                                                              : strdup (p->selinux_level);
  if (level != NULL)
    {
      proc = sk_selinux_label_compose ("system_u", "system_r", p->selinux_type, level);
      mnt = sk_selinux_label_compose ("system_u", "object_r",
                                      p->selinux_mount_type != NULL ? p->selinux_mount_type : "container_file_t",
                                      level);
    }
  if (proc == NULL || mnt == NULL)
    return sk_error_set (err, ENOMEM, "SELinux label");
  if (x->c->process != NULL && set_label (x, &x->c->process->selinux_label, "process.selinuxLabel", proc, err) < 0)
    return -1;
  if (x->process_only)
    return 0;
  if (policy_linux (x, err) < 0)
    return -1;
  return set_label (x, x->c->linux_cfg != NULL ? &x->c->linux_cfg->mount_label : &none, "linux.mountLabel", mnt,
                    err);
}

int
policy_process (struct policy_ctx *x, sk_error_t *err)
{
  struct oci_process *pr = x->c->process;

  if (pr != NULL && x->p->no_new_privs == 1 && !pr->no_new_privileges)
    {
      if (policy_record (x, SK_CHANGE_CLAMP, "process.noNewPrivileges", "NoNewPrivileges", "false", "true", err) < 0)
        return -1;
      if (x->apply)
        pr->no_new_privileges = true;
    }
  for (int i = 0; pr != NULL && i < SK_RLIMIT_COUNT; i++)
    if (x->p->rlimits[i].set && clamp_rlimit (x, i, err) < 0)
      return -1;
  return policy_selinux (x, err);
}
