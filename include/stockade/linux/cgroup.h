/* The container's cgroup, on cgroup v1, cgroup v2 and the hybrid layout.
 *
 * The layout is read from /proc/self/mountinfo (which hierarchy is mounted
 * where, v1 or v2) and /proc/self/cgroup (the caller's own cgroups), never
 * assumed: each controller is driven where it is mounted, so on a hybrid host
 * memory goes to the v1 memory hierarchy while hugetlb may go to the v2 one.
 * The detected layout lives in struct sk_cgroup; there is no global state.
 *
 * linux.cgroupsPath:
 *   - "/a/b"   relative to the root of every hierarchy;
 *   - "a/b"    relative to the caller's own cgroup in each hierarchy (runc);
 *   - NULL/""  "/stockade/<id>";
 *   - "slice:prefix:name" (systemd driver) is refused, and so are ".."
 *     components and a path naming the hierarchy root itself.
 *
 * Resources follow runc's meaning of each OCI field; a value of 0 for
 * memory.limit/reservation/swap, cpu.shares/quota/period and blockIO.weight
 * means "leave as is", as it does in runc.  A limit the host cannot enforce
 * (controller missing) is an error naming the field, except for the fields
 * runc also ignores (memory.kernel, memory.kernelTCP: debug log;
 * disableOOMKiller, swappiness and realtime* on v2: warning).
 *
 * Devices: the config's linux.resources.devices rules are applied on top of
 * a deny-all default, followed by runc's default allow list
 * (sk_cgroup_default_device_rules), so a plain `spec` bundle keeps /dev/null
 * and friends.  v1 uses devices.deny/devices.allow; without a v1 devices
 * hierarchy a BPF_PROG_TYPE_CGROUP_DEVICE program is attached to the v2
 * cgroup (last matching rule wins, decided per access bit). */
#ifndef STOCKADE_LINUX_CGROUP_H
#define STOCKADE_LINUX_CGROUP_H

#include <stdbool.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

#include "stockade/error.h"
#include "stockade/log.h"
#include "stockade/oci_config.h"

struct sk_cgroup; /* layout + the container's cgroup in every hierarchy */

/* runc's AllowedDevices, appended after the config's rules at create. */
extern const struct oci_device_rule sk_cgroup_default_device_rules[];
extern const size_t sk_cgroup_n_default_device_rules;

/* Detect the layout and place the container's cgroup in every hierarchy
 * (v1 controllers, name=systemd and v2) without creating anything: `create`
 * records sk_cgroup_serialize of the plan before the mkdir, so a create
 * killed at any point leaves a cgroup that `delete` can find. */
int sk_cgroup_plan (const char *cgroups_path, const char *id, struct sk_cgroup **out, sk_error_t *err);

/* mkdir the planned cgroup in every hierarchy, initialise v1 cpuset parents,
 * enable v2 controllers in the ancestors, then apply res (may be NULL) and
 * the device rules.  A cgroup that already exists is reused only when it
 * holds no process.  On failure nothing created here is left behind.  log
 * may be NULL. */
int sk_cgroup_make (struct sk_cgroup *cg, const struct oci_resources *res, const struct sk_log *log,
                    sk_error_t *err);

/* sk_cgroup_plan, then sk_cgroup_make. */
int sk_cgroup_create (const char *cgroups_path, const char *id, const struct oci_resources *res,
                      const struct sk_log *log, struct sk_cgroup **out, sk_error_t *err);

/* Write pid into cgroup.procs of every hierarchy.  Call it for the container's
 * first process before it runs anything (children inherit the cgroup), and
 * for every `exec`ed process. */
int sk_cgroup_enter (const struct sk_cgroup *cg, pid_t pid, sk_error_t *err);

/* The first cgroup.procs write after a quiet spell waits for an RCU grace
 * period (6-30 ms here; src/linux/cgroup_warm.c).  start begins paying it in a
 * thread, by moving the caller into its own cgroup as laid out in cg, while
 * the caller goes on (it may fork meanwhile); finish joins that thread.  Start
 * it after any mkdir in cgroupfs, which would wait for it.  Best effort,
 * never fails; cg may be NULL (nothing is started). */
struct sk_cgroup_warm
{
  pthread_t thread;
  bool running;
  char *procs; /* the cgroup.procs file the thread writes */
};
void sk_cgroup_warm_start (struct sk_cgroup_warm *w, const struct sk_cgroup *cg);
void sk_cgroup_warm_finish (struct sk_cgroup_warm *w);

/* What to keep in the state file (state "cgroupPath"): the resolved path
 * ("/stockade/id") when it is the same in every hierarchy, else one
 * "<controllers>:<path>" line per hierarchy (v2: empty controllers), as in
 * /proc/PID/cgroup.  malloc'd; NULL only when out of memory. */
char *sk_cgroup_serialize (const struct sk_cgroup *cg);

/* Re-detect the layout and attach the path(s) saved by sk_cgroup_serialize. */
int sk_cgroup_open (const char *saved, struct sk_cgroup **out, sk_error_t *err);

/* Every process in the cgroup and its descendants (kill --all, ps), read
 * from the hierarchy that owns the freezer.  *pids is malloc'd. */
int sk_cgroup_pids (const struct sk_cgroup *cg, pid_t **pids, size_t *n, sk_error_t *err);

/* v1 freezer.state / v2 cgroup.freeze; returns once the kernel reports the
 * cgroup FROZEN (or thawed), or fails after a bounded wait. */
int sk_cgroup_freeze (const struct sk_cgroup *cg, bool frozen, sk_error_t *err);
int sk_cgroup_is_frozen (const struct sk_cgroup *cg, bool *frozen, sk_error_t *err);

/* `update`: apply res to a live cgroup.  Device rules are not changed (as in
 * runc): rewriting them would briefly deny every device to the container. */
int sk_cgroup_update (const struct sk_cgroup *cg, const struct oci_resources *res, const struct sk_log *log,
                      sk_error_t *err);

/* The "data" object of runc's `events --stats` (cpu, memory, pids, blkio,
 * hugetlb) as one JSON line without trailing newline; *json is malloc'd. */
int sk_cgroup_stats_json (const struct sk_cgroup *cg, char **json, size_t *len, sk_error_t *err);

/* SIGKILL whatever is left (v2 cgroup.kill when available, else freeze, kill,
 * thaw, repeated), wait until empty (bounded), then rmdir the cgroup and any
 * sub-cgroups the container made, in every hierarchy where it exists.  Does
 * not free cg. */
int sk_cgroup_destroy (struct sk_cgroup *cg, sk_error_t *err);

void sk_cgroup_free (struct sk_cgroup *cg);

static inline void
sk_cgroup_freep (struct sk_cgroup **cg)
{
  sk_cgroup_free (*cg);
  *cg = NULL;
}
#define cleanup_cgroup __attribute__ ((cleanup (sk_cgroup_freep)))

#endif
