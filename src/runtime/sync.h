/* Parent <-> container-init messages over a SOCK_SEQPACKET socketpair.  The
 * parent's end has SO_PASSCRED, so every message carries the sender's pid as
 * seen from the parent's pid namespace. */
#ifndef STOCKADE_RUNTIME_SYNC_H
#define STOCKADE_RUNTIME_SYNC_H

#include <stdint.h>
#include <sys/types.h>

#include "stockade/error.h"

enum sk_sync_type
{
  SK_SYNC_GO = 1,        /* parent -> init: moved into its cgroup, proceed */
  SK_SYNC_USERNS_MAP,    /* stage 1 -> parent: new user namespace, write maps */
  SK_SYNC_USERNS_DONE,   /* parent -> stage 1 */
  SK_SYNC_HELLO,         /* init -> parent: init exists (pid in credentials) */
  SK_SYNC_READY,         /* init -> parent: set up, waiting for start */
  SK_SYNC_COMMIT,        /* parent -> init: state recorded, keep waiting (errnum: the init's host pid) */
  SK_SYNC_ERROR,         /* stage 1 / init -> parent: text holds why */
  SK_SYNC_CONSOLE,       /* init -> parent: pty master attached (foreground run relays it) */
  SK_SYNC_SECCOMP_FD,    /* init/exec -> parent: seccomp notify fd attached */
  SK_SYNC_SECCOMP_DONE,  /* parent -> init/exec: handed to listenerPath */
  SK_SYNC_HOOKS,         /* init -> parent: mounts done, run prestart + createRuntime now */
  SK_SYNC_HOOKS_DONE,    /* parent -> init (errnum: the init's host pid) */
  SK_SYNC_IDMAP_REQ,     /* stage 1 -> parent: user namespace settled, prepare idmapped trees */
  SK_SYNC_IDMAP_TREE,    /* parent -> stage 1: detached idmapped mount attached (errnum: mounts[] index, -1: rootfs) */
  SK_SYNC_IDMAP_DONE,    /* parent -> stage 1: all trees sent */
  SK_SYNC_COMMIT_START,  /* parent -> init: as COMMIT, then start at once (`run`): no exec.fifo wait; the
                          * sync socket stays open until execve closes it */
};

struct sk_sync_msg
{
  uint32_t type;
  int32_t errnum;
  char text[3072];
};

int sk_sync_send (int fd, enum sk_sync_type type, int errnum, const char *text);
/* Same, with `passfd` attached as SCM_RIGHTS. */
int sk_sync_send_fd (int fd, enum sk_sync_type type, int passfd);
int sk_sync_send_fd_num (int fd, enum sk_sync_type type, int errnum, int passfd);
/* Receives one message; *sender (optional) gets the sender's pid, *passed
 * (optional) an attached fd or -1.  End of stream is an error ("... exited
 * during setup"). */
int sk_sync_recv (int fd, struct sk_sync_msg *m, pid_t *sender, int *passed, sk_error_t *err);
/* Wait for a message of `want`; an SK_SYNC_ERROR becomes err. */
int sk_sync_expect (int fd, enum sk_sync_type want, pid_t *sender, sk_error_t *err);
/* Turn a received SK_SYNC_ERROR into err (keeps the child's errno). */
int sk_sync_error_from (const struct sk_sync_msg *m, sk_error_t *err);
/* The same exchange with plain write(2)/read(2), for a child whose seccomp
 * filters are already loaded: a profile allows read and write, rarely
 * sendmsg and recvmsg.  No fds, no credentials; a dead parent means SIGPIPE
 * or end of stream, and the child dies either way. */
int sk_sync_write (int fd, enum sk_sync_type type);
int sk_sync_read (int fd, struct sk_sync_msg *m, sk_error_t *err);
/* Report a failure to the parent (used by the children). */
void sk_sync_send_error (int fd, const sk_error_t *err);

#endif
