#ifndef STOCKADE_LINUX_DEVICES_H
#define STOCKADE_LINUX_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"

/* Create the default device nodes (null zero full random urandom tty), the
 * /dev symlinks (fd stdin stdout stderr ptmx) and linux.devices inside the
 * rootfs.  When mknod is not allowed (user namespace) host nodes are bind
 * mounted instead. */
int sk_devices_create (int rootfd, const struct oci_device *devs, size_t n, bool bind_instead_of_mknod,
                       sk_error_t *err);

#endif
