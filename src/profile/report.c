/* Rendering the policy report: JSON lines for log collectors, text for
 * people. */
#include "profile_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "stockade/cleanup.h"

static const char *const kind_names[] = { "clamp", "add", "refuse" };

static const char *
kind_name (enum sk_policy_change_kind k)
{
  return (unsigned) k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "unknown";
}

static bool
gen_kv (yajl_gen g, const char *key, const char *value)
{
  const char *v = value != NULL ? value : "";

  return yajl_gen_string (g, (const unsigned char *) key, strlen (key)) == yajl_gen_status_ok
         && yajl_gen_string (g, (const unsigned char *) v, strlen (v)) == yajl_gen_status_ok;
}

/* One change as one compact JSON object appended to B. */
static bool
change_line (struct sbuf *b, const struct sk_policy_change *ch, const char *container, const char *profile,
             const char *mode)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;
  bool ok;

  if (g == NULL)
    return false;
  ok = yajl_gen_map_open (g) == yajl_gen_status_ok && (container == NULL || gen_kv (g, "container", container))
       && gen_kv (g, "profile", profile) && gen_kv (g, "mode", mode)
       && gen_kv (g, "kind", kind_name (ch->kind)) && gen_kv (g, "field", ch->field)
       && gen_kv (g, "directive", ch->directive) && gen_kv (g, "asked", ch->asked)
       && gen_kv (g, "result", ch->result) && yajl_gen_map_close (g) == yajl_gen_status_ok
       && yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok;
  if (ok)
    sbuf_printf (b, "%.*s\n", (int) len, (const char *) buf);
  yajl_gen_free (g);
  return ok;
}

int
sk_policy_report_json (const struct sk_policy_report *r, const char *container, const char *profile,
                       const char *mode, char **out, size_t *len, sk_error_t *err)
{
  cleanup_sbuf struct sbuf b = { 0 };

  for (size_t i = 0; i < r->n; i++)
    if (!change_line (&b, &r->changes[i], container, profile, mode))
      return sk_error_set (err, ENOMEM, "policy report: JSON");
  return sbuf_finish (&b, out, len, err);
}

int
sk_policy_report_text (const struct sk_policy_report *r, char **out, sk_error_t *err)
{
  cleanup_sbuf struct sbuf b = { 0 };

  for (size_t i = 0; i < r->n; i++)
    {
      const struct sk_policy_change *ch = &r->changes[i];
      sbuf_printf (&b, "%-6s %s: %s -> %s (%s)\n", kind_name (ch->kind), ch->field, ch->asked, ch->result,
                   ch->directive);
    }
  return sbuf_finish (&b, out, NULL, err);
}
