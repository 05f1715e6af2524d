/* SELinux labels as strings: pure, no kernel calls (the kernel side is
 * src/linux/selinux.c).
 *
 *   - composing a process or file label from a profile's type and level,
 *   - the MCS level SELinuxLevel=auto gives a container,
 *   - which filesystems take a context= mount option and the option text.
 *
 * Labels are checked before they reach the kernel: a label the kernel would
 * have to parse out of a mount option string must not contain the characters
 * that end or quote an option. */
#ifndef STOCKADE_SELINUX_LABEL_H
#define STOCKADE_SELINUX_LABEL_H

#include <stdbool.h>
#include <stdint.h>

#include "stockade/error.h"

/* Number of distinct MCS pairs c<A>,c<B> with A < B < 1024. */
#define SK_MCS_PAIRS (1024u * 1023u / 2u)

/* "user:role:type[:level]" (level may itself hold ':' and ','): at least
 * three non-empty fields, printable, no white space, no '"', at most 4095
 * bytes.  WHAT names the config field in the message. */
int sk_selinux_label_check (const char *label, const char *what, sk_error_t *err);

/* The level part of LABEL (after the third ':'), pointing into LABEL; NULL
 * when the label has none. */
const char *sk_selinux_label_level (const char *label);

/* "USER:ROLE:TYPE:LEVEL", malloc'd; NULL on OOM. */
char *sk_selinux_label_compose (const char *user, const char *role, const char *type, const char *level);

/* The MCS pair with index INDEX mod SK_MCS_PAIRS, in order
 * (c0,c1) (c0,c2) ... (c0,c1023) (c1,c2) ... (c1022,c1023), as "s0:cA,cB";
 * malloc'd, NULL on OOM.  Callers pick the index (a hash of the container id,
 * probed forward on collision). */
char *sk_selinux_mcs_level (uint64_t index);

/* The first index at or after START (mod SK_MCS_PAIRS) whose level is not in
 * IN_USE (NULL-terminated, may be NULL): linear probing, so the choice is
 * deterministic for a given id and set of running containers.  Returns
 * SK_MCS_PAIRS when every pair is taken. */
uint64_t sk_selinux_mcs_probe (uint64_t start, const char *const *in_use);

/* Whether a fresh mount of FSTYPE takes a context= option (tmpfs, mqueue,
 * devpts, as runc labels them; proc, sysfs, cgroup and binds keep their own
 * labels). */
bool sk_selinux_fs_takes_context (const char *fstype);

/* The mount(2) data string for a labelled mount, as runc writes it:
 * DATA,context="LABEL" (just context="LABEL" when DATA is NULL or empty), the
 * quotes keeping the commas of an MCS level such as s0:c1,c2 inside one
 * option.  LABEL NULL: a copy of DATA.  (The new mount API takes the label
 * unquoted, as the value of fsconfig's "context" key.) */
int sk_selinux_mount_data (const char *data, const char *label, char **out, sk_error_t *err);

#endif
