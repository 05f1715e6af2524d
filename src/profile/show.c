/* `stockade profile show`: the resolved profile printed as profile text.
 * Includes are flattened and groups expanded, and the output parses back
 * to the same profile (the unit tests check the round trip). */
#include "directives.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

/* Syscall names per SystemCallFilter= line: lists accumulate, so long
 * ones are split over several lines. */
#define NAMES_PER_LINE 8

static const char *
yes_no (int v)
{
  return v ? "yes" : "no";
}

static void
show_list (struct sbuf *b, const char *key, char *const *v, const char *sep)
{
  if (v == NULL)
    return;
  sbuf_printf (b, "%s=", key);
  for (size_t i = 0; v[i] != NULL; i++)
    sbuf_printf (b, "%s%s", i ? sep : "", v[i]);
  sbuf_printf (b, "\n");
}

static void
show_tri (struct sbuf *b, const char *key, int v)
{
  if (v != SK_UNSET)
    sbuf_printf (b, "%s=%s\n", key, yes_no (v));
}

static void
show_ns_mask (struct sbuf *b, unsigned mask)
{
  const char *sep = "";

  for (int t = 0; t < OCI_NS__COUNT; t++)
    if (mask & (1u << t))
      {
        sbuf_printf (b, "%s%s", sep, oci_ns_type_name ((enum oci_ns_type) t));
        sep = " ";
      }
}

static void
show_syscalls (struct sbuf *b, const struct sk_profile *p)
{
  const char *tilde = p->sc_deny_list ? "~" : "";
  size_t n = sk_strv_len (p->sc_names);

  if (!p->sc_set)
    return;
  /* An empty list has no spelling of its own: name a call, then take it
   * back with the other form. */
  if (n == 0)
    sbuf_printf (b, "SystemCallFilter=%sexit\nSystemCallFilter=%sexit\n", tilde, p->sc_deny_list ? "" : "~");
  for (size_t i = 0; i < n; i++)
    if (i % NAMES_PER_LINE == 0)
      sbuf_printf (b, "%sSystemCallFilter=%s%s", i > 0 ? "\n" : "", tilde, p->sc_names[i]);
    else
      sbuf_printf (b, " %s", p->sc_names[i]);
  if (n > 0)
    sbuf_printf (b, "\n");
}

static void
show_seccomp (struct sbuf *b, const struct sk_profile *p)
{
  show_syscalls (b, p);
  if (p->sc_errno == SK_SECCOMP_KILL)
    sbuf_printf (b, "SystemCallErrorNumber=kill\n");
  else if (p->sc_errno != SK_UNSET)
    {
      const char *name = errno_name (p->sc_errno);
      if (name != NULL)
        sbuf_printf (b, "SystemCallErrorNumber=%s\n", name);
      else
        sbuf_printf (b, "SystemCallErrorNumber=%d\n", p->sc_errno);
    }
  if (p->sc_argf != 0)
    {
      const char *sep = "";
      sbuf_printf (b, "SystemCallArgumentFilter=");
      for (size_t i = 0; i < argf_count (); i++)
        if (p->sc_argf & (1u << i))
          {
            sbuf_printf (b, "%s%s", sep, argf_names[i]);
            sep = " ";
          }
      sbuf_printf (b, "\n");
    }
  if (p->sc_archs != NULL)
    {
      sbuf_printf (b, "SystemCallArchitectures=");
      for (size_t i = 0; p->sc_archs[i] != NULL; i++)
        sbuf_printf (b, "%s%s", i ? " " : "", arch_name (p->sc_archs[i]));
      sbuf_printf (b, "\n");
    }
}

static void
show_users_and_caps (struct sbuf *b, const struct sk_profile *p)
{
  static const char *const pu[] = { "allow", "no", "require" };

  if (p->cap_set)
    {
      const char *sep = "";
      sbuf_printf (b, "CapabilityBoundingSet=");
      for (int i = 0; i < sk_profile_cap_count (); i++)
        if (p->cap_mask & (UINT64_C (1) << i))
          {
            sbuf_printf (b, "%s%s", sep, sk_profile_cap_name (i));
            sep = " ";
          }
      sbuf_printf (b, "\n");
    }
  show_tri (b, "AmbientCapabilities", p->ambient);
  show_tri (b, "NoNewPrivileges", p->no_new_privs);
  if (p->private_users != SK_UNSET)
    sbuf_printf (b, "PrivateUsers=%s\n", pu[p->private_users]);
  if (p->userns_range_set)
    sbuf_printf (b, "PrivateUsersRange=%" PRIu32 ":%" PRIu32 "\n", p->userns_start, p->userns_count);
}

