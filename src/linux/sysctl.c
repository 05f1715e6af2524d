#include "stockade/linux/sysctl.h"
#include "stockade/cleanup.h"
#include "stockade/linux/safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

int
sk_sysctl_apply (const struct oci_kv *kv, size_t n, sk_error_t *err)
{
  cleanup_close int sys = -1;
  struct statfs sfs;

  if (n == 0)
    return 0;
  sys = open ("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (sys < 0)
    return sk_error_set (err, errno, "linux.sysctl: open /proc/sys (is /proc mounted?)");
  if (fstatfs (sys, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return sk_error_set (err, EPERM, "linux.sysctl: /proc/sys is not procfs");
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *rel = strdup (kv[i].key);
      cleanup_close int fd = -1;
      size_t len = strlen (kv[i].value);

      if (rel == NULL)
        return sk_error_set (err, ENOMEM, "linux.sysctl");
      for (char *p = rel; *p; p++)
        if (*p == '.')
          *p = '/';
      /* Scoped to /proc/sys: no symlink or magic link may lead elsewhere. */
      fd = sk_open_in_root (sys, rel, O_WRONLY, err);
      if (fd < 0)
        return sk_error_wrap (err, "linux.sysctl.%s", kv[i].key);
      if (write (fd, kv[i].value, len) != (ssize_t) len)
        return sk_error_set (err, errno, "linux.sysctl.%s: write \"%s\"", kv[i].key, kv[i].value);
    }
  return 0;
}
