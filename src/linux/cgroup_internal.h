/* Private to src/linux/cgroup*.c (and their unit tests).
 *
 * Pure parts (no syscalls): layout parsing from given mountinfo and
 * /proc/self/cgroup texts, cgroupsPath resolution, value conversions, the
 * strings written to v1/v2 files, the device BPF program and the stats JSON.
 * Kernel parts: file helpers, per-version appliers, the lifecycle. */
#ifndef STOCKADE_LINUX_CGROUP_INTERNAL_H
#define STOCKADE_LINUX_CGROUP_INTERNAL_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stockade/error.h"
#include "stockade/linux/cgroup.h"
#include "stockade/log.h"
#include "stockade/oci_config.h"

/* ---- layout (cgroup_layout.c) ---- */

enum sk_cg_ctrl
{
  SK_CG_CPU,
  SK_CG_CPUACCT,
  SK_CG_CPUSET,
  SK_CG_MEMORY,
  SK_CG_DEVICES,
  SK_CG_FREEZER,
  SK_CG_BLKIO,
  SK_CG_PIDS,
  SK_CG_HUGETLB,
  SK_CG_NET_CLS,
  SK_CG_NET_PRIO,
  SK_CG_PERF_EVENT,
  SK_CG_RDMA,
  SK_CG_MISC,
  SK_CG__COUNT
};

#define SK_CG_BIT(c) (1u << (c))

/* v1 name ("blkio") and v2 name ("io"; NULL when v2 has no such controller
 * file in cgroup.controllers). */
const char *sk_cg_ctrl_v1_name (enum sk_cg_ctrl c);
const char *sk_cg_ctrl_v2_name (enum sk_cg_ctrl c);

struct sk_cg_hier
{
  int version;     /* 1 or 2 */
  char *mount;     /* mount point, e.g. "/sys/fs/cgroup/memory" */
  char *root;      /* hierarchy path mounted there (mountinfo field 4) */
  char *name;      /* v1 named hierarchy ("systemd"), else NULL */
  uint32_t ctrls;  /* v1: co-mounted controllers; v2: cgroup.controllers */
  char *self;      /* the caller's cgroup below `mount` ("" = the mount root); NULL if not visible */
  char *path;      /* the container's cgroup below `mount`, "/a/b" */
  char *dir;       /* mount + path */
  bool created;    /* we made the leaf directory */
};

struct sk_cg_layout
{
  struct sk_cg_hier *h;
  size_t n;
  int v2;                    /* index of the v2 hierarchy, -1 if none */
  int owner[SK_CG__COUNT];   /* hierarchy driving each controller, -1 if none */
};

struct sk_cgroup
{
  struct sk_cg_layout l;
};

/* Parse mountinfo and /proc/self/cgroup texts.  v2_controllers is the content
 * of cgroup.controllers at the v2 mount root (NULL when unknown).  Only v1
 * hierarchies with a known controller or name=systemd are kept.  Pure. */
int sk_cg_layout_parse (const char *mountinfo, const char *proc_cgroup, struct sk_cg_layout *l, sk_error_t *err);
void sk_cg_layout_set_v2_controllers (struct sk_cg_layout *l, const char *v2_controllers);
/* Reads /proc/self/mountinfo, /proc/self/cgroup and cgroup.controllers. */
int sk_cg_layout_detect (struct sk_cg_layout *l, sk_error_t *err);
void sk_cg_layout_release (struct sk_cg_layout *l);
/* "cpu,cpuacct", "name=systemd", "" for v2: the /proc/PID/cgroup key. malloc'd. */
char *sk_cg_hier_key (const struct sk_cg_hier *h);
/* The hierarchy for a controller, NULL if it is not available. */
const struct sk_cg_hier *sk_cg_owner (const struct sk_cg_layout *l, enum sk_cg_ctrl c);

/* ---- cgroupsPath (cgroup_path.c, pure) ---- */

