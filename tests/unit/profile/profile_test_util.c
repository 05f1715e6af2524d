#include "profile_test_util.h"

#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stockade/cleanup.h"

int
tu_init (struct tu *t, int argc, char **argv)
{
  const char *tmpdir = getenv ("TMPDIR");

  memset (t, 0, sizeof *t);
  if (argc < 3)
    {
      fprintf (stderr, "usage: %s PROFILES_DIR TEST_SOURCE_DIR\n", argv[0]);
      return -1;
    }
  t->profiles = argv[1];
  t->src = argv[2];
  if (tmpdir == NULL || *tmpdir == '\0')
    tmpdir = "/tmp";
  snprintf (t->tmp, sizeof t->tmp, "%s/sk-profile-test.XXXXXX", tmpdir);
  if (mkdtemp (t->tmp) == NULL)
    return -1;
  t->dirs[0] = t->tmp;
  t->dirs[1] = t->profiles;
  return 0;
}

static int
rm_entry (const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  (void) sb;
  (void) flag;
  (void) ftw;
  return remove (path);
}

void
tu_done (struct tu *t)
{
  if (t->tmp[0] != '\0')
    nftw (t->tmp, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

char *
tu_write (struct tu *t, const char *name, const char *text)
{
  char *path = NULL;
  FILE *f;

  if (asprintf (&path, "%s/%s", t->tmp, name) < 0)
    return NULL;
  f = fopen (path, "w");
  if (f == NULL)
    {
      free (path);
      return NULL;
    }
  fputs (text, f);
  fclose (f);
  return path;
}

struct sk_profile *
tu_profile_named (struct tu *t, const char *name, const char *text, sk_error_t *err)
{
  cleanup_free char *file = NULL, *path = NULL;
  struct sk_profile *p = NULL;

  if (asprintf (&file, "%s.profile", name) < 0 || (path = tu_write (t, file, text)) == NULL)
    return NULL;
  if (sk_profile_parse_file (path, t->dirs, &p, err) < 0)
    return NULL;
  return p;
}

struct sk_profile *
tu_profile (struct tu *t, const char *text, sk_error_t *err)
{
  return tu_profile_named (t, "t", text, err);
}

struct sk_profile *
tu_shipped (struct tu *t, const char *name, sk_error_t *err)
{
  const char *dirs[] = { t->profiles, NULL };
  struct sk_profile *p = NULL;

  return sk_profile_load (name, dirs, &p, err) < 0 ? NULL : p;
}

struct oci_config *
tu_config (const char *json)
{
  cleanup_error sk_error_t err = NULL;
  struct oci_config *c = NULL;

  if (oci_config_parse_data (json, strlen (json), &c, &err) < 0)
    {
      printf ("# config does not parse: %s\n", sk_error_msg (&err));
      return NULL;
    }
  return c;
}

static void
digest_strv (struct sbuf *b, const char *what, char *const *v)
{
  sbuf_printf (b, "%s:", what);
  for (size_t i = 0; v != NULL && v[i] != NULL; i++)
    sbuf_printf (b, " %s", v[i]);
  sbuf_printf (b, "\n");
}

static void
digest_hooks (struct sbuf *b, const char *what, const struct oci_hook_list *l)
{
  sbuf_printf (b, "%s:", what);
  for (size_t i = 0; i < l->n; i++)
    sbuf_printf (b, " %s", l->hooks[i].path);
  sbuf_printf (b, "\n");
}

static void
digest_linux (struct sbuf *b, const struct oci_linux *l)
{
  if (l == NULL)
    {
      sbuf_printf (b, "linux: none\n");
      return;
    }
  for (size_t i = 0; i < l->n_namespaces; i++)
    sbuf_printf (b, "ns %d %s\n", l->namespaces[i].type, l->namespaces[i].path ? l->namespaces[i].path : "-");
  for (size_t i = 0; i < l->n_uid_mappings; i++)
    sbuf_printf (b, "uidmap %u %u %u\n", l->uid_mappings[i].container_id, l->uid_mappings[i].host_id,
                 l->uid_mappings[i].size);
  for (size_t i = 0; i < l->n_gid_mappings; i++)
    sbuf_printf (b, "gidmap %u %u %u\n", l->gid_mappings[i].container_id, l->gid_mappings[i].host_id,
                 l->gid_mappings[i].size);
  for (size_t i = 0; i < l->n_devices; i++)
    sbuf_printf (b, "dev %s %c %" PRId64 ":%" PRId64 "\n", l->devices[i].path, l->devices[i].type,
                 l->devices[i].major, l->devices[i].minor);
  for (size_t i = 0; i < l->n_sysctl; i++)
    sbuf_printf (b, "sysctl %s=%s\n", l->sysctl[i].key, l->sysctl[i].value);
  digest_strv (b, "masked", l->masked_paths);
  digest_strv (b, "readonly", l->readonly_paths);
  sbuf_printf (b, "mountLabel %s\n", l->mount_label ? l->mount_label : "-");
  sbuf_printf (b, "seccomp %s\n", l->seccomp ? l->seccomp->default_action : "-");
  if (l->resources != NULL)
    {
      const struct oci_resources *r = l->resources;
      sbuf_printf (b, "pids %d %" PRId64 "\n", r->pids_limit.set, r->pids_limit.v);
      for (size_t i = 0; i < r->n_devices; i++)
        sbuf_printf (b, "rule %d %c %d:%" PRId64 " %d:%" PRId64 " %s\n", r->devices[i].allow, r->devices[i].type,
                     r->devices[i].major.set, r->devices[i].major.v, r->devices[i].minor.set, r->devices[i].minor.v,
                     r->devices[i].access ? r->devices[i].access : "-");
    }
}

char *
tu_digest (const struct oci_config *c)
{
  struct sbuf b = { 0 };
  char *out = NULL;
  const struct oci_process *pr = c->process;

  sbuf_printf (&b, "root %s %d\n", c->root.path, c->root.readonly);
  for (size_t i = 0; i < c->n_mounts; i++)
    {
      const struct oci_mount *m = &c->mounts[i];
      sbuf_printf (&b, "mount %s %s %s", m->destination, m->source ? m->source : "-", m->type ? m->type : "-");
      digest_strv (&b, "", m->options);
    }
  if (pr != NULL)
    {
      sbuf_printf (&b, "nnp %d label %s\n", pr->no_new_privileges, pr->selinux_label ? pr->selinux_label : "-");
      if (pr->capabilities != NULL)
        {
          digest_strv (&b, "bounding", pr->capabilities->bounding);
          digest_strv (&b, "effective", pr->capabilities->effective);
          digest_strv (&b, "inheritable", pr->capabilities->inheritable);
          digest_strv (&b, "permitted", pr->capabilities->permitted);
          digest_strv (&b, "ambient", pr->capabilities->ambient);
        }
      for (size_t i = 0; i < pr->n_rlimits; i++)
        sbuf_printf (&b, "rlimit %s %" PRIu64 " %" PRIu64 "\n", pr->rlimits[i].type, pr->rlimits[i].soft,
                     pr->rlimits[i].hard);
    }
  digest_hooks (&b, "prestart", &c->hooks.prestart);
  digest_hooks (&b, "createRuntime", &c->hooks.create_runtime);
  digest_hooks (&b, "poststop", &c->hooks.poststop);
  digest_linux (&b, c->linux_cfg);
  if (sbuf_finish (&b, &out, NULL, NULL) < 0)
    {
      sbuf_release (&b);
      return NULL;
    }
  return out;
}

const struct sk_policy_change *
tu_find (const struct sk_policy_report *r, const char *field, const char *directive)
{
  for (size_t i = 0; i < r->n; i++)
    if (strcmp (r->changes[i].field, field) == 0 && strcmp (r->changes[i].directive, directive) == 0)
      return &r->changes[i];
  return NULL;
}

size_t
tu_count_kind (const struct sk_policy_report *r, enum sk_policy_change_kind kind)
{
  size_t n = 0;

  for (size_t i = 0; i < r->n; i++)
    n += r->changes[i].kind == kind;
  return n;
}

static void
json_strv (struct sbuf *b, char *const *v)
{
  sbuf_printf (b, "[");
  for (size_t i = 0; v != NULL && v[i] != NULL; i++)
    sbuf_printf (b, "%s\"%s\"", i ? "," : "", v[i]);
  sbuf_printf (b, "]");
}

int
tu_seccomp_roundtrip (const struct oci_seccomp *s, sk_error_t *err)
{
  struct sbuf b = { 0 };
  cleanup_free char *json = NULL;
  struct oci_config *c = NULL;
  int r;

  sbuf_printf (&b, "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"linux\":{\"seccomp\":{");
  sbuf_printf (&b, "\"defaultAction\":\"%s\"", s->default_action);
  if (s->default_errno_ret.set)
    sbuf_printf (&b, ",\"defaultErrnoRet\":%u", s->default_errno_ret.v);
  if (s->architectures != NULL)
    {
      sbuf_printf (&b, ",\"architectures\":");
      json_strv (&b, s->architectures);
    }
  sbuf_printf (&b, ",\"syscalls\":[");
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      const struct oci_seccomp_syscall *sc = &s->syscalls[i];
      sbuf_printf (&b, "%s{\"names\":", i ? "," : "");
      json_strv (&b, sc->names);
      sbuf_printf (&b, ",\"action\":\"%s\"", sc->action);
      if (sc->errno_ret.set)
        sbuf_printf (&b, ",\"errnoRet\":%u", sc->errno_ret.v);
      sbuf_printf (&b, ",\"args\":[");
      for (size_t j = 0; j < sc->n_args; j++)
        sbuf_printf (&b, "%s{\"index\":%u,\"value\":%" PRIu64 ",\"valueTwo\":%" PRIu64 ",\"op\":\"%s\"}",
                     j ? "," : "", sc->args[j].index, sc->args[j].value, sc->args[j].value_two, sc->args[j].op);
      sbuf_printf (&b, "]}");
    }
  sbuf_printf (&b, "]}}}");
  if (sbuf_finish (&b, &json, NULL, err) < 0)
    return -1;
  r = oci_config_parse_data (json, strlen (json), &c, err);
  oci_config_free (c);
  return r;
}

bool
tu_seccomp_allows (const struct oci_seccomp *s, const char *name)
{
  for (size_t i = 0; i < s->n_syscalls; i++)
    if (strcmp (s->syscalls[i].action, "SCMP_ACT_ALLOW") == 0 && s->syscalls[i].n_args == 0
        && strv_has (s->syscalls[i].names, name))
      return true;
  return false;
}

char *
tu_strip_comments (const char *text)
{
  struct sbuf b = { 0 };
  char *out = NULL;

  for (const char *s = text; *s != '\0';)
    {
      size_t n = strcspn (s, "\n");
      if (s[0] != '#')
        sbuf_printf (&b, "%.*s\n", (int) n, s);
      s += n + (s[n] == '\n');
    }
  if (sbuf_finish (&b, &out, NULL, NULL) < 0)
    sbuf_release (&b);
  return out;
}
