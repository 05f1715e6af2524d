/* `hooks`: six lists of {path, args, env, timeout}. */
#include "parse_internal.h"

#include <stdlib.h>

#include "stockade/cleanup.h"

static int
parse_hook (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_hook *h = out;
  int64_t timeout = 0;

  if (jr_string (obj, p, "path", JR_REQUIRED | JR_ABSOLUTE, &h->path, err) < 0
      || jr_strv (obj, p, "args", JR_OPTIONAL, &h->args, err) < 0
      || jr_strv (obj, p, "env", JR_OPTIONAL, &h->env, err) < 0
      || jr_int (obj, p, "timeout", JR_OPTIONAL, 1, INT32_MAX, &timeout, &h->timeout.set, err) < 0)
    return -1;
  h->timeout.v = (int32_t) timeout;
  return 0;
}

static void
hook_clear (void *out)
{
  struct oci_hook *h = out;

  free (h->path);
  sk_strv_free (h->args);
  sk_strv_free (h->env);
}

static int
parse_hook_list (yajl_val obj, const struct jpath *p, const char *key, struct oci_hook_list *l,
                 sk_error_t *err)
{
  return jr_array (obj, p, key, JR_OPTIONAL, sizeof (struct oci_hook), parse_hook, hook_clear,
                   (void **) &l->hooks, &l->n, err);
}

int
oci_parse_hooks (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_hooks *h = out;

  if (parse_hook_list (obj, p, "prestart", &h->prestart, err) < 0
      || parse_hook_list (obj, p, "createRuntime", &h->create_runtime, err) < 0
      || parse_hook_list (obj, p, "createContainer", &h->create_container, err) < 0
      || parse_hook_list (obj, p, "startContainer", &h->start_container, err) < 0
      || parse_hook_list (obj, p, "poststart", &h->poststart, err) < 0
      || parse_hook_list (obj, p, "poststop", &h->poststop, err) < 0)
    return -1;
  return 0;
}

static void
hook_list_clear (struct oci_hook_list *l)
{
  jr_array_free (l->hooks, l->n, sizeof (struct oci_hook), hook_clear);
}

void
oci_hooks_clear (struct oci_hooks *h)
{
  hook_list_clear (&h->prestart);
  hook_list_clear (&h->create_runtime);
  hook_list_clear (&h->create_container);
  hook_list_clear (&h->start_container);
  hook_list_clear (&h->poststart);
  hook_list_clear (&h->poststop);
}
