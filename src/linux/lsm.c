/* Deciding which security modules apply (runtime side) and setting the exec
 * labels (container side). */
#include "stockade/linux/lsm.h"
#include "stockade/cleanup.h"
#include "stockade/selinux_label.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static int
check_apparmor_name (const char *name, sk_error_t *err)
{
  if (*name == '\0')
    return sk_error_set (err, EINVAL, "process.apparmorProfile: empty profile name");
  for (const char *s = name; *s != '\0'; s++)
    if ((unsigned char) *s < ' ' || *s == 0x7f)
      return sk_error_set (err, EINVAL, "process.apparmorProfile: profile name holds a control character");
  return 0;
}

static int
prepare_selinux (const struct sk_log *log, const struct oci_process *p, const char *mount_label, struct sk_lsm *out,
                 sk_error_t *err)
{
  const char *label = p != NULL ? p->selinux_label : NULL;

  if (label == NULL && mount_label == NULL)
    return 0;
  /* Checked even where they are not used: a config is valid or not
   * whatever host it lands on. */
  if ((label != NULL && sk_selinux_label_check (label, "process.selinuxLabel", err) < 0)
      || (mount_label != NULL && sk_selinux_label_check (mount_label, "linux.mountLabel", err) < 0))
    return -1;
  if (!sk_selinux_enabled ())
    {
      sk_log_debug (log, "SELinux is not enabled on this host: %s%s%s not applied",
                    label != NULL ? "process.selinuxLabel" : "", label != NULL && mount_label != NULL ? " and " : "",
                    mount_label != NULL ? "linux.mountLabel" : "");
      return 0;
    }
  out->selinux_label = label;
  out->mount_label = mount_label;
  return 0;
}

static int
prepare_apparmor (const struct oci_process *p, struct sk_lsm *out, sk_error_t *err)
{
  const char *profile = p != NULL ? p->apparmor_profile : NULL;

  if (profile == NULL)
    return 0;
  if (check_apparmor_name (profile, err) < 0)
    return -1;
  if (!sk_apparmor_enabled ())
    return sk_error_set (err, 0, "process.apparmorProfile: profile \"%s\" requested but AppArmor is not enabled on "
                         "this host", profile);
  out->apparmor_profile = profile;
  return 0;
}

static void
prepare_landlock (const struct sk_log *log, const char *const *ro, const char *const *rw, struct sk_lsm *out)
{
  int abi;

  if (ro == NULL && rw == NULL)
    return;
  abi = sk_landlock_abi ();
  if (abi <= 0)
    {
      sk_log_warn (log, "Landlock is not available on this kernel (%s): LandlockReadOnly=/LandlockReadWrite= not "
                   "applied", strerror (-abi));
      return;
    }
  out->landlock_abi = abi;
  out->landlock_ro = ro;
  out->landlock_rw = rw;
  sk_log_debug (log, "Landlock ABI %d", abi);
}

int
sk_lsm_prepare (const struct sk_log *log, const struct oci_process *p, const char *mount_label,
                const char *const *landlock_ro, const char *const *landlock_rw, struct sk_lsm *out, sk_error_t *err)
{
  *out = (struct sk_lsm){ .proc_fd = -1 };
  if (prepare_selinux (log, p, mount_label, out, err) < 0 || prepare_apparmor (p, out, err) < 0)
    return -1;
  prepare_landlock (log, landlock_ro, landlock_rw, out);
  /* The host's procfs, opened now: the container's /proc is whatever its
   * mounts made of it. */
  if ((out->selinux_label != NULL || out->apparmor_profile != NULL) && (out->proc_fd = sk_procfs_open_root (err)) < 0)
    return sk_error_wrap (err, "%s", out->selinux_label != NULL ? "process.selinuxLabel" : "process.apparmorProfile");
  return 0;
}

void
sk_lsm_release (struct sk_lsm *l)
{
  sk_closep (&l->proc_fd);
}

int
sk_lsm_set_exec_labels (const struct sk_lsm *l, sk_error_t *err)
{
  int r = 0;

  if (l == NULL || l->proc_fd < 0)
    return 0;
  if (l->selinux_label != NULL)
    r = sk_selinux_set_exec_label (l->proc_fd, l->selinux_label, err);
  if (r == 0 && l->apparmor_profile != NULL)
    r = sk_apparmor_set_exec_profile (l->proc_fd, l->apparmor_profile, err);
  /* The host's procfs must not reach the container's program. */
  close (l->proc_fd);
  return r;
}