/* NULL/"" -> "/stockade/<id>"; "/a//b/./c/" -> "/a/b/c"; "a/b" -> "a/b". */
int sk_cg_path_resolve (const char *cgroups_path, const char *id, char **out, sk_error_t *err);
/* Set every hierarchy's path/dir: absolute resolved paths as they are,
 * relative ones below each hierarchy's `self`. */
int sk_cg_layout_place (struct sk_cg_layout *l, const char *resolved, sk_error_t *err);
char *sk_cg_layout_serialize (const struct sk_cg_layout *l);
int sk_cg_layout_place_saved (struct sk_cg_layout *l, const char *saved, sk_error_t *err);

/* ---- conversions and file contents (cgroup_convert.c, pure) ---- */

uint64_t sk_cg_shares_to_weight (uint64_t shares);
uint64_t sk_cg_blkio_weight_to_io_weight (uint64_t weight);
/* OCI swap (memory+swap, runc semantics: 0 unset, -1 unlimited) to the v2
 * memory.swap.max value; *out is 0 "leave", -1 "max", else bytes. */
int sk_cg_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, sk_error_t *err);
/* "max", or the decimal; 0 yields NULL (runc's "not set"). buf >= 24. */
const char *sk_cg_limit_str (int64_t v, char *buf, size_t size);
/* v2 cpu.max: quota <= 0 -> "max"; cur_quota used when quota unset. */
int sk_cg_cpu_max (const sk_opt_i64 *quota, const sk_opt_u64 *period, const char *cur_quota, char *buf, size_t size);
/* io.max: one "MAJ:MIN rbps=.. wbps=.. riops=.. wiops=.." line per device
 * (only the keys given; a rate of 0 is "max"), NULL-terminated. */
int sk_cg_io_max_lines (const struct oci_blkio *b, char ***lines, sk_error_t *err);
/* v1 devices.allow/deny line: "c 1:3 rwm", "a *:* rwm". */
int sk_cg_device_rule_v1 (const struct oci_device_rule *r, char *buf, size_t size);
/* "2MB", "1GB", "64KB". */
bool sk_cg_hugepage_size_valid (const char *s);
/* /sys/kernel/mm/hugepages entry "hugepages-2048kB" -> "2MB". */
int sk_cg_hugepage_dir_to_size (const char *dirname, char *buf, size_t size);

/* ---- device rules (cgroup_devices_bpf.c) ---- */

/* Config rules then the default list, validated ('a' rules must be full). */
int sk_cg_device_rules_check (const struct oci_device_rule *rules, size_t n, sk_error_t *err);
/* Build the BPF_PROG_TYPE_CGROUP_DEVICE program.  *allow_all is set (and no
 * program built) when the rules leave every device allowed.  Pure. */
int sk_cg_devices_bpf_build (const struct oci_device_rule *rules, size_t n, struct bpf_insn **insns,
                             size_t *n_insns, bool *allow_all, sk_error_t *err);
/* Load it, attach it to dir (BPF_F_ALLOW_MULTI), detach the programs that
 * were attached before. */
int sk_cg_devices_bpf_apply (const char *dir, const struct oci_device_rule *rules, size_t n, sk_error_t *err);

/* ---- file helpers (cgroup_fs.c) ---- */

/* Errors read "<field>: write <file>: <strerror>" (field NULL: the dir). */
int sk_cg_write (const char *dir, const char *file, const char *value, const char *field, sk_error_t *err);
int sk_cg_read (const char *dir, const char *file, char **out, sk_error_t *err);
/* "max" reads as UINT64_MAX. */
int sk_cg_read_u64 (const char *dir, const char *file, uint64_t *v, sk_error_t *err);
bool sk_cg_has (const char *dir, const char *file);
/* "key value" lines (memory.stat, cpu.stat, cgroup.events); pure. */
bool sk_cg_kv_u64 (const char *text, const char *key, uint64_t *v);
/* mkdir -p of h->path below h->mount; sets h->created for the leaf. */
int sk_cg_mkdir_path (struct sk_cg_hier *h, bool cpuset_v1, sk_error_t *err);
/* Every pid below dir, recursively (cgroup.procs). */
int sk_cg_read_pids (const char *dir, pid_t **pids, size_t *n, sk_error_t *err);
/* rmdir dir and its sub-cgroups, bottom-up; with wait, EBUSY is retried for a while. */
int sk_cg_rmdir_tree (const char *dir, bool wait, sk_error_t *err);

