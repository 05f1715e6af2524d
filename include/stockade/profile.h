/* Security profiles: a floor that no engine-written config can lower.
 *
 * The OCI config says what the engine *asks* for; a profile, chosen by the
 * host's operator, says what the container may *have*.  Profiles are text
 * files in a systemd.exec(5)-like syntax (see stockade-profile(5)).  This
 * module is pure: it reads profile files and the syscall-group table and
 * computes; it never touches the kernel.
 *
 * How the runtime uses it (parent side of create/run, before any side effect):
 *   1. sk_profile_load ("default", dirs, &p, &err);
 *   2. sk_policy_apply (p, id, config, &report, &err)   -- strict refuses here;
 *      log sk_policy_report_json() lines for enforce/complain;
 *   3. in the init: config's seccomp filter, then sk_profile_seccomp (p) as a
 *      second filter; Landlock from sk_profile_landlock(); the user namespace
 *      was already added to the config by step 2.
 *
 * A directive that a profile does not set constrains nothing. */
#ifndef STOCKADE_PROFILE_H
#define STOCKADE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"

struct sk_profile;

enum sk_profile_mode
{
  SK_PROFILE_ENFORCE,  /* clamp the config, record every clamp */
  SK_PROFILE_STRICT,   /* refuse a config that exceeds the profile */
  SK_PROFILE_COMPLAIN, /* change nothing, record what enforce would do */
};

enum sk_private_users
{
  SK_PRIVATE_USERS_ALLOW,   /* the config decides (the default) */
  SK_PRIVATE_USERS_NO,      /* no user namespace at all */
  SK_PRIVATE_USERS_REQUIRE, /* always one, root mapped to an unprivileged host uid */
};

/* Where profiles are looked up when the caller has no list of its own:
 * /etc/stockade/profiles (the operator's), then the shipped directory. */
const char *const *sk_profile_default_search_dirs (void);

/* NAME_OR_PATH: a path when it contains '/', else NAME.profile looked up in
 * SEARCH_DIRS (NULL-terminated; NULL means sk_profile_default_search_dirs()).
 * Includes are resolved and syscall groups expanded (the group table is
 * syscall-groups.conf from the search dirs, else from the profile's own
 * directory).  Errors read "FILE:LINE: Directive=value: problem; hint". */
int sk_profile_load (const char *name_or_path, const char *const *search_dirs, struct sk_profile **out,
                     sk_error_t *err);
/* The same for an explicit file (`stockade profile lint FILE`). */
int sk_profile_parse_file (const char *path, const char *const *search_dirs, struct sk_profile **out,
                           sk_error_t *err);
void sk_profile_free (struct sk_profile *p);

static inline void
sk_profile_freep (struct sk_profile **p)
{
  sk_profile_free (*p);
  *p = NULL;
}
#define cleanup_profile __attribute__ ((cleanup (sk_profile_freep)))

const char *sk_profile_name (const struct sk_profile *p); /* "default" for .../default.profile */
enum sk_profile_mode sk_profile_mode (const struct sk_profile *p);
const char *sk_profile_mode_name (enum sk_profile_mode m); /* "enforce", ... */

/* `stockade profile show`: the fully resolved profile as profile text (groups
 * expanded, includes flattened); it parses back to the same profile. */
int sk_profile_show (const struct sk_profile *p, char **out, sk_error_t *err);

/* ---- applying a profile to a config ---- */

enum sk_policy_change_kind
{
  SK_CHANGE_CLAMP, /* the config asked for more than the profile allows */
  SK_CHANGE_ADD,   /* the profile adds a protection the config did not mention */
  /* Forbidden, and clamping would weaken the container (dropping the user
   * namespace a config asks for under PrivateUsers=no would hand it host
   * root): refused in enforce mode too. */
  SK_CHANGE_REFUSE,
};

/* One change, aggregated per config field and directive. */
struct sk_policy_change
{
  enum sk_policy_change_kind kind;
  char *field;     /* JSON path in config.json: "process.capabilities.bounding" */
  char *directive; /* "CapabilityBoundingSet" */
  char *asked;     /* what the config asked: "CAP_SYS_ADMIN CAP_NET_ADMIN" */
  char *result;    /* what enforce does: "removed" */
};

struct sk_policy_report
{
  struct sk_policy_change *changes;
  size_t n;
};

void sk_policy_report_clear (struct sk_policy_report *r);
#define cleanup_policy_report __attribute__ ((cleanup (sk_policy_report_clear)))

/* Apply P to C.  R (zeroed by the caller, or cleared) receives every change.
 *   enforce:  C is clamped; returns 0 (-1 only for SK_CHANGE_REFUSE entries).
 *   complain: C is left untouched; R says what enforce would change; returns 0.
 *   strict:   if anything must be clamped, C is left untouched and -1 is
 *             returned with one error listing every violation
 *             ("profile strict (strict): 2 violations: FIELD: ASKED not allowed
 *             by DIRECTIVE; ..."); otherwise the additions are applied.
 * CONTAINER_ID seeds SELinuxLevel=auto and the user-namespace range. */
