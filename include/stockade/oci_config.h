/* Typed C view of an OCI runtime-spec 1.2 `config.json` (Linux) and of a
 * `process.json` as engines pass to `exec --process`.
 *
 * Pure data: parsing lives in src/oci/ and makes no syscall beyond reading the
 * file.  Conventions:
 *   - strings are malloc'd, NULL when the key is absent;
 *   - string lists are NULL-terminated `char **`, NULL when absent;
 *   - arrays of structs carry an explicit count `n_<name>`;
 *   - optional scalars use the sk_opt_* wrappers (`.set` tells presence);
 *   - key/value maps (annotations, sysctl, unified) are `struct oci_kv` arrays
 *     in document order.
 * The struct and member names follow the JSON keys, snake_cased. */
#ifndef STOCKADE_OCI_CONFIG_H
#define STOCKADE_OCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stockade/error.h"

typedef struct { bool set; int64_t v; } sk_opt_i64;
typedef struct { bool set; uint64_t v; } sk_opt_u64;
typedef struct { bool set; uint32_t v; } sk_opt_u32;
typedef struct { bool set; int32_t v; } sk_opt_i32;
typedef struct { bool set; bool v; } sk_opt_bool;

struct oci_kv
{
  char *key;
  char *value;
};

struct oci_id_mapping
{
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
};

struct oci_root
{
  char *path; /* required */
  bool readonly;
};

struct oci_mount
{
  char *destination; /* required */
  char *source;
  char *type;
  char **options;
  struct oci_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  struct oci_id_mapping *gid_mappings;
  size_t n_gid_mappings;
};

struct oci_console_size
{
  bool set;
  uint32_t height; /* required when consoleSize present */
  uint32_t width;
};

struct oci_user
{
  uint32_t uid; /* required on Linux */
  uint32_t gid; /* required on Linux */
  sk_opt_u32 umask;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username; /* accepted, not used on Linux */
};

struct oci_capabilities
{
  char **bounding;
  char **effective;
  char **inheritable;
  char **permitted;
  char **ambient;
};

struct oci_rlimit
{
  char *type; /* "RLIMIT_NOFILE"...; validated against the known names */
  uint64_t hard;
  uint64_t soft;
};

struct oci_scheduler
{
  bool set;
  char *policy; /* required when scheduler present: SCHED_OTHER ... */
  sk_opt_i32 nice;
  sk_opt_i32 priority;
  char **flags;
  sk_opt_u64 runtime;
  sk_opt_u64 deadline;
  sk_opt_u64 period;
};

struct oci_io_priority
{
  bool set;
  char *io_class; /* IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE */
  int32_t priority;
};

struct oci_process
{
  bool terminal;
  struct oci_console_size console_size;
  struct oci_user user;
  char **args; /* required, >= 1 entry */
  char *command_line; /* Windows only; accepted */
  char **env;
  char *cwd; /* required, absolute */
  struct oci_capabilities *capabilities; /* NULL when absent */
  struct oci_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  sk_opt_i32 oom_score_adj;
  char *apparmor_profile;
  char *selinux_label;
  struct oci_scheduler scheduler;
  struct oci_io_priority io_priority;
};

struct oci_hook
{
  char *path; /* required, absolute */
  char **args;
  char **env;
  sk_opt_i32 timeout; /* seconds, > 0 when set */
};

struct oci_hook_list
{
  struct oci_hook *hooks;
  size_t n;
};

struct oci_hooks
{
  struct oci_hook_list prestart; /* deprecated, still honoured */
  struct oci_hook_list create_runtime;
  struct oci_hook_list create_container;
  struct oci_hook_list start_container;
  struct oci_hook_list poststart;
  struct oci_hook_list poststop;
};

enum oci_ns_type
{
  OCI_NS_PID,
  OCI_NS_NETWORK,
  OCI_NS_MOUNT,
  OCI_NS_IPC,
  OCI_NS_UTS,
  OCI_NS_USER,
  OCI_NS_CGROUP,
  OCI_NS_TIME,
  OCI_NS__COUNT
};

struct oci_namespace
{
  enum oci_ns_type type;
  char *path; /* NULL: create a new namespace; else join this one */
};

struct oci_time_offset
{
  char *clock; /* "monotonic" | "boottime" (the object key) */
  int64_t secs;
  uint32_t nanosecs;
};

struct oci_device
{
  char *path; /* required */
  char type;  /* 'c', 'b', 'u' or 'p' */
  int64_t major; /* required for c/b/u */
  int64_t minor;
  sk_opt_u32 file_mode;
  sk_opt_u32 uid;
  sk_opt_u32 gid;
};

/* linux.resources.devices[] (cgroup device rule) */
struct oci_device_rule
{
  bool allow;      /* required */
  char type;       /* 'a' (default), 'c', 'b' */
  sk_opt_i64 major; /* unset: wildcard */
  sk_opt_i64 minor;
  char *access;    /* subset of "rwm"; NULL: all */
};

struct oci_memory
{
  sk_opt_i64 limit;
  sk_opt_i64 reservation;
  sk_opt_i64 swap;
  sk_opt_i64 kernel;
  sk_opt_i64 kernel_tcp;
  sk_opt_u64 swappiness;
  sk_opt_bool disable_oom_killer;
  sk_opt_bool use_hierarchy;
  sk_opt_bool check_before_update;
};