/* ---- appliers (cgroup_v1.c, cgroup_v2.c) ---- */

int sk_cg_v1_memory (const char *dir, const struct oci_memory *m, const struct sk_log *log, sk_error_t *err);
int sk_cg_v1_cpu (const char *dir, const struct oci_cpu *c, sk_error_t *err);
int sk_cg_v1_blkio (const char *dir, const struct oci_blkio *b, sk_error_t *err);
int sk_cg_v1_hugetlb (const char *dir, const struct oci_hugepage_limit *h, size_t n, sk_error_t *err);
int sk_cg_v1_devices (const char *dir, const struct oci_device_rule *rules, size_t n, sk_error_t *err);
int sk_cg_v1_network (const struct sk_cg_layout *l, const struct oci_resources *r, const struct sk_log *log,
                      sk_error_t *err);

int sk_cg_v2_memory (const char *dir, const struct oci_memory *m, const struct sk_log *log, sk_error_t *err);
int sk_cg_v2_cpu (const char *dir, const struct oci_cpu *c, const struct sk_log *log, sk_error_t *err);
int sk_cg_v2_io (const char *dir, const struct oci_blkio *b, const struct sk_log *log, sk_error_t *err);
int sk_cg_v2_hugetlb (const char *dir, const struct oci_hugepage_limit *h, size_t n, sk_error_t *err);
int sk_cg_v2_unified (const char *dir, const struct oci_kv *kv, size_t n, sk_error_t *err);
/* Enable the v2 controllers in every ancestor's cgroup.subtree_control. */
void sk_cg_v2_enable_controllers (const struct sk_cg_hier *h, const struct sk_log *log);

/* Apply resources (cgroup_apply.c). with_devices: create, not update. */
int sk_cg_apply (const struct sk_cg_layout *l, const struct oci_resources *r, bool with_devices,
                 const struct sk_log *log, sk_error_t *err);

/* ---- stats (cgroup_stats.c collects, cgroup_stats_json.c shapes) ---- */

struct sk_cg_mem_entry
{
  uint64_t limit, usage, max, failcnt;
};

struct sk_cg_blkio_entry
{
  uint64_t major, minor;
  const char *op; /* static string: "Read", "Write", ... */
  uint64_t value;
};

struct sk_cg_hugetlb_stat
{
  char size[16]; /* "2MB" */
  uint64_t usage, max, failcnt;
};

struct sk_cg_stats
{
  struct
  {
    uint64_t total, kernel, user;
    uint64_t *percpu;
    size_t n_percpu;
    uint64_t periods, throttled_periods, throttled_time;
  } cpu;
  struct
  {
    uint64_t cache;
    struct sk_cg_mem_entry usage, swap, kernel, kernel_tcp;
    struct oci_kv *raw; /* memory.stat, values as decimal strings */
    size_t n_raw;
  } memory;
  struct
  {
    uint64_t current, limit;
  } pids;
  struct
  {
    struct sk_cg_blkio_entry *service_bytes, *serviced;
    size_t n_service_bytes, n_serviced;
  } blkio;
  struct sk_cg_hugetlb_stat *hugetlb;
  size_t n_hugetlb;
};

void sk_cg_stats_release (struct sk_cg_stats *s);
int sk_cg_stats_collect (const struct sk_cg_layout *l, struct sk_cg_stats *s, sk_error_t *err);
/* Shape the runc Stats JSON (Go omitempty rules, sorted raw keys).  Pure. */
int sk_cg_stats_to_json (const struct sk_cg_stats *s, char **json, size_t *len, sk_error_t *err);

#endif
