/* sk_policy_apply(): run every area's clamp over the config in the profile's
 * mode, and collect the report.  The areas live in policy_*.c; each one
 * computes the same changes whether or not it may mutate the config, so
 * complain and strict see exactly what enforce would do. */
#include "profile_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

static void
change_clear (struct sk_policy_change *ch)
{
  free (ch->field);
  free (ch->directive);
  free (ch->asked);
  free (ch->result);
}

void
sk_policy_report_clear (struct sk_policy_report *r)
{
  if (r == NULL)
    return;
  for (size_t i = 0; i < r->n; i++)
    change_clear (&r->changes[i]);
  free (r->changes);
  r->changes = NULL;
  r->n = 0;
}

int
policy_record (struct policy_ctx *x, enum sk_policy_change_kind kind, const char *field, const char *directive,
               const char *asked, const char *result, sk_error_t *err)
{
  struct sk_policy_report *r = x->r;
  struct sk_policy_change *grown = realloc (r->changes, (r->n + 1) * sizeof (*grown));
  struct sk_policy_change ch = {
    .kind = kind,
    .field = strdup (field),
    .directive = strdup (directive),
    .asked = strdup (asked != NULL ? asked : ""),
    .result = strdup (result != NULL ? result : ""),
  };

  if (grown != NULL)
    r->changes = grown;
  if (grown == NULL || ch.field == NULL || ch.directive == NULL || ch.asked == NULL || ch.result == NULL)
    {
      change_clear (&ch);
      return sk_error_set (err, ENOMEM, "policy report");
    }
  r->changes[r->n++] = ch;
  x->violations += kind == SK_CHANGE_CLAMP;
  x->refusals += kind == SK_CHANGE_REFUSE;
  return 0;
}

int
policy_linux (struct policy_ctx *x, sk_error_t *err)
{
  if (x->apply && x->c->linux_cfg == NULL && (x->c->linux_cfg = calloc (1, sizeof (struct oci_linux))) == NULL)
    return sk_error_set (err, ENOMEM, "linux");
  return 0;
}

int
policy_resources (struct policy_ctx *x, sk_error_t *err)
{
  if (policy_linux (x, err) < 0)
    return -1;
  if (x->apply && x->c->linux_cfg->resources == NULL
      && (x->c->linux_cfg->resources = calloc (1, sizeof (struct oci_resources))) == NULL)
    return sk_error_set (err, ENOMEM, "linux.resources");
  return 0;
}

void
oci_mount_release (struct oci_mount *m)
{
  free (m->destination);
  free (m->source);
  free (m->type);
  sk_strv_free (m->options);
  free (m->uid_mappings);
  free (m->gid_mappings);
  memset (m, 0, sizeof *m);
}

void
oci_hook_list_release (struct oci_hook_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    {
      free (l->hooks[i].path);
      sk_strv_free (l->hooks[i].args);
      sk_strv_free (l->hooks[i].env);
    }
  free (l->hooks);
  l->hooks = NULL;
  l->n = 0;
}

typedef int (*policy_area) (struct policy_ctx *, sk_error_t *);

/* Everything, for a whole config; the process-side areas for `exec`. */
static const policy_area all_areas[] = { policy_caps, policy_process, policy_fs, policy_ns, policy_linux_misc };
static const policy_area process_areas[] = { policy_caps, policy_process };

static int
run_areas (struct policy_ctx *x, const policy_area *areas, size_t n, sk_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    if (areas[i](x, err) < 0)
      return -1;
  return 0;
}

/* "profile NAME (MODE): N violations: FIELD: ASKED not allowed by DIRECTIVE; ..."
 * Strict lists clamps and refusals, enforce only refusals. */
static int
refuse (const struct policy_ctx *x, enum sk_profile_mode mode, sk_error_t *err)
{
  cleanup_sbuf struct sbuf b = { 0 };
  cleanup_free char *msg = NULL;
  const char *sep = "";
  bool strict = mode == SK_PROFILE_STRICT;
  size_t n = x->refusals + (strict ? x->violations : 0);

  sbuf_printf (&b, "profile %s (%s): %zu violation%s: ", x->p->name, sk_profile_mode_name (mode), n,
               n == 1 ? "" : "s");
  for (size_t i = 0; i < x->r->n; i++)
    {
      const struct sk_policy_change *ch = &x->r->changes[i];
      if (ch->kind == SK_CHANGE_ADD || (ch->kind == SK_CHANGE_CLAMP && !strict))
        continue;
      sbuf_printf (&b, "%s%s: %s not allowed by %s", sep, ch->field, ch->asked, ch->directive);
      sep = "; ";
    }
  if (sbuf_finish (&b, &msg, NULL, err) < 0)
    return -1;
  return sk_error_set (err, 0, "%s", msg);
}

static int
apply (struct policy_ctx *x, const policy_area *areas, size_t n, sk_error_t *err)
{
  enum sk_profile_mode mode = sk_profile_mode (x->p);
  size_t n0 = x->r->n;

  if (x->id == NULL || *x->id == '\0')
    return sk_error_set (err, EINVAL, "profile %s: a container id is needed", x->p->name);
  /* Look before leaping: a dry pass first, so a refused config is left
   * exactly as it came and complain never touches it. */
  x->apply = false;
  if (run_areas (x, areas, n, err) < 0)
    return -1;
  if (mode == SK_PROFILE_COMPLAIN)
    return 0;
  if (x->refusals > 0 || (mode == SK_PROFILE_STRICT && x->violations > 0))
    return refuse (x, mode, err);
  /* The second pass makes the changes (strict: only additions are left) and
   * records them again. */
  while (x->r->n > n0)
    change_clear (&x->r->changes[--x->r->n]);
  x->apply = true;
  x->violations = x->refusals = 0;
  return run_areas (x, areas, n, err);
}

int
sk_policy_apply_mcs (const struct sk_profile *p, const char *container_id, const struct sk_mcs_hint *mcs,
                     struct oci_config *c, struct sk_policy_report *r, sk_error_t *err)
{
  struct policy_ctx x = { .p = p, .id = container_id, .mcs = mcs, .c = c, .r = r };

  return apply (&x, all_areas, sizeof all_areas / sizeof all_areas[0], err);
}

int
sk_policy_apply (const struct sk_profile *p, const char *container_id, struct oci_config *c,
                 struct sk_policy_report *r, sk_error_t *err)
{
  return sk_policy_apply_mcs (p, container_id, NULL, c, r, err);
}

int
sk_policy_apply_process_mcs (const struct sk_profile *p, const char *container_id, const struct sk_mcs_hint *mcs,
                             struct oci_process *process, struct sk_policy_report *r, sk_error_t *err)
{
  /* A config holding only the process: the process areas touch nothing
   * else (process_only keeps SELinux off linux.mountLabel). */
  struct oci_config c = { .process = process };
  struct policy_ctx x = { .p = p, .id = container_id, .mcs = mcs, .c = &c, .r = r, .process_only = true };

  return apply (&x, process_areas, sizeof process_areas / sizeof process_areas[0], err);
}

int
sk_policy_apply_process (const struct sk_profile *p, const char *container_id, struct oci_process *process,
                         struct sk_policy_report *r, sk_error_t *err)
{
  return sk_policy_apply_process_mcs (p, container_id, NULL, process, r, err);
}

bool
sk_profile_selinux_auto_level (const struct sk_profile *p)
{
  return p->selinux_type != NULL && (p->selinux_level == NULL || strcmp (p->selinux_level, "auto") == 0);
}