struct oci_cpu
{
  sk_opt_u64 shares;
  sk_opt_i64 quota;
  sk_opt_u64 burst;
  sk_opt_u64 period;
  sk_opt_i64 realtime_runtime;
  sk_opt_u64 realtime_period;
  char *cpus;
  char *mems;
  sk_opt_i64 idle;
};

struct oci_weight_device
{
  int64_t major;
  int64_t minor;
  sk_opt_u32 weight; /* uint16 in the spec; range-checked */
  sk_opt_u32 leaf_weight;
};

struct oci_throttle_device
{
  int64_t major;
  int64_t minor;
  uint64_t rate;
};

struct oci_throttle_list
{
  struct oci_throttle_device *items;
  size_t n;
};

struct oci_blkio
{
  sk_opt_u32 weight;
  sk_opt_u32 leaf_weight;
  struct oci_weight_device *weight_device;
  size_t n_weight_device;
  struct oci_throttle_list throttle_read_bps;
  struct oci_throttle_list throttle_write_bps;
  struct oci_throttle_list throttle_read_iops;
  struct oci_throttle_list throttle_write_iops;
};

struct oci_hugepage_limit
{
  char *page_size; /* "2MB", "1GB", ... */
  uint64_t limit;
};

struct oci_net_priority
{
  char *name;
  uint32_t priority;
};

struct oci_resources
{
  struct oci_device_rule *devices;
  size_t n_devices;
  struct oci_memory *memory; /* NULL when absent */
  struct oci_cpu *cpu;
  sk_opt_i64 pids_limit; /* linux.resources.pids.limit */
  struct oci_blkio *block_io;
  struct oci_hugepage_limit *hugepage_limits;
  size_t n_hugepage_limits;
  sk_opt_u32 network_class_id;
  struct oci_net_priority *network_priorities;
  size_t n_network_priorities;
  bool has_rdma; /* accepted, not applied */
  struct oci_kv *unified;
  size_t n_unified;
};

struct oci_seccomp_arg
{
  uint32_t index;     /* required */
  uint64_t value;     /* required */
  uint64_t value_two;
  char *op;           /* required: SCMP_CMP_NE ... SCMP_CMP_MASKED_EQ */
};

struct oci_seccomp_syscall
{
  char **names;        /* required, >= 1 */
  char *action;        /* required: SCMP_ACT_* */
  sk_opt_u32 errno_ret;
  struct oci_seccomp_arg *args;
  size_t n_args;
};

struct oci_seccomp
{
  char *default_action; /* required */
  sk_opt_u32 default_errno_ret;
  char **architectures; /* SCMP_ARCH_* */
  char **flags;         /* SECCOMP_FILTER_FLAG_* */
  char *listener_path;
  char *listener_metadata;
  struct oci_seccomp_syscall *syscalls;
  size_t n_syscalls;
};

struct oci_personality
{
  bool set;
  char *domain; /* "LINUX" | "LINUX32" */
  char **flags;
};

struct oci_linux
{
  struct oci_namespace *namespaces;
  size_t n_namespaces;
  struct oci_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  struct oci_id_mapping *gid_mappings;
  size_t n_gid_mappings;
  struct oci_time_offset *time_offsets;
  size_t n_time_offsets;
  struct oci_device *devices;
  size_t n_devices;
  char *cgroups_path;
  struct oci_resources *resources; /* NULL when absent */
  char *rootfs_propagation; /* shared|slave|private|unbindable|rshared|... */
  struct oci_seccomp *seccomp;     /* NULL when absent */
  struct oci_kv *sysctl;
  size_t n_sysctl;
  char **masked_paths;
  char **readonly_paths;
  char *mount_label;
  struct oci_personality personality;
  bool has_intel_rdt; /* accepted with a warning, not applied */
};

struct oci_config
{
  char *oci_version; /* required */
  struct oci_root root; /* required */
  struct oci_mount *mounts;
  size_t n_mounts;
  struct oci_process *process; /* NULL when absent (then `start` refuses) */
  char *hostname;
  char *domainname;
  struct oci_hooks hooks;
  struct oci_kv *annotations;
  size_t n_annotations;
  struct oci_linux *linux_cfg; /* NULL when absent; `linux` is a gnu11 macro */
  /* Non-fatal findings during parsing (e.g. "linux.intelRdt: ignored"),
   * NULL-terminated; the CLI prints them as warnings. */
  char **warnings;
};

/* Parse a config.json document.  On failure returns < 0 with an error naming
 * the JSON path and the problem, e.g. "process.args[0]: expected string". */
int oci_config_parse_data (const char *json, size_t len, struct oci_config **out, sk_error_t *err);
int oci_config_parse_file (const char *path, struct oci_config **out, sk_error_t *err);
void oci_config_free (struct oci_config *c);

/* A stand-alone process object (`exec --process FILE`), same rules as
 * config.json's `process`. */
int oci_process_parse_data (const char *json, size_t len, struct oci_process **out, sk_error_t *err);
int oci_process_parse_file (const char *path, struct oci_process **out, sk_error_t *err);
void oci_process_free (struct oci_process *p);

/* Tables shared with the kernel-side modules (pure lookups). */
const char *oci_ns_type_name (enum oci_ns_type t); /* "pid", "network", ... */
int oci_ns_type_from_name (const char *name);      /* -1 if unknown */
int oci_rlimit_from_name (const char *name);       /* RLIMIT_* value, -1 if unknown */

static inline void
oci_config_freep (struct oci_config **c)
{
  oci_config_free (*c);
  *c = NULL;
}
#define cleanup_config __attribute__ ((cleanup (oci_config_freep)))

#endif