int sk_policy_apply (const struct sk_profile *p, const char *container_id, struct oci_config *c,
                     struct sk_policy_report *r, sk_error_t *err);

/* Where SELinux is on, SELinuxLevel=auto must not give a pair already in
 * use to a second container.  `create` passes IN_USE, the levels processes
 * on the host run with (NULL-terminated): the pair the id hashes to is then
 * probed forward past them.  `exec` passes FIXED, the level the container's
 * init runs with, so every process of a container shares one level. */
struct sk_mcs_hint
{
  const char *const *in_use;
  const char *fixed;
};
/* sk_policy_apply with a hint (MCS NULL: the id's hash alone). */
int sk_policy_apply_mcs (const struct sk_profile *p, const char *container_id, const struct sk_mcs_hint *mcs,
                         struct oci_config *c, struct sk_policy_report *r, sk_error_t *err);
/* The profile sets SELinuxContext= with SELinuxLevel=auto (or unset). */
bool sk_profile_selinux_auto_level (const struct sk_profile *p);

/* The same for `exec --process`: the process-side directives only
 * (capabilities, NoNewPrivileges, rlimits, the SELinux process label), with
 * the same modes.  Fields in the report are "process.*". */
int sk_policy_apply_process (const struct sk_profile *p, const char *container_id, struct oci_process *process,
                             struct sk_policy_report *r, sk_error_t *err);
int sk_policy_apply_process_mcs (const struct sk_profile *p, const char *container_id, const struct sk_mcs_hint *mcs,
                                 struct oci_process *process, struct sk_policy_report *r, sk_error_t *err);

/* JSON lines for a SIEM, one object per change:
 * {"container":..,"profile":..,"mode":..,"kind":"clamp","field":..,"directive":..,"asked":..,"result":..}
 * ("container" only when CONTAINER is not NULL).  An empty report yields ""
 * (len 0). */
int sk_policy_report_json (const struct sk_policy_report *r, const char *container, const char *profile,
                           const char *mode, char **out, size_t *len, sk_error_t *err);
/* One line per change: "FIELD: ASKED -> RESULT (DIRECTIVE)". */
int sk_policy_report_text (const struct sk_policy_report *r, char **out, sk_error_t *err);

/* `stockade check`: what the (already clamped) config C still exposes:
 * capabilities, namespaces shared with the host, writable paths, host binds,
 * devices, seccomp state.  P may be NULL (no profile). */
int sk_policy_exposure_text (const struct oci_config *c, const struct sk_profile *p, char **out,
                             sk_error_t *err);

/* ---- what the kernel side applies beyond the config ---- */

/* The profile's own seccomp filter as an OCI seccomp object, to be loaded as a
 * SECOND filter after the config's (the kernel returns the stricter answer).
 * NULL with *err unset when the profile has no SystemCallFilter.  In complain
 * mode denied calls get SCMP_ACT_LOG instead of an error.  Syscall names are
 * not resolved here: names unknown on the running architecture must be
 * skipped by the loader, as runc and systemd do.  Free it with
 * sk_profile_seccomp_free only (each rule's names are one allocation). */
struct oci_seccomp *sk_profile_seccomp (const struct sk_profile *p, sk_error_t *err);
void sk_profile_seccomp_free (struct oci_seccomp *s);

/* Landlock path lists (paths inside the container, after pivot_root).
 * Returns false (lists NULL) when the profile sets none or is in complain mode
 * (Landlock has no log-only mode).  The lists belong to P. */
bool sk_profile_landlock (const struct sk_profile *p, const char *const **read_only,
                          const char *const **read_write);

enum sk_private_users sk_profile_private_users (const struct sk_profile *p);

/* The host range a user namespace forced by PrivateUsers=require uses for
 * CONTAINER_ID (container ids 0..*size-1 map to *host_start..).  Deterministic;
 * two ids can share a slot when the range holds few slots. */
void sk_policy_userns_range (const struct sk_profile *p, const char *container_id, uint32_t *host_start,
                             uint32_t *size);

/* Bit (1u << OCI_NS_*) for each namespace PrivateNamespaces= says must not be
 * the host's.  The kernel side checks that a namespace joined by path is not
 * the runtime's own (same inode as /proc/self/ns/TYPE) for these. */
unsigned sk_profile_private_namespaces (const struct sk_profile *p);

/* DenyBindSources= on a host path the kernel side has resolved (realpath or
 * /proc/self/fd/N of the opened source): the policy's check is textual, so a
 * symlink such as /tmp/x -> /etc must be caught again here.  False when the
 * profile denies nothing or is in complain mode. */
bool sk_policy_bind_source_denied (const struct sk_profile *p, const char *resolved_source);

#endif
