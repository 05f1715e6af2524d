/* SELinux on the container's process: the exec label.  (Mount labels go
 * with each mount as fsconfig's "context" key, see mounts.c.) */
#include "stockade/linux/lsm.h"

#include <errno.h>
#include <sys/vfs.h>

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

bool
sk_selinux_enabled (void)
{
  struct statfs sfs;

  return statfs ("/sys/fs/selinux", &sfs) == 0 && (unsigned long) sfs.f_type == SELINUX_MAGIC;
}

int
sk_selinux_set_exec_label (int procfd, const char *label, sk_error_t *err)
{
  /* What setexeccon() writes, but through the verified procfs. */
  int r = sk_procfs_write_self (procfd, "attr/exec", label);

  if (r < 0)
    return sk_error_set (err, -r, "process.selinuxLabel: cannot set exec label \"%s\"", label);
  return 0;
}