static void
show_fs_and_ns (struct sbuf *b, const struct sk_profile *p)
{
  show_tri (b, "ReadOnlyRootfs", p->readonly_rootfs);
  show_list (b, "WritablePaths", p->writable_paths, " ");
  show_list (b, "MaskedPaths", p->masked_paths, " ");
  show_list (b, "ReadOnlyPaths", p->readonly_paths, " ");
  show_list (b, "DenyBindSources", p->deny_bind_sources, " ");
  show_list (b, "BindMountFlags", p->bind_flags, ",");
  if (p->private_ns != 0)
    {
      sbuf_printf (b, "PrivateNamespaces=");
      show_ns_mask (b, p->private_ns);
      sbuf_printf (b, "\n");
    }
  if (p->join_set)
    {
      unsigned all = (1u << OCI_NS__COUNT) - 1;
      sbuf_printf (b, "JoinNamespaces=");
      if (p->join_ns == 0 || p->join_ns == all)
        sbuf_printf (b, "%s", yes_no (p->join_ns == all));
      else
        show_ns_mask (b, p->join_ns);
      sbuf_printf (b, "\n");
    }
  if (p->devices_set)
    {
      sbuf_printf (b, "DeviceAllow=");
      for (size_t i = 0; i < p->n_devices; i++)
        {
          const struct sk_devallow *d = &p->devices[i];
          if (d->minor < 0)
            sbuf_printf (b, "%s%c %" PRId64 ":*", i ? " " : "", d->type, d->major);
          else
            sbuf_printf (b, "%s%c %" PRId64 ":%" PRId64, i ? " " : "", d->type, d->major, d->minor);
        }
      sbuf_printf (b, "\n");
    }
}

static void
show_rest (struct sbuf *b, const struct sk_profile *p)
{
  if (p->selinux_type != NULL)
    sbuf_printf (b, "SELinuxContext=%s\n", p->selinux_type);
  if (p->selinux_level != NULL)
    sbuf_printf (b, "SELinuxLevel=%s\n", p->selinux_level);
  if (p->selinux_mount_type != NULL)
    sbuf_printf (b, "SELinuxMountContext=%s\n", p->selinux_mount_type);
  show_list (b, "LandlockReadOnly", p->landlock_ro, " ");
  show_list (b, "LandlockReadWrite", p->landlock_rw, " ");
  if (p->pids_max != SK_UNSET)
    sbuf_printf (b, "PidsMax=%" PRId64 "\n", p->pids_max);
  for (int i = 0; i < SK_RLIMIT_COUNT; i++)
    if (p->rlimits[i].set)
      {
        char soft[24], hard[24];
        uint64_t v[2] = { p->rlimits[i].soft, p->rlimits[i].hard };
        char *out[2] = { soft, hard };
        for (int k = 0; k < 2; k++)
          if (v[k] == UINT64_MAX)
            snprintf (out[k], 24, "infinity");
          else
            snprintf (out[k], 24, "%" PRIu64, v[k]);
        sbuf_printf (b, "Rlimit%s=%s:%s\n", rlimit_type (i) + strlen ("RLIMIT_"), soft, hard);
      }
  if (p->sysctl_set)
    {
      sbuf_printf (b, "SysctlAllow=");
      for (size_t i = 0; p->sysctl_allow != NULL && p->sysctl_allow[i] != NULL; i++)
        sbuf_printf (b, "%s%s", i ? " " : "", p->sysctl_allow[i]);
      sbuf_printf (b, "\n");
    }
  show_tri (b, "AllowHooks", p->allow_hooks);
}

int
sk_profile_show (const struct sk_profile *p, char **out, sk_error_t *err)
{
  cleanup_sbuf struct sbuf b = { 0 };

  sbuf_printf (&b, "# Profile %s, resolved from:\n", p->name);
  for (size_t i = 0; p->files != NULL && p->files[i] != NULL; i++)
    sbuf_printf (&b, "#   %s\n", p->files[i]);
  if (p->groups_path != NULL)
    sbuf_printf (&b, "# System call groups from %s\n", p->groups_path);
  sbuf_printf (&b, "[Profile]\nMode=%s\n", sk_profile_mode_name (sk_profile_mode (p)));
  show_seccomp (&b, p);
  show_users_and_caps (&b, p);
  show_fs_and_ns (&b, p);
  show_rest (&b, p);
  return sbuf_finish (&b, out, NULL, err);
}
