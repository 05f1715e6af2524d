#ifndef STOCKADE_LINUX_NAMESPACES_H
#define STOCKADE_LINUX_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"

int sk_ns_clone_flag (enum oci_ns_type t);

/* CLONE_NEW* flags of the namespaces the config asks to create (no path). */
int sk_ns_new_flags (const struct oci_linux *l);
/* CLONE_NEW* flags of every namespace the config lists, created or joined. */
int sk_ns_listed_flags (const struct oci_linux *l);

/* Open every namespace given by path (before forking anything), so a bad path
 * is reported by the parent.  fds[t] = -1 when namespace t is not joined. */
int sk_ns_open_paths (const struct oci_linux *l, int fds[OCI_NS__COUNT], sk_error_t *err);
void sk_ns_close_fds (int fds[OCI_NS__COUNT]);

/* For exec: open /proc/PID/ns/TYPE for every namespace type the config lists
 * (created or joined by path): the container's init lives in them. */
int sk_ns_open_of_pid (pid_t pid, const struct oci_linux *l, int fds[OCI_NS__COUNT], sk_error_t *err);

/* setns() into the opened namespaces: the user namespace first (it decides
 * what the others may be joined with), mount last. */
int sk_ns_join (const int fds[OCI_NS__COUNT], sk_error_t *err);

/* Written by the parent for the child's new user namespace.  setgroups is
 * denied only when `deny_setgroups` (needed by unprivileged writers). */
int sk_userns_write_maps (pid_t pid, const struct oci_linux *l, bool deny_setgroups, sk_error_t *err);
/* The same for any pair of mappings; `where` prefixes the field in errors
 * ("linux", "mounts[3]"). */
int sk_userns_write_id_maps (pid_t pid, const struct oci_id_mapping *uid, size_t n_uid,
                             const struct oci_id_mapping *gid, size_t n_gid, bool deny_setgroups, const char *where,
                             sk_error_t *err);

/* linux.timeOffsets into /proc/self/timens_offsets, after unshare(CLONE_NEWTIME)
 * and before the first child is created. */
int sk_timens_write_offsets (const struct oci_linux *l, sk_error_t *err);

#endif
