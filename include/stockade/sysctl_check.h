#ifndef STOCKADE_SYSCTL_CHECK_H
#define STOCKADE_SYSCTL_CHECK_H

#include <stdbool.h>

#include "stockade/error.h"

/* A sysctl may only be set when it belongs to a namespace the container has
 * its own copy of: ipc (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*),
 * uts (kernel.hostname, kernel.domainname), network (net.*).  Anything else
 * would change the host. */
int sk_sysctl_check (const char *key, bool own_ipc, bool own_uts, bool own_net, sk_error_t *err);

#endif
