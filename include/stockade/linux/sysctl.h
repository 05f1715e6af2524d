#ifndef STOCKADE_LINUX_SYSCTL_H
#define STOCKADE_LINUX_SYSCTL_H

#include "stockade/error.h"
#include "stockade/oci_config.h"

/* After pivot_root: write each (already checked) linux.sysctl entry through
 * a private procfs that no mount of the container can cover, each file
 * verified to be procfs (CVE-2025-52881). */
int sk_sysctl_apply (const struct oci_kv *kv, size_t n, sk_error_t *err);

#endif
