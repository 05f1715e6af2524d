#include "stockade/linux/sysctl.h"
#include "stockade/cleanup.h"
#include "stockade/linux/procfs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
sk_sysctl_apply (const struct oci_kv *kv, size_t n, sk_error_t *err)
{
  cleanup_close int proc = -1;

  if (n == 0)
    return 0;
  /* Not the container's /proc/sys, which its mounts may cover or redirect:
   * a private procfs, each file verified to be procfs (CVE-2025-52881). */
  proc = sk_procfs_open_private (err);
  if (proc < 0)
    return sk_error_wrap (err, "linux.sysctl");
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *rel = NULL;

      if (asprintf (&rel, "sys/%s", kv[i].key) < 0)
        return sk_error_set (err, ENOMEM, "linux.sysctl");
      for (char *p = rel; *p; p++)
        if (*p == '.')
          *p = '/';
      if (sk_procfs_write (proc, rel, kv[i].value, strlen (kv[i].value), err) < 0)
        return sk_error_wrap (err, "linux.sysctl.%s = \"%s\"", kv[i].key, kv[i].value);
    }
  return 0;
}
