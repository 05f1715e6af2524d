/* Namespaces: PrivateNamespaces= (never the host's), JoinNamespaces= (which
 * may be joined by path), PrivateUsers= (the user namespace and its maps). */
#include "profile_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

/* Paths that name the runtime's (the host's) own namespaces.  Only a hint:
 * the kernel side compares inodes, see sk_profile_private_namespaces(). */
static bool
is_host_ns_path (const char *path)
{
  static const char *const prefixes[] = { "/proc/1/ns/", "/proc/self/ns/", "/proc/thread-self/ns/" };
  cleanup_free char *norm = path_normalize (path);

  for (size_t i = 0; norm != NULL && i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncmp (norm, prefixes[i], strlen (prefixes[i])) == 0)
      return true;
  return false;
}

static struct oci_namespace *
find_ns (const struct oci_config *c, enum oci_ns_type t)
{
  for (size_t i = 0; c->linux_cfg != NULL && i < c->linux_cfg->n_namespaces; i++)
    if (c->linux_cfg->namespaces[i].type == t)
      return &c->linux_cfg->namespaces[i];
  return NULL;
}

static bool
join_allowed (const struct sk_profile *p, enum oci_ns_type t)
{
  return !p->join_set || (p->join_ns & (1u << t)) != 0;
}

static int
add_ns (struct oci_config *c, enum oci_ns_type t, sk_error_t *err)
{
  struct oci_linux *l = c->linux_cfg;
  struct oci_namespace *grown = realloc (l->namespaces, (l->n_namespaces + 1) * sizeof (*grown));

  if (grown == NULL)
    return sk_error_set (err, ENOMEM, "linux.namespaces");
  l->namespaces = grown;
  grown[l->n_namespaces++] = (struct oci_namespace){ .type = t, .path = NULL };
  return 0;
}

static int
one_namespace (struct policy_ctx *x, enum oci_ns_type t, sk_error_t *err)
{
  const char *name = oci_ns_type_name (t);
  struct oci_namespace *ns = find_ns (x->c, t);
  bool private = (x->p->private_ns & (1u << t)) != 0;
  cleanup_free char *asked = NULL, *result = NULL;
  const char *directive;

  if (ns == NULL)
    {
      if (!private)
        return 0;
      if (asprintf (&asked, "no %s namespace (the host's)", name) < 0
          || asprintf (&result, "new %s namespace", name) < 0)
        return sk_error_set (err, ENOMEM, "linux.namespaces");
      if (policy_record (x, SK_CHANGE_CLAMP, "linux.namespaces", "PrivateNamespaces", asked, result, err) < 0
          || policy_linux (x, err) < 0)
        return -1;
      return x->apply ? add_ns (x->c, t, err) : 0;
    }
  if (ns->path == NULL)
    return 0;
  if (private && is_host_ns_path (ns->path))
    directive = "PrivateNamespaces";
  else if (!join_allowed (x->p, t))
    directive = "JoinNamespaces";
  else
    return 0;
  if (asprintf (&asked, "join %s namespace %s", name, ns->path) < 0
      || asprintf (&result, "new %s namespace", name) < 0)
    return sk_error_set (err, ENOMEM, "linux.namespaces");
  if (policy_record (x, SK_CHANGE_CLAMP, "linux.namespaces", directive, asked, result, err) < 0)
    return -1;
  if (x->apply)
    {
      free (ns->path);
      ns->path = NULL;
    }
  return 0;
}

void
sk_policy_userns_range (const struct sk_profile *p, const char *container_id, uint32_t *host_start,
                        uint32_t *size)
{
  /* The built-in range is one slice; profiles set a larger one for a
   * distinct host range per container. */
  uint32_t start = p->userns_range_set ? p->userns_start : 100000;
  uint32_t count = p->userns_range_set ? p->userns_count : SK_USERNS_SLICE;
  uint32_t slots = count / SK_USERNS_SLICE;

  *host_start = start + (uint32_t) (sk_id_hash (container_id, UINT64_C (0x75736572)) % slots) * SK_USERNS_SLICE;
  *size = SK_USERNS_SLICE;
}

static bool
maps_host_root (const struct oci_id_mapping *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (m[i].host_id == 0 && m[i].size > 0)
      return true;
  return false;
}

