/* AppArmor on the container's process: change_onexec to a profile, written
 * to our own attr file (what libapparmor's aa_change_onexec() does, so the
 * library is not needed). */
#include "stockade/cleanup.h"
#include "stockade/linux/lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

bool
sk_apparmor_enabled (void)
{
  char c = 0;
  int fd;

  if (access ("/sys/kernel/security/apparmor", F_OK) < 0)
    return false;
  fd = open ("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  if (read (fd, &c, 1) != 1)
    c = 0;
  close (fd);
  return c == 'Y';
}

int
sk_apparmor_set_exec_profile (int procfd, const char *profile, sk_error_t *err)
{
  cleanup_free char *cmd = NULL;
  int r;

  if (asprintf (&cmd, "exec %s", profile) < 0)
    return sk_error_set (err, ENOMEM, "process.apparmorProfile");
  /* Kernels with LSM stacking have a per-module directory (5.8+). */
  r = sk_procfs_write_self (procfd, "attr/apparmor/exec", cmd);
  if (r == -ENOENT)
    r = sk_procfs_write_self (procfd, "attr/exec", cmd);
  if (r < 0)
    return sk_error_set (err, -r, "process.apparmorProfile: cannot change to profile \"%s\" on exec", profile);
  return 0;
}
