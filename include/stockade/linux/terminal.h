/* process.terminal: a pty allocated from the container's own devpts. */
#ifndef STOCKADE_LINUX_TERMINAL_H
#define STOCKADE_LINUX_TERMINAL_H

#include <stdbool.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"

/* Inside the container, after pivot_root: open /dev/ptmx, unlock the peer,
 * apply consoleSize, bind the peer onto /dev/console (an empty regular file
 * we create; anything else there is refused, CVE-2025-52565), make it the
 * controlling terminal and stdin/stdout/stderr.  Returns the master fd. */
int sk_terminal_setup (const struct oci_process *p, bool mount_console, sk_error_t *err);

/* Send the master over a unix socket as runc does (payload: the pty name,
 * fd in SCM_RIGHTS); containerd, Podman and Docker's shims receive it. */
int sk_terminal_send_master (int sockfd, int master, sk_error_t *err);

/* Connect to --console-socket (in the parent, before any namespace change). */
int sk_terminal_connect (const char *path, sk_error_t *err);

#endif
