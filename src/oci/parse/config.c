/* config.json: the top level, the entry points and oci_config_free(). */
#include "parse_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

int
oci_add_warning (char ***warnings, const char *msg, sk_error_t *err)
{
  size_t n = sk_strv_len (*warnings);
  char **grown = realloc (*warnings, (n + 2) * sizeof (char *));

  if (grown == NULL)
    return sk_error_set (err, ENOMEM, "realloc");
  *warnings = grown;
  grown[n] = strdup (msg);
  grown[n + 1] = NULL;
  if (grown[n] == NULL)
    return sk_error_set (err, ENOMEM, "strdup");
  return 0;
}

static int
parse_root (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_root *r = out;

  if (jr_string (obj, p, "path", JR_REQUIRED, &r->path, err) < 0
      || jr_bool (obj, p, "readonly", &r->readonly, err) < 0)
    return -1;
  return 0;
}

static int
parse_linux_section (yajl_val obj, const struct jpath *p, struct oci_config *c, sk_error_t *err)
{
  yajl_val v;

  if (jr_object (obj, p, "linux", JR_OPTIONAL, &v, err) < 0)
    return -1;
  if (v == NULL)
    return 0;
  c->linux_cfg = calloc (1, sizeof (*c->linux_cfg));
  if (c->linux_cfg == NULL)
    return sk_error_set (err, ENOMEM, "calloc");
  return oci_parse_linux (v, JP_KEY (p, "linux"), c->linux_cfg, &c->warnings, err);
}

static int
parse_config (yajl_val obj, const struct jpath *p, struct oci_config *c, sk_error_t *err)
{
  if (jr_string (obj, p, "ociVersion", JR_REQUIRED, &c->oci_version, err) < 0
      || jr_sub (obj, p, "root", JR_REQUIRED, parse_root, &c->root, err) < 0
      || jr_array (obj, p, "mounts", JR_OPTIONAL, sizeof (struct oci_mount), oci_parse_mount,
                   oci_mount_clear, (void **) &c->mounts, &c->n_mounts, err) < 0
      || jr_sub_alloc (obj, p, "process", sizeof (struct oci_process), oci_parse_process,
                       oci_process_clear, (void **) &c->process, err) < 0
      || jr_string (obj, p, "hostname", JR_OPTIONAL, &c->hostname, err) < 0
      || jr_string (obj, p, "domainname", JR_OPTIONAL, &c->domainname, err) < 0
      || jr_sub (obj, p, "hooks", JR_OPTIONAL, oci_parse_hooks, &c->hooks, err) < 0
      || jr_kv (obj, p, "annotations", &c->annotations, &c->n_annotations, err) < 0
      || parse_linux_section (obj, p, c, err) < 0)
    return -1;
  return 0;
}

static int
config_from_tree (yajl_val tree, struct oci_config **out, sk_error_t *err)
{
  cleanup_config struct oci_config *c = calloc (1, sizeof (*c));

  if (c == NULL)
    return sk_error_set (err, ENOMEM, "calloc");
  if (parse_config (tree, &jr_root, c, err) < 0)
    return -1;
  *out = steal_pointer (&c);
  return 0;
}

int
oci_config_parse_data (const char *json, size_t len, struct oci_config **out, sk_error_t *err)
{
  cleanup_tree yajl_val tree = NULL;

  if (jr_load (json, len, "config.json", &tree, err) < 0)
    return -1;
  return config_from_tree (tree, out, err);
}

int
oci_config_parse_file (const char *path, struct oci_config **out, sk_error_t *err)
{
  cleanup_free char *text = NULL;
  cleanup_tree yajl_val tree = NULL;
  size_t len = 0;

  if (jr_read_file (path, OCI_MAX_FILE_SIZE, &text, &len, err) < 0
      || jr_load (text, len, path, &tree, err) < 0)
    return -1;
  if (config_from_tree (tree, out, err) < 0)
    return sk_error_wrap (err, "%s", path);
  return 0;
}

void
oci_config_free (struct oci_config *c)
{
  if (c == NULL)
    return;
  free (c->oci_version);
  free (c->root.path);
  jr_array_free (c->mounts, c->n_mounts, sizeof (struct oci_mount), oci_mount_clear);
  oci_process_free (c->process);
  free (c->hostname);
  free (c->domainname);
  oci_hooks_clear (&c->hooks);
  oci_kv_free (c->annotations, c->n_annotations);
  if (c->linux_cfg != NULL)
    oci_linux_clear (c->linux_cfg);
  free (c->linux_cfg);
  sk_strv_free (c->warnings);
  free (c);
}
