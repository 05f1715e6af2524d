/* Per-process setup of the container's init right before execve. */
#ifndef STOCKADE_LINUX_PROCESS_H
#define STOCKADE_LINUX_PROCESS_H

#include <stdbool.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"

int sk_process_set_hostname (const struct oci_config *c, bool own_uts, sk_error_t *err);
int sk_process_set_rlimits (const struct oci_process *p, sk_error_t *err);
int sk_process_set_scheduler (const struct oci_process *p, sk_error_t *err);
int sk_process_set_io_priority (const struct oci_process *p, sk_error_t *err);
int sk_process_set_personality (const struct oci_linux *l, sk_error_t *err);
int sk_process_set_oom_score_adj (const struct oci_process *p, sk_error_t *err);
/* setgroups (additionalGids), setresgid, setresuid; umask. */
int sk_process_switch_user (const struct oci_process *p, bool setgroups_allowed, sk_error_t *err);
/* chdir to process.cwd inside the (already entered) root, creating it if
 * missing; refuses a cwd that resolves outside the root. */
int sk_process_enter_cwd (const struct oci_process *p, sk_error_t *err);
/* Resolve args[0] against the container's PATH (from process.env), as execvp
 * would, and return the path to exec (malloc'd). */
int sk_process_find_executable (const struct oci_process *p, char **out, sk_error_t *err);
/* Mark every fd above 2 + preserve_fds close-on-exec and clear it on the
 * preserved ones (CVE-2024-21626: no host fd may reach the container). */
int sk_process_prepare_fds (unsigned int preserve_fds, sk_error_t *err);

#endif
