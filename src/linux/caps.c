#include "stockade/linux/caps.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <sys/capability.h>
#include <sys/prctl.h>

static int
resolve_list (char *const *names, const char *field, const struct sk_log *log, uint64_t *mask, sk_error_t *err)
{
  int last = (int) cap_max_bits () - 1;

  *mask = 0;
  for (size_t i = 0; names != NULL && names[i] != NULL; i++)
    {
      cap_value_t v;
      if (cap_from_name (names[i], &v) < 0)
        return sk_error_set (err, 0, "process.capabilities.%s[%zu]: unknown capability \"%s\"", field, i, names[i]);
      if (v > last || v > 63)
        {
          sk_log_warn (log, "process.capabilities.%s: %s is not known to this kernel, skipped", field, names[i]);
          continue;
        }
      *mask |= 1ULL << v;
    }
  return 0;
}

static void
caps_free (cap_t *c)
{
  if (*c != NULL)
    cap_free (*c);
}
#define cleanup_cap __attribute__ ((cleanup (caps_free)))

int
sk_caps_resolve (const struct oci_capabilities *c, const struct sk_log *log, struct sk_caps *out, sk_error_t *err)
{
  if (resolve_list (c->bounding, "bounding", log, &out->bounding, err) < 0
      || resolve_list (c->effective, "effective", log, &out->effective, err) < 0
      || resolve_list (c->permitted, "permitted", log, &out->permitted, err) < 0
      || resolve_list (c->inheritable, "inheritable", log, &out->inheritable, err) < 0
      || resolve_list (c->ambient, "ambient", log, &out->ambient, err) < 0)
    return -1;
  return 0;
}

int
sk_caps_drop_bounding (const struct sk_caps *c, sk_error_t *err)
{
  int last = (int) cap_max_bits () - 1;

  for (int v = 0; v <= last && v < 64; v++)
    if (!(c->bounding & (1ULL << v)) && CAP_IS_SUPPORTED (v) && cap_drop_bound ((cap_value_t) v) < 0)
      return sk_error_set (err, errno, "process.capabilities.bounding: drop %s", cap_to_name ((cap_value_t) v));
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return sk_error_set (err, errno, "prctl(PR_SET_KEEPCAPS)");
  return 0;
}

int
sk_caps_apply_final (const struct sk_caps *c, sk_error_t *err)
{
  cleanup_cap cap_t caps = cap_init ();
  int last = (int) cap_max_bits () - 1;

  if (caps == NULL)
    return sk_error_set (err, errno, "cap_init");
  for (int v = 0; v <= last && v < 64; v++)
    {
      cap_value_t cv = (cap_value_t) v;
      uint64_t bit = 1ULL << v;
      if ((c->effective & bit) && cap_set_flag (caps, CAP_EFFECTIVE, 1, &cv, CAP_SET) < 0)
        return sk_error_set (err, errno, "cap_set_flag");
      if ((c->permitted & bit) && cap_set_flag (caps, CAP_PERMITTED, 1, &cv, CAP_SET) < 0)
        return sk_error_set (err, errno, "cap_set_flag");
      if ((c->inheritable & bit) && cap_set_flag (caps, CAP_INHERITABLE, 1, &cv, CAP_SET) < 0)
        return sk_error_set (err, errno, "cap_set_flag");
    }
  if (cap_set_proc (caps) < 0)
    return sk_error_set (err, errno, "process.capabilities: set effective/permitted/inheritable");
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return sk_error_set (err, errno, "prctl(PR_SET_KEEPCAPS)");
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return sk_error_set (err, errno, "process.capabilities.ambient: clear");
  for (int v = 0; v <= last && v < 64; v++)
    if ((c->ambient & (1ULL << v)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
      return sk_error_set (err, errno, "process.capabilities.ambient: raise %s", cap_to_name ((cap_value_t) v));
  return 0;
}
