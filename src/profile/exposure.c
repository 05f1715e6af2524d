/* `stockade check`: a short summary of what a (clamped) config still
 * exposes, for an operator deciding whether the floor is high enough. */
#include "profile_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

static void
caps_line (struct sbuf *b, const char *what, char *const *set)
{
  sbuf_printf (b, "capabilities (%s):", what);
  if (set == NULL || set[0] == NULL)
    sbuf_printf (b, " none");
  for (size_t i = 0; set != NULL && set[i] != NULL; i++)
    sbuf_printf (b, " %s", set[i]);
  sbuf_printf (b, "\n");
}

static const struct oci_namespace *
find_ns (const struct oci_linux *l, enum oci_ns_type t)
{
  for (size_t i = 0; l != NULL && i < l->n_namespaces; i++)
    if (l->namespaces[i].type == t)
      return &l->namespaces[i];
  return NULL;
}

static void
namespaces (struct sbuf *b, const struct oci_linux *l)
{
  const struct oci_namespace *user = find_ns (l, OCI_NS_USER);
  size_t shared = 0;

  sbuf_printf (b, "namespaces shared with the host:");
  for (int t = 0; t < OCI_NS__COUNT; t++)
    if (find_ns (l, (enum oci_ns_type) t) == NULL && ++shared)
      sbuf_printf (b, " %s", oci_ns_type_name ((enum oci_ns_type) t));
  sbuf_printf (b, "%s\n", shared ? "" : " none");
  for (size_t i = 0; l != NULL && i < l->n_namespaces; i++)
    if (l->namespaces[i].path != NULL)
      sbuf_printf (b, "namespace joined by path: %s = %s\n", oci_ns_type_name (l->namespaces[i].type),
                   l->namespaces[i].path);
  if (user == NULL)
    sbuf_printf (b, "user namespace: none, container root is host root\n");
  else if (user->path != NULL)
    sbuf_printf (b, "user namespace: joined (%s)\n", user->path);
  else
    for (size_t i = 0; i < l->n_uid_mappings; i++)
      sbuf_printf (b, "user namespace: uids %" PRIu32 "-%" PRIu64 " -> host %" PRIu32 "-%" PRIu64 "%s\n",
                   l->uid_mappings[i].container_id,
                   (uint64_t) l->uid_mappings[i].container_id + l->uid_mappings[i].size - 1,
                   l->uid_mappings[i].host_id, (uint64_t) l->uid_mappings[i].host_id + l->uid_mappings[i].size - 1,
                   l->uid_mappings[i].host_id == 0 ? " (HOST ROOT)" : "");
}

static void
mounts (struct sbuf *b, const struct oci_config *c)
{
  const char *sep = " ";

  sbuf_printf (b, "root filesystem: %s\n", c->root.readonly ? "read-only" : "WRITABLE");
  sbuf_printf (b, "writable mounts:");
  for (size_t i = 0; i < c->n_mounts; i++)
    {
      const struct oci_mount *m = &c->mounts[i];
      bool bind = mount_is_bind (m), tmpfs = m->type != NULL && strcmp (m->type, "tmpfs") == 0;
      if ((bind || tmpfs) && !strv_has (m->options, "ro"))
        {
          sbuf_printf (b, "%s%s (%s)", sep, m->destination, bind ? "host bind" : "tmpfs");
          sep = ", ";
        }
    }
  sbuf_printf (b, "%s\nhost binds:", strcmp (sep, " ") == 0 ? " none" : "");
  sep = " ";
  for (size_t i = 0; i < c->n_mounts; i++)
    if (mount_is_bind (&c->mounts[i]))
      {
        const struct oci_mount *m = &c->mounts[i];
        sbuf_printf (b, "%s%s -> %s (%s)", sep, m->source ? m->source : "?", m->destination,
                     strv_has (m->options, "ro") ? "ro" : "rw");
        sep = ", ";
      }
  sbuf_printf (b, "%s\n", strcmp (sep, " ") == 0 ? " none" : "");
}

