/* `linux.seccomp`: build a seccomp filter from the OCI object, load it in the
 * container init, and hand a user-notification fd to the agent at
 * `listenerPath`.
 *
 * The work is split by process so the child does as little as possible:
 *
 *   parent, before clone:   sk_seccomp_build ()      libseccomp -> BPF program
 *   child, just before exec: sk_seccomp_load ()      one seccomp(2) call, no libseccomp
 *   child -> parent:         the notify fd over the sync socket (SCM_RIGHTS)
 *   parent:                  sk_seccomp_send_listener ()
 *
 * The built filter is a plain BPF program plus seccomp(2) flags, so it can be
 * exported (sk_seccomp_export_bpf) for caching.  Several filters stack: the
 * kernel runs them all and the strictest answer wins. */
#ifndef STOCKADE_LINUX_SECCOMP_H
#define STOCKADE_LINUX_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stockade/error.h"
#include "stockade/log.h"
#include "stockade/oci_config.h"

/* A built filter, not yet loaded: the BPF program and the seccomp(2) flags. */
struct sk_seccomp;

/* Parent side, before any fork: translate the OCI object into a filter.
 *
 * Semantics follow runc and crun:
 *   - errnoRet / defaultErrnoRet apply to SCMP_ACT_ERRNO (default EPERM) and
 *     SCMP_ACT_TRACE (the tracer's message, default EPERM); with any other
 *     action they are an error.  Values above 65535 are an error (the kernel
 *     would silently truncate them).
 *   - Several args naming the same index become one rule per arg (OR);
 *     otherwise all args form one rule (AND).  SCMP_CMP_MASKED_EQ takes
 *     value = mask, valueTwo = datum.
 *   - A rule whose action equals the default action is skipped (libseccomp
 *     refuses it, and it changes nothing).
 *   - A syscall name libseccomp does not know is skipped with a debug line
 *     (log may be NULL): profiles list syscalls newer than this build.
 *   - The native architecture is always in the filter; `architectures` adds
 *     more.  An architecture this libseccomp lacks is an error.
 *   - flags: SECCOMP_FILTER_FLAG_TSYNC, _LOG, _SPEC_ALLOW are passed to
 *     seccomp(2); _WAIT_KILLABLE_RECV too, but only when the filter has a
 *     listener (as libseccomp does; the kernel refuses it otherwise).
 *   - no_new_privs is NOT set by the load: the runtime sets it when
 *     process.noNewPrivileges asks, and otherwise the caller must hold
 *     CAP_SYS_ADMIN when loading.
 * Errors name the field, e.g.
 *   linux.seccomp.syscalls[3].args[0].op: unknown operator "SCMP_CMP_FOO" */
int sk_seccomp_build (const struct oci_seccomp *s, const struct sk_log *log, struct sk_seccomp **out,
                      sk_error_t *err);

/* True when the filter uses SCMP_ACT_NOTIFY (a rule or the default), i.e.
 * sk_seccomp_load will return a listener fd for the agent. */
bool sk_seccomp_needs_listener (const struct sk_seccomp *f);

/* Child side, as late as possible before execve.  One seccomp(2) call with the
 * prebuilt program; no allocation on success.  With a listener *notify_fd
 * gets it (close-on-exec); otherwise -1.  notify_fd may be NULL, then a
 * listener fd is closed at once (notified syscalls then fail with ENOSYS).
 * Never returns 0 unless the filter is in force for the calling thread (and
 * for all threads with SECCOMP_FILTER_FLAG_TSYNC). */
int sk_seccomp_load (const struct sk_seccomp *f, int *notify_fd, sk_error_t *err);

/* A malloc'd copy of the BPF program (struct sock_filter[], *len in bytes). */
int sk_seccomp_export_bpf (const struct sk_seccomp *f, void **bpf, size_t *len, sk_error_t *err);

/* The inverse, for a program from a cache: a copy of BPF (len bytes of
 * struct sock_filter[]) loaded with seccomp(2) FLAGS.  Refuses an empty or
 * oversized program, or a listener that FLAGS do not ask for. */
int sk_seccomp_from_bpf (const void *bpf, size_t len, unsigned int flags, bool listener, struct sk_seccomp **out,
                         sk_error_t *err);
/* The seccomp(2) flags the filter is loaded with. */
unsigned int sk_seccomp_flags (const struct sk_seccomp *f);

void sk_seccomp_free (struct sk_seccomp *f);

static inline void
sk_seccomp_freep (struct sk_seccomp **f)
{
  sk_seccomp_free (*f);
  *f = NULL;
}
#define cleanup_seccomp __attribute__ ((cleanup (sk_seccomp_freep)))

/* Parent side: hand the notify fd to the agent at listener_path as
 * runtime-spec config-linux.md "The Container Process State" says: connect a
 * SOCK_STREAM unix socket, send one message whose payload is
 *   {"ociVersion":<state's ociVersion>,"fds":["seccompFd"],"pid":PID,
 *    "metadata":"<metadata or empty>","state":<state_json>}
 * with notify_fd attached by SCM_RIGHTS, then close the connection.
 * state_json is the OCI state object as JSON text; it is checked to be an
 * object with an "ociVersion" string and re-emitted compactly. */
int sk_seccomp_send_listener (const char *listener_path, const char *metadata, int notify_fd, pid_t pid,
                              const char *state_json, sk_error_t *err);

/* Name tables (src/linux/seccomp_tables.c), pure lookups; each returns false
 * for a name the runtime-spec does not define. */

/* Action name -> libseccomp action without its 16-bit data; *takes_ret says
 * whether errnoRet fills that data (ERRNO, TRACE). */
bool sk_seccomp_action_lookup (const char *name, uint32_t *action, bool *takes_ret);
/* Operator name -> enum scmp_compare value. */
bool sk_seccomp_op_lookup (const char *name, int *op);
/* Architecture name -> SCMP_ARCH_* token; *token is 0 when this libseccomp
 * lacks the architecture. */
bool sk_seccomp_arch_lookup (const char *name, uint32_t *token);
/* Flag name -> enum scmp_filter_attr to set on the libseccomp context (-1:
 * none) and the SECCOMP_FILTER_FLAG_* bit for seccomp(2) (0: this build's
 * kernel headers lack it). */
bool sk_seccomp_flag_lookup (const char *name, int *attr, unsigned int *kernel_flag);

#endif
