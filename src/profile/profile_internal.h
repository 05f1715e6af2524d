/* Private to src/profile: the resolved profile and the helpers its files share. */
#ifndef SK_PROFILE_INTERNAL_H
#define SK_PROFILE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"
#include "stockade/profile.h"
#include "stockade/selinux_label.h"

/* Unset tri-state and numeric settings: "the profile says nothing". */
#define SK_UNSET (-1)

/* SystemCallErrorNumber=kill */
#define SK_SECCOMP_KILL (-2)

/* SystemCallArgumentFilter= values (bits). */
enum
{
  SK_ARGF_CLONE_NO_NS = 1u << 0,
  SK_ARGF_PERSONALITY_LINUX = 1u << 1,
  SK_ARGF_SOCKET_NO_VSOCK = 1u << 2,
};

/* Number of RLIMIT_* resources (RLIMIT_NLIMITS on Linux). */
#define SK_RLIMIT_COUNT 16

/* Host uid slice per container for PrivateUsers=require. */
#define SK_USERNS_SLICE 65536u

struct sk_rlimit_floor
{
  bool set;
  uint64_t soft, hard; /* UINT64_MAX = infinity */
};

/* DeviceAllow= entry: type 'c' or 'b'; minor -1 = any minor. */
struct sk_devallow
{
  char type;
  int64_t major;
  int64_t minor;
};

/* List directives store NULL-terminated strvs; *_set says whether the
 * directive appeared (an allow-list that is set and empty allows nothing,
 * an unset one constrains nothing). */
struct sk_profile
{
  char *name;   /* basename without ".profile" */
  char *path;   /* the top-level file */
  char **files; /* every file read, top first */
  char *groups_path;
  struct sk_syscall_groups *groups; /* the table read for SystemCallFilter= */

  int mode; /* enum sk_profile_mode or SK_UNSET */

  bool sc_set;       /* SystemCallFilter= seen (and not reset) */
  bool sc_deny_list; /* first assignment began with '~' */
  char **sc_names;   /* sorted, unique, groups expanded; the names are groups' */
  int sc_errno;      /* errno, SK_SECCOMP_KILL or SK_UNSET */
  unsigned sc_argf;  /* SK_ARGF_* */
  char **sc_archs;   /* SCMP_ARCH_* names, sorted */

  bool cap_set;
  uint64_t cap_mask; /* bit N = capability N */
  int ambient;       /* tri-state */
  int no_new_privs;

  int private_users; /* enum sk_private_users or SK_UNSET */
  bool userns_range_set;
  uint32_t userns_start, userns_count;

  int readonly_rootfs;
  char **writable_paths;
  char **masked_paths;
  char **readonly_paths;
  char **deny_bind_sources;
  char **bind_flags; /* mount options: nosuid nodev noexec ro nosymfollow */

  unsigned private_ns; /* 1u << OCI_NS_* */
  bool join_set;
  unsigned join_ns;

  bool devices_set;
  struct sk_devallow *devices;
  size_t n_devices;

  char *selinux_type;
  char *selinux_level; /* "auto" or "s0:cA,cB" */
  char *selinux_mount_type;

  char **landlock_ro;
  char **landlock_rw;

  int64_t pids_max; /* SK_UNSET or > 0 */
  struct sk_rlimit_floor rlimits[SK_RLIMIT_COUNT];

  bool sysctl_set;
  char **sysctl_allow;

  int allow_hooks;
};

/* ---- strset.c: string lists ---- */

/* Sorted unique sets (bsearch lookups). */
int strset_add (char ***set, const char *s);
/* Add every name of the sorted set OTHER to the sorted set *SET of borrowed
 * names (one merge, no copies: free the array only). */