static void
seccomp (struct sbuf *b, const struct oci_config *c, const struct sk_profile *p)
{
  const struct oci_seccomp *s = c->linux_cfg != NULL ? c->linux_cfg->seccomp : NULL;

  if (s != NULL)
    sbuf_printf (b, "seccomp (config): default %s, %zu rules\n", s->default_action, s->n_syscalls);
  else
    sbuf_printf (b, "seccomp (config): none\n");
  if (p == NULL || (!p->sc_set && p->sc_argf == 0))
    sbuf_printf (b, "seccomp (profile): none\n");
  else if (!p->sc_set)
    sbuf_printf (b, "seccomp (profile): argument filters only%s\n",
                 sk_profile_mode (p) == SK_PROFILE_COMPLAIN ? ", log only" : "");
  else
    sbuf_printf (b, "seccomp (profile): %s of %zu system calls%s\n", p->sc_deny_list ? "deny-list" : "allow-list",
                 sk_strv_len (p->sc_names), sk_profile_mode (p) == SK_PROFILE_COMPLAIN ? ", log only" : "");
  if (s == NULL && (p == NULL || !p->sc_set))
    sbuf_printf (b, "seccomp: NO FILTER, every system call is reachable\n");
}

static void
linux_rest (struct sbuf *b, const struct oci_config *c, const struct sk_profile *p)
{
  const struct oci_linux *l = c->linux_cfg;
  const struct oci_resources *res = l != NULL ? l->resources : NULL;
  size_t hooks = c->hooks.prestart.n + c->hooks.create_runtime.n + c->hooks.create_container.n
                 + c->hooks.start_container.n + c->hooks.poststart.n + c->hooks.poststop.n;
  const char *const *ro, *const *rw;

  sbuf_printf (b, "extra device nodes:");
  for (size_t i = 0; l != NULL && i < l->n_devices; i++)
    sbuf_printf (b, " %s", l->devices[i].path);
  sbuf_printf (b, "%s\n", l == NULL || l->n_devices == 0 ? " none" : "");
  sbuf_printf (b, "masked paths: %zu, read-only paths: %zu\n", l != NULL ? sk_strv_len (l->masked_paths) : 0,
               l != NULL ? sk_strv_len (l->readonly_paths) : 0);
  sbuf_printf (b, "sysctls set: %zu\n", l != NULL ? l->n_sysctl : 0);
  if (res != NULL && res->pids_limit.set && res->pids_limit.v > 0)
    sbuf_printf (b, "pids limit: %" PRId64 "\n", res->pids_limit.v);
  else
    sbuf_printf (b, "pids limit: unlimited\n");
  sbuf_printf (b, "hooks (run as host root): %zu\n", hooks);
  sbuf_printf (b, "SELinux label: %s\n",
               c->process != NULL && c->process->selinux_label != NULL ? c->process->selinux_label : "none");
  if (l != NULL && l->mount_label != NULL)
    {
      /* The option as runc would write it; where SELinux is off it is skipped. */
      cleanup_error sk_error_t bad = NULL;
      cleanup_free char *opt = NULL;
      sbuf_printf (b, "SELinux mount option (tmpfs, mqueue, devpts): %s\n",
                   sk_selinux_mount_data (NULL, l->mount_label, &opt, &bad) == 0 ? opt : sk_error_msg (&bad));
    }
  if (p != NULL && sk_profile_landlock (p, &ro, &rw))
    {
      cleanup_free char *r1 = strv_join ((char *const *) ro, " "), *r2 = strv_join ((char *const *) rw, " ");
      sbuf_printf (b, "Landlock: read-only %s; read-write %s\n", r1 ? r1 : "", r2 ? r2 : "");
    }
  else
    sbuf_printf (b, "Landlock: none\n");
}

int
sk_policy_exposure_text (const struct oci_config *c, const struct sk_profile *p, char **out, sk_error_t *err)
{
  cleanup_sbuf struct sbuf b = { 0 };
  const struct oci_process *pr = c->process;
  const struct oci_capabilities *caps = pr != NULL ? pr->capabilities : NULL;

  if (p != NULL)
    sbuf_printf (&b, "profile: %s (%s)\n", p->name, sk_profile_mode_name (sk_profile_mode (p)));
  else
    sbuf_printf (&b, "profile: none\n");
  caps_line (&b, "bounding", caps != NULL ? caps->bounding : NULL);
  caps_line (&b, "effective", caps != NULL ? caps->effective : NULL);
  caps_line (&b, "ambient", caps != NULL ? caps->ambient : NULL);
  sbuf_printf (&b, "no_new_privs: %s\n", pr != NULL && pr->no_new_privileges ? "yes" : "NO");
  if (pr != NULL)
    sbuf_printf (&b, "process user: uid %" PRIu32 ", gid %" PRIu32 "\n", pr->user.uid, pr->user.gid);
  namespaces (&b, c->linux_cfg);
  mounts (&b, c);
  seccomp (&b, c, p);
  linux_rest (&b, c, p);
  return sbuf_finish (&b, out, NULL, err);
}