static int
set_maps (struct oci_linux *l, uint32_t host, uint32_t size, sk_error_t *err)
{
  struct oci_id_mapping *u = malloc (sizeof (*u)), *g = malloc (sizeof (*g));

  if (u == NULL || g == NULL)
    {
      free (u);
      free (g);
      return sk_error_set (err, ENOMEM, "linux.uidMappings");
    }
  *u = *g = (struct oci_id_mapping){ .container_id = 0, .host_id = host, .size = size };
  free (l->uid_mappings);
  free (l->gid_mappings);
  l->uid_mappings = u;
  l->gid_mappings = g;
  l->n_uid_mappings = l->n_gid_mappings = 1;
  return 0;
}

/* PrivateUsers=require: a new user namespace whose root is not host root.
 * Also what replaces a user namespace JoinNamespaces= does not let the
 * config join (DIRECTIVE names who decided). */
static int
require_userns (struct policy_ctx *x, const char *directive, sk_error_t *err)
{
  struct oci_namespace *ns = find_ns (x->c, OCI_NS_USER);
  const struct oci_linux *l = x->c->linux_cfg;
  cleanup_free char *asked = NULL, *result = NULL;
  enum sk_policy_change_kind kind = SK_CHANGE_CLAMP;
  uint32_t host, size;

  if (ns == NULL)
    {
      kind = SK_CHANGE_ADD;
      asked = strdup ("no user namespace (container root is host root)");
    }
  else if (ns->path != NULL)
    {
      /* Joining another container's user namespace is the engine's call
       * when allowed; the kernel side checks it is not the host's. */
      if (join_allowed (x->p, OCI_NS_USER) && !is_host_ns_path (ns->path))
        return 0;
      if (asprintf (&asked, "join user namespace %s", ns->path) < 0)
        asked = NULL;
    }
  else if (l->n_uid_mappings == 0 || l->n_gid_mappings == 0)
    {
      kind = SK_CHANGE_ADD;
      asked = strdup ("user namespace without uid/gid mappings");
    }
  else if (maps_host_root (l->uid_mappings, l->n_uid_mappings) || maps_host_root (l->gid_mappings, l->n_gid_mappings))
    asked = strdup ("uid/gid mappings include host id 0");
  else
    return 0;
  sk_policy_userns_range (x->p, x->id, &host, &size);
  if (asked == NULL
      || asprintf (&result, "new user namespace, ids 0-%u -> host %u-%u", size - 1, host, host + (size - 1)) < 0)
    return sk_error_set (err, ENOMEM, "linux.namespaces");
  if (policy_record (x, kind, "linux.namespaces", directive, asked, result, err) < 0
      || policy_linux (x, err) < 0)
    return -1;
  if (!x->apply)
    return 0;
  if (ns == NULL && add_ns (x->c, OCI_NS_USER, err) < 0)
    return -1;
  if ((ns = find_ns (x->c, OCI_NS_USER))->path != NULL)
    {
      free (ns->path);
      ns->path = NULL;
    }
  return set_maps (x->c->linux_cfg, host, size, err);
}

/* PrivateUsers=no: dropping a user namespace the config asks for would run
 * its root as host root, so the config is refused instead. */
static int
forbid_userns (struct policy_ctx *x, sk_error_t *err)
{
  struct oci_namespace *ns = find_ns (x->c, OCI_NS_USER);

  if (ns == NULL)
    return 0;
  return policy_record (x, SK_CHANGE_REFUSE, "linux.namespaces", "PrivateUsers",
                        ns->path != NULL ? "join a user namespace" : "new user namespace", "refused", err);
}

int
policy_ns (struct policy_ctx *x, sk_error_t *err)
{
  for (int t = 0; t < OCI_NS__COUNT; t++)
    if (t != OCI_NS_USER && one_namespace (x, (enum oci_ns_type) t, err) < 0)
      return -1;
  switch (sk_profile_private_users (x->p))
    {
    case SK_PRIVATE_USERS_REQUIRE:
      return require_userns (x, "PrivateUsers", err);
    case SK_PRIVATE_USERS_NO:
      return forbid_userns (x, err);
    case SK_PRIVATE_USERS_ALLOW:
      break;
    }
  /* Not forced, but a join JoinNamespaces= refuses becomes a new user
   * namespace, which needs maps of its own. */
  {
    const struct oci_namespace *ns = find_ns (x->c, OCI_NS_USER);
    if (ns != NULL && ns->path != NULL && !join_allowed (x->p, OCI_NS_USER))
      return require_userns (x, "JoinNamespaces", err);
  }
  return 0;
}