int strset_union_borrowed (char ***set, char *const *other);
void strset_remove (char **set, const char *s);
/* The same for a set of borrowed names: S is not freed. */
void strset_remove_borrowed (char **set, const char *s);
bool strset_has (char *const *set, const char *s);
/* Append to a plain list unless already present. */
int strv_add_unique (char ***v, const char *s);
bool strv_has (char *const *v, const char *s);
/* Remove element I (freeing it), keeping the order. */
void strv_remove_at (char **v, size_t i);
char **strv_dup (char *const *v);
/* "a b c" (SEP between items); "" for an empty list.  NULL on OOM. */
char *strv_join (char *const *v, const char *sep);
/* Lexical normalisation of an absolute path: "//a/./b/../c/" -> "/a/c". */
char *path_normalize (const char *path);
/* PATH equals DIR or lies below it (both normalised). */
bool path_is_under (const char *path, const char *dir);
/* The table entry closest to WORD (case-insensitive edit distance), NULL
 * when nothing is close.  Each entry of TABLE starts with a const char *name. */
const char *nearest_name (const char *word, const void *table, size_t n, size_t stride);
/* Growable text buffer used by the renderers. */
struct sbuf
{
  char *s;
  size_t len, cap;
  bool oom;
};
void sbuf_printf (struct sbuf *b, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Hand over the text (never NULL on success); -1 with ENOMEM on failure. */
int sbuf_finish (struct sbuf *b, char **out, size_t *len, sk_error_t *err);
void sbuf_release (struct sbuf *b);
#define cleanup_sbuf __attribute__ ((cleanup (sbuf_release)))
/* 64-bit FNV-1a with a final avalanche: container id -> MCS pair, uid slot. */
uint64_t sk_id_hash (const char *s, uint64_t salt);

#define N_ELEM(a) (sizeof (a) / sizeof ((a)[0]))

/* ---- lexer.c: the line syntax shared by profiles and syscall-groups.conf ---- */

struct lex_line
{
  const char *file;
  unsigned line;
  char *key;   /* trimmed, points into the lexer's buffer */
  char *value; /* trimmed, may be "" */
};

/* Calls FN for every "Key=Value" line of TEXT (comments, blank lines and the
 * optional "[SECTION]" header skipped; SECTION NULL allows none; a trailing
 * '\' joins the next line).  TEXT is modified in place. */
typedef int (*lex_fn) (void *ctx, const struct lex_line *l, sk_error_t *err);
int lex_text (const char *file, char *text, const char *section, lex_fn fn, void *ctx, sk_error_t *err);
/* Read a whole small file, NUL-terminated; ST (may be NULL) gets its fstat
 * (device and inode identify a file for include-cycle detection). */
struct stat;
int lex_read_file (const char *path, char **out, struct stat *st, sk_error_t *err);
/* "FILE:LINE: " + message.  Returns -1. */
int lex_fail (sk_error_t *err, const struct lex_line *l, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
/* Split VALUE on whitespace (and commas when COMMAS) into a fresh strv. */
int lex_words (const char *value, bool commas, char ***out, sk_error_t *err);
/* A list setting's value: an empty assignment clears *LIST (and *WORDS stays
 * NULL); otherwise *WORDS gets the value split on whitespace. */
int lex_list_words (const struct lex_line *l, char ***list, char ***words, sk_error_t *err);

/* ---- values.c: names and numbers ---- */

int sk_profile_cap_from_name (const char *name); /* "CAP_SYS_ADMIN" -> 21, -1 if unknown */
const char *sk_profile_cap_name (int cap);
int sk_profile_cap_count (void);
const char *sk_profile_cap_nearest (const char *name);
int errno_from_name (const char *name); /* "EPERM" -> 1, -1 if unknown */
const char *errno_name (int e);
const char *errno_nearest (const char *name);
/* "pid", "net"/"network", "mnt"/"mount", ... -> OCI_NS_*; -1 if unknown */
int ns_from_name (const char *name);
/* "native", "x86-64", ... -> "SCMP_ARCH_X86_64"; NULL if unknown */
const char *arch_from_name (const char *name);
const char *arch_name (const char *scmp); /* back: "SCMP_ARCH_X86" -> "x86" */
/* "NOFILE" -> index into sk_profile.rlimits (the RLIMIT_* value) */
int rlimit_index (const char *oci_type); /* "RLIMIT_NOFILE" */
const char *rlimit_type (int index);      /* "RLIMIT_NOFILE" */
/* "c 10:229", "b 8:*", "/dev/fuse" */
int devallow_parse (const char *value, struct sk_devallow *out, const char **why);
/* "s0:c1,c2" with c1 < c2 < 1024 */
bool mcs_level_valid (const char *level);
/* Decimal, or "infinity" when ALLOW_INF (UINT64_MAX). */
int parse_u64 (const char *s, bool allow_inf, uint64_t *out);

/* ---- syscall_groups.c ---- */

struct sk_syscall_groups;
int syscall_groups_load (const char *path, struct sk_syscall_groups **out, sk_error_t *err);
void syscall_groups_free (struct sk_syscall_groups *g);
/* Expanded members of "@name" (sorted), NULL if no such group. */
char *const *syscall_groups_get (const struct sk_syscall_groups *g, const char *name);
bool syscall_groups_known (const struct sk_syscall_groups *g, const char *syscall);
/* The table's own copy of SYSCALL (valid until syscall_groups_free), NULL if
 * the table does not name it. */
const char *syscall_groups_find (const struct sk_syscall_groups *g, const char *syscall);
const char *syscall_groups_nearest (const struct sk_syscall_groups *g, const char *word);

/* ---- directives.c ---- */

struct parse_state
{
  struct sk_profile *p;
  const char *const *search_dirs;
  struct sk_syscall_groups *groups; /* p->groups, loaded on first @group or name */
  const char *top_dir;              /* directory of the top-level file */
  /* the include stack, for cycle detection (device, inode, path) */
  const struct include_frame *stack;
  unsigned depth;
};
int directive_apply (struct parse_state *st, const struct lex_line *l, sk_error_t *err);
/* yes/no/true/false/on/off/1/0 (as systemd) into *OUT as 1 or 0. */
int parse_bool (const struct lex_line *l, int *out, sk_error_t *err);
/* For `show`: every directive name in table order. */
size_t directive_count (void);
const char *directive_name (size_t i);

/* ---- load.c ---- */
int profile_include (struct parse_state *st, const struct lex_line *l, const char *name, sk_error_t *err);
int profile_need_groups (struct parse_state *st, sk_error_t *err);

/* ---- policy.c: the apply context shared by the policy_*.c files ---- */

struct policy_ctx
{
  const struct sk_profile *p;
  const char *id;
  const struct sk_mcs_hint *mcs; /* NULL: SELinuxLevel=auto is the id's hash alone */
  struct oci_config *c;
  struct sk_policy_report *r;
  bool apply;        /* mutate the config (enforce; strict once nothing is clamped) */
  bool process_only; /* sk_policy_apply_process: c holds only a process */
  size_t violations; /* SK_CHANGE_CLAMP entries recorded */
  size_t refusals;   /* SK_CHANGE_REFUSE entries recorded */
};

/* Record a change; asked/result are printf-formatted by the caller. */
int policy_record (struct policy_ctx *x, enum sk_policy_change_kind kind, const char *field, const char *directive,
                   const char *asked, const char *result, sk_error_t *err);
/* linux_cfg / linux.resources allocated on demand (only when mutating). */
int policy_linux (struct policy_ctx *x, sk_error_t *err);
int policy_resources (struct policy_ctx *x, sk_error_t *err);

int policy_caps (struct policy_ctx *x, sk_error_t *err);
int policy_process (struct policy_ctx *x, sk_error_t *err);  /* NNP, rlimits, SELinux */
int policy_fs (struct policy_ctx *x, sk_error_t *err);       /* rootfs, paths, binds */
int policy_ns (struct policy_ctx *x, sk_error_t *err);       /* namespaces, userns */
int policy_linux_misc (struct policy_ctx *x, sk_error_t *err); /* devices, pids, sysctl, hooks */

/* SELinuxLevel=auto: MCS->fixed, else the pair the container id hashes to,
 * probed past MCS->in_use ("s0:cA,cB", malloc'd; see stockade/selinux_label.h).
 * NULL on OOM or when every pair is in use. */
char *policy_mcs_level (const char *container_id, const struct sk_mcs_hint *mcs);

/* type "bind" or a bind/rbind option (policy_fs.c) */
bool mount_is_bind (const struct oci_mount *m);

/* Free helpers for OCI structs this module removes from a config. */
void oci_mount_release (struct oci_mount *m);
void oci_hook_list_release (struct oci_hook_list *l);

#endif
