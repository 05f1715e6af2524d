/* Sending an fd over a unix socket (SCM_RIGHTS), shared by the pty hand-over,
 * the seccomp listener and the overlay helper. */
#ifndef STOCKADE_LINUX_FD_PASS_H
#define STOCKADE_LINUX_FD_PASS_H

#include <stddef.h>
#include <sys/types.h>

/* One sendmsg() of buf with `fd` attached (none when fd < 0), retried on
 * EINTR, never raising SIGPIPE.  Returns what sendmsg() returns. */
ssize_t sk_send_with_fd (int sock, const void *buf, size_t len, int fd);

#endif
