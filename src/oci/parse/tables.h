/* Private to src/oci/parse: the closed sets of names the OCI runtime spec
 * fixes (namespace types, rlimits, seccomp actions, ...), as static tables
 * looked up in one place. */
#ifndef SK_OCI_TABLES_H
#define SK_OCI_TABLES_H

#include <stddef.h>

struct oci_name_value
{
  const char *name;
  int value;
};

struct oci_name_table
{
  const char *what; /* for errors: "unknown namespace type \"foo\"" */
  const struct oci_name_value *entries;
  size_t n;
};

/* The entry named NAME (exact, case-sensitive), or NULL. */
const struct oci_name_value *oci_table_find (const struct oci_name_table *t, const char *name);

extern const struct oci_name_table oci_tbl_ns_type;
extern const struct oci_name_table oci_tbl_rlimit;
extern const struct oci_name_table oci_tbl_device_type;      /* linux.devices[].type */
extern const struct oci_name_table oci_tbl_rule_type;        /* linux.resources.devices[].type */
extern const struct oci_name_table oci_tbl_propagation;
extern const struct oci_name_table oci_tbl_seccomp_action;
extern const struct oci_name_table oci_tbl_seccomp_op;
extern const struct oci_name_table oci_tbl_seccomp_flag;
extern const struct oci_name_table oci_tbl_seccomp_arch;
extern const struct oci_name_table oci_tbl_personality;
extern const struct oci_name_table oci_tbl_sched_policy;
extern const struct oci_name_table oci_tbl_ioprio_class;
extern const struct oci_name_table oci_tbl_time_clock;

#endif
