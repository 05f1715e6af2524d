/* Unit tests for src/oci/parse: the good configs field by field, process.json,
 * the entry points and the tables.  Usage: test-oci-parse SOURCE_DIR. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci_test_util.h"

static void
test_runc_spec (void)
{
  cleanup_config struct oci_config *c = load_good ("runc-spec.json");
  static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
  static const char *const devpts_opts[]
      = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL };

  if (c == NULL)
    return;
  SK_CHECK_STR (c->oci_version, "1.0.2-dev");
  SK_CHECK_STR (c->root.path, "rootfs");
  SK_CHECK (c->root.readonly);
  SK_CHECK_STR (c->hostname, "runc");
  SK_CHECK (c->process != NULL && c->process->terminal);
  SK_CHECK (c->process->user.uid == 0 && c->process->user.gid == 0);
  SK_CHECK (!c->process->user.umask.set);
  SK_CHECK (strv_eq (c->process->args, (const char *const[]){ "sh", NULL }));
  SK_CHECK (strv_eq (c->process->env, (const char *const[]){
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL }));
  SK_CHECK_STR (c->process->cwd, "/");
  SK_CHECK (c->process->capabilities != NULL);
  SK_CHECK (strv_eq (c->process->capabilities->bounding, caps));
  SK_CHECK (strv_eq (c->process->capabilities->ambient, caps));
  SK_CHECK (c->process->capabilities->inheritable == NULL);
  SK_CHECK (c->process->n_rlimits == 1);
  SK_CHECK_STR (c->process->rlimits[0].type, "RLIMIT_NOFILE");
  SK_CHECK (c->process->rlimits[0].soft == 1024 && c->process->rlimits[0].hard == 1024);
  SK_CHECK (c->process->no_new_privileges);
  SK_CHECK (c->n_mounts == 7);
  SK_CHECK_STR (c->mounts[0].destination, "/proc");
  SK_CHECK (c->mounts[0].options == NULL);
  SK_CHECK_STR (c->mounts[2].type, "devpts");
  SK_CHECK (strv_eq (c->mounts[2].options, devpts_opts));
  SK_CHECK_STR (c->mounts[6].destination, "/sys/fs/cgroup");
  SK_CHECK (c->linux_cfg != NULL && c->linux_cfg->n_namespaces == 5);
  SK_CHECK (c->linux_cfg->namespaces[1].type == OCI_NS_NETWORK);
  SK_CHECK (c->linux_cfg->namespaces[1].path == NULL);
  SK_CHECK (c->linux_cfg->resources != NULL && c->linux_cfg->resources->n_devices == 1);
  SK_CHECK (!c->linux_cfg->resources->devices[0].allow);
  SK_CHECK (c->linux_cfg->resources->devices[0].type == 'a');
  SK_CHECK (!c->linux_cfg->resources->devices[0].major.set);
  SK_CHECK_STR (c->linux_cfg->resources->devices[0].access, "rwm");
  SK_CHECK (sk_strv_len (c->linux_cfg->masked_paths) == 10);
  SK_CHECK_STR (c->linux_cfg->masked_paths[9], "/proc/scsi");
  SK_CHECK (sk_strv_len (c->linux_cfg->readonly_paths) == 5);
  SK_CHECK (c->linux_cfg->seccomp == NULL);
  SK_CHECK (c->warnings == NULL);
}

static void
test_runc_rootless (void)
{
  cleanup_config struct oci_config *c = load_good ("runc-rootless.json");

  if (c == NULL)
    return;
  SK_CHECK (c->linux_cfg != NULL);
  SK_CHECK (find_ns (c->linux_cfg, OCI_NS_USER) != NULL);
  SK_CHECK (find_ns (c->linux_cfg, OCI_NS_NETWORK) == NULL);
  SK_CHECK (c->linux_cfg->n_uid_mappings == 1 && c->linux_cfg->uid_mappings[0].size == 1);
  SK_CHECK (c->linux_cfg->n_gid_mappings == 1 && c->linux_cfg->gid_mappings[0].container_id == 0);
}

static void
test_docker (void)
{
  cleanup_config struct oci_config *c = load_good ("docker.json");
  const struct oci_linux *l;
  const struct oci_seccomp *s;

  if (c == NULL)
    return;
  l = c->linux_cfg;
  SK_CHECK (strv_eq (c->process->args,
                     (const char *const[]){ "/docker-entrypoint.sh", "nginx", "-g", "daemon off;", NULL }));
  SK_CHECK (c->process->user.uid == 1000 && c->process->user.n_additional_gids == 3);
  SK_CHECK (c->process->user.additional_gids[2] == 27);
  SK_CHECK (sk_strv_len (c->process->capabilities->bounding) == 14);
  SK_CHECK_STR (c->process->capabilities->effective[13], "CAP_AUDIT_WRITE");
  SK_CHECK (c->process->capabilities->ambient == NULL);
  SK_CHECK (c->process->rlimits[0].hard == 1048576);
  SK_CHECK_STR (c->process->apparmor_profile, "docker-default");
  SK_CHECK (c->process->oom_score_adj.set && c->process->oom_score_adj.v == 0);
  SK_CHECK (c->n_mounts == 11);
  SK_CHECK_STR (c->mounts[10].source, "/srv/data");
  SK_CHECK (strv_eq (c->mounts[10].options, (const char *const[]){ "rbind", "ro", "rprivate", NULL }));
  SK_CHECK (c->hooks.prestart.n == 1 && c->hooks.create_runtime.n == 1);
  SK_CHECK_STR (c->hooks.prestart.hooks[0].path, "/proc/1234/exe");
  SK_CHECK_STR (c->hooks.create_runtime.hooks[0].args[0], "libnetwork-setkey");
  SK_CHECK (!c->hooks.prestart.hooks[0].timeout.set);
  SK_CHECK (l->n_sysctl == 2);
  SK_CHECK_STR (l->sysctl[1].key, "net.ipv4.ping_group_range");
  SK_CHECK_STR (l->sysctl[1].value, "0 2147483647");
  SK_CHECK (l->resources->n_devices == 6);
  SK_CHECK (l->resources->devices[3].major.set && l->resources->devices[3].major.v == 136);
  SK_CHECK (!l->resources->devices[3].minor.set); /* -1: wildcard */
  SK_CHECK (l->resources->devices[3].type == 'c' && l->resources->devices[3].allow);
  SK_CHECK (l->resources->memory->limit.v == 536870912);
  SK_CHECK (l->resources->memory->swap.set && l->resources->memory->swap.v == -1);
  SK_CHECK (!l->resources->memory->reservation.set);
  SK_CHECK (l->resources->cpu->quota.v == 50000 && l->resources->cpu->period.v == 100000);
  SK_CHECK (l->resources->pids_limit.set && l->resources->pids_limit.v == -1);
  SK_CHECK (l->resources->block_io->weight.set && l->resources->block_io->weight.v == 500);
  SK_CHECK_STR (l->cgroups_path, "system.slice:docker:4f1c2d3e4a5b");
  SK_CHECK (l->n_namespaces == 6 && find_ns (l, OCI_NS_CGROUP) != NULL);
  s = l->seccomp;
  SK_CHECK (s != NULL);
  if (s == NULL)
    return;
  SK_CHECK_STR (s->default_action, "SCMP_ACT_ERRNO");
  SK_CHECK (s->default_errno_ret.set && s->default_errno_ret.v == 1);
  SK_CHECK (strv_eq (s->architectures,
                     (const char *const[]){ "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL }));
  SK_CHECK (s->n_syscalls == 7);
  SK_CHECK (sk_strv_len (s->syscalls[0].names) == 112);
  SK_CHECK (s->syscalls[3].args[0].value == 4294967295u);
  SK_CHECK (s->syscalls[4].n_args == 1);
  SK_CHECK_STR (s->syscalls[4].args[0].op, "SCMP_CMP_MASKED_EQ");
  SK_CHECK (s->syscalls[4].args[0].value == 2114060288 && s->syscalls[4].args[0].value_two == 0);
  SK_CHECK (s->syscalls[5].errno_ret.set && s->syscalls[5].errno_ret.v == 38);
  SK_CHECK (s->syscalls[6].n_args == 2 && s->syscalls[6].args[1].index == 2);
  SK_CHECK (sk_strv_len (l->masked_paths) == 11);
}

static void
test_minimal (void)
{
  cleanup_config struct oci_config *c = load_good ("minimal.json");

  if (c == NULL)
    return;
  SK_CHECK_STR (c->oci_version, "1.2.0");
  SK_CHECK_STR (c->root.path, "rootfs");
  SK_CHECK (!c->root.readonly);
  SK_CHECK (c->process == NULL && c->linux_cfg == NULL && c->mounts == NULL && c->n_mounts == 0);
  SK_CHECK (c->hooks.prestart.hooks == NULL && c->annotations == NULL && c->warnings == NULL);
  SK_CHECK (c->hostname == NULL);
}

static void
check_full_process (const struct oci_process *p)
{
  SK_CHECK (p->terminal && p->console_size.set);
  SK_CHECK (p->console_size.height == 24 && p->console_size.width == 80);
  SK_CHECK (p->user.uid == 1000 && p->user.gid == 1001);
  SK_CHECK (p->user.umask.set && p->user.umask.v == 18);
  SK_CHECK (p->user.n_additional_gids == 2 && p->user.additional_gids[1] == 4294967295u);
  SK_CHECK_STR (p->user.username, "app");
  SK_CHECK (strv_eq (p->args, (const char *const[]){ "/bin/app", "--flag", "value with spaces", NULL }));
  SK_CHECK_STR (p->env[2], "EMPTY=");
  SK_CHECK_STR (p->cwd, "/home/app");
  SK_CHECK_STR (p->capabilities->bounding[2], "CAP_NOT_A_REAL_ONE"); /* not validated here */
  SK_CHECK (p->capabilities->inheritable != NULL && p->capabilities->inheritable[0] == NULL);
  SK_CHECK (strv_eq (p->capabilities->ambient, (const char *const[]){ "CAP_NET_BIND_SERVICE", NULL }));
  SK_CHECK (p->n_rlimits == 3);
  SK_CHECK_STR (p->rlimits[1].type, "RLIMIT_CORE");
  SK_CHECK (p->rlimits[1].soft == UINT64_MAX && p->rlimits[1].hard == 18446744073709551615ull);
  SK_CHECK (p->rlimits[2].hard == 9223372036854775807ull);
  SK_CHECK (p->rlimits[0].soft == 1024 && p->rlimits[0].hard == 4096);
  SK_CHECK (p->no_new_privileges);
  SK_CHECK (p->oom_score_adj.set && p->oom_score_adj.v == -500);
  SK_CHECK_STR (p->apparmor_profile, "stockade-default");
  SK_CHECK_STR (p->selinux_label, "system_u:system_r:container_t:s0:c1,c2");
  SK_CHECK (p->scheduler.set);
  SK_CHECK_STR (p->scheduler.policy, "SCHED_DEADLINE");
  SK_CHECK (p->scheduler.nice.set && p->scheduler.nice.v == -5);
  SK_CHECK (p->scheduler.priority.set && p->scheduler.priority.v == 0);
  SK_CHECK_STR (p->scheduler.flags[0], "SCHED_FLAG_RESET_ON_FORK");
  SK_CHECK (p->scheduler.runtime.v == 10000000 && p->scheduler.deadline.v == 20000000);
  SK_CHECK (p->scheduler.period.set && p->scheduler.period.v == 30000000);
  SK_CHECK (p->io_priority.set && p->io_priority.priority == 4);
  SK_CHECK_STR (p->io_priority.io_class, "IOPRIO_CLASS_BE");
}

static void
check_full_hooks (const struct oci_hooks *h)
{
  SK_CHECK (h->prestart.n == 1 && h->create_runtime.n == 2 && h->create_container.n == 1);
  SK_CHECK (h->start_container.n == 1 && h->poststart.n == 1 && h->poststop.n == 1);
  SK_CHECK_STR (h->prestart.hooks[0].path, "/usr/bin/prestart-hook");
  SK_CHECK (strv_eq (h->prestart.hooks[0].args, (const char *const[]){ "prestart-hook", "a", NULL }));
  SK_CHECK (strv_eq (h->prestart.hooks[0].env, (const char *const[]){ "A=1", NULL }));
  SK_CHECK (h->prestart.hooks[0].timeout.set && h->prestart.hooks[0].timeout.v == 5);
  SK_CHECK (!h->create_runtime.hooks[0].timeout.set && h->create_runtime.hooks[0].args == NULL);
  SK_CHECK (h->create_runtime.hooks[1].timeout.v == 1);
  SK_CHECK_STR (h->create_container.hooks[0].path, "/usr/bin/create-container");
  SK_CHECK (h->create_container.hooks[0].timeout.v == 10);
  SK_CHECK_STR (h->start_container.hooks[0].args[0], "start-container");
  SK_CHECK (h->poststart.hooks[0].timeout.v == 30);
  SK_CHECK (h->poststop.hooks[0].timeout.v == 2147483647);
  SK_CHECK_STR (h->poststop.hooks[0].env[0], "X=y");
}

static void
check_full_resources (const struct oci_resources *r)
{
  const struct oci_blkio *b = r->block_io;

  SK_CHECK (r->n_devices == 4);
  SK_CHECK (r->devices[1].type == 'c' && r->devices[1].major.v == 10 && r->devices[1].minor.v == 229);
  SK_CHECK_STR (r->devices[1].access, "rw");
  SK_CHECK (r->devices[2].type == 'b' && !r->devices[2].major.set && !r->devices[2].minor.set);
  SK_CHECK (r->devices[3].major.set && !r->devices[3].minor.set && r->devices[3].access == NULL);
  SK_CHECK (r->memory->limit.v == 1073741824 && r->memory->reservation.v == 536870912);
  SK_CHECK (r->memory->swap.v == -1 && r->memory->kernel.v == -1 && r->memory->kernel_tcp.v == 65536);
  SK_CHECK (r->memory->swappiness.set && r->memory->swappiness.v == 60);
  SK_CHECK (r->memory->disable_oom_killer.set && !r->memory->disable_oom_killer.v);
  SK_CHECK (r->memory->use_hierarchy.v && r->memory->check_before_update.v);
  SK_CHECK (r->cpu->shares.v == 2048 && r->cpu->quota.set && r->cpu->quota.v == -1);
  SK_CHECK (r->cpu->burst.v == 1000 && r->cpu->period.v == 100000);
  SK_CHECK (r->cpu->realtime_runtime.v == 950000 && r->cpu->realtime_period.v == 1000000);
  SK_CHECK_STR (r->cpu->cpus, "0-3");
  SK_CHECK_STR (r->cpu->mems, "0");
  SK_CHECK (r->cpu->idle.set && r->cpu->idle.v == 1);
  SK_CHECK (r->pids_limit.set && r->pids_limit.v == 512);
  SK_CHECK (b->weight.v == 65535 && b->leaf_weight.v == 10);
  SK_CHECK (b->n_weight_device == 2 && b->weight_device[0].weight.v == 500);
  SK_CHECK (b->weight_device[0].leaf_weight.v == 300 && !b->weight_device[1].weight.set);
  SK_CHECK (b->weight_device[1].major == 8 && b->weight_device[1].minor == 16);
  SK_CHECK (b->throttle_read_bps.n == 1 && b->throttle_read_bps.items[0].rate == 104857600);
  SK_CHECK (b->throttle_write_bps.items[0].rate == UINT64_MAX);
  SK_CHECK (b->throttle_read_iops.items[0].rate == 1000);
  SK_CHECK (b->throttle_write_iops.n == 2 && b->throttle_write_iops.items[1].minor == 16);
  SK_CHECK (r->n_hugepage_limits == 2);
  SK_CHECK_STR (r->hugepage_limits[0].page_size, "2MB");
  SK_CHECK (r->hugepage_limits[0].limit == 209715200);
  SK_CHECK_STR (r->hugepage_limits[1].page_size, "1GB");
  SK_CHECK (r->network_class_id.set && r->network_class_id.v == 1048577);
  SK_CHECK (r->n_network_priorities == 2 && r->network_priorities[0].priority == 500);
  SK_CHECK_STR (r->network_priorities[1].name, "lo");
  SK_CHECK (r->has_rdma);
  SK_CHECK (r->n_unified == 2);
  SK_CHECK_STR (r->unified[0].key, "memory.high");
  SK_CHECK_STR (r->unified[1].value, "default 100");
}

static void
check_full_seccomp (const struct oci_seccomp *s)
{
  SK_CHECK_STR (s->default_action, "SCMP_ACT_ERRNO");
  SK_CHECK (s->default_errno_ret.v == 1);
  SK_CHECK (sk_strv_len (s->architectures) == 3);
  SK_CHECK (strv_eq (s->flags, (const char *const[]){ "SECCOMP_FILTER_FLAG_LOG",
                                                       "SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL }));
  SK_CHECK_STR (s->listener_path, "/run/seccomp-agent.sock");
  SK_CHECK_STR (s->listener_metadata, "meta");
  SK_CHECK (s->n_syscalls == 5);
  SK_CHECK_STR (s->syscalls[0].names[2], "no_such_syscall_is_fine_here");
  SK_CHECK (!s->syscalls[0].errno_ret.set && s->syscalls[0].args == NULL);
  SK_CHECK_STR (s->syscalls[1].args[0].op, "SCMP_CMP_MASKED_EQ");
  SK_CHECK (s->syscalls[1].args[0].value == 2114060288 && s->syscalls[1].args[0].value_two == 0);
  SK_CHECK (s->syscalls[2].n_args == 2 && s->syscalls[2].args[0].value == 4294967295u);
  SK_CHECK (s->syscalls[2].args[1].index == 5 && s->syscalls[2].args[1].value == UINT64_MAX);
  SK_CHECK (s->syscalls[2].args[1].value_two == UINT64_MAX - 1);
  SK_CHECK_STR (s->syscalls[2].args[1].op, "SCMP_CMP_NE");
  SK_CHECK_STR (s->syscalls[3].action, "SCMP_ACT_NOTIFY");
  SK_CHECK (s->syscalls[4].errno_ret.set && s->syscalls[4].errno_ret.v == 1);
}

static void
check_full_linux (const struct oci_linux *l)
{
  SK_CHECK (l->n_namespaces == OCI_NS__COUNT);
  SK_CHECK_STR (find_ns (l, OCI_NS_NETWORK)->path, "/var/run/netns/full");
  SK_CHECK (find_ns (l, OCI_NS_TIME) != NULL && find_ns (l, OCI_NS_TIME)->path == NULL);
  SK_CHECK (l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 100000);
  SK_CHECK (l->uid_mappings[0].size == 65536);
  SK_CHECK (l->n_gid_mappings == 2 && l->gid_mappings[1].host_id == 4294967294u);
  SK_CHECK (l->n_time_offsets == 2);
  SK_CHECK_STR (l->time_offsets[0].clock, "monotonic");
  SK_CHECK (l->time_offsets[0].secs == -86400 && l->time_offsets[0].nanosecs == 500);
  SK_CHECK_STR (l->time_offsets[1].clock, "boottime");
  SK_CHECK (l->time_offsets[1].nanosecs == 999999999);
  SK_CHECK (l->n_devices == 3);
  SK_CHECK_STR (l->devices[0].path, "/dev/fuse");
  SK_CHECK (l->devices[0].type == 'c' && l->devices[0].major == 10 && l->devices[0].minor == 229);
  SK_CHECK (l->devices[0].file_mode.set && l->devices[0].file_mode.v == 0666);
  SK_CHECK (l->devices[0].uid.set && l->devices[0].gid.set && l->devices[0].gid.v == 0);
  SK_CHECK (l->devices[1].type == 'b' && !l->devices[1].file_mode.set);
  SK_CHECK (l->devices[2].type == 'p' && l->devices[2].major == 0);
  SK_CHECK_STR (l->cgroups_path, "/stockade/full");
  SK_CHECK_STR (l->rootfs_propagation, "rslave");
  SK_CHECK (l->n_sysctl == 2);
  SK_CHECK_STR (l->sysctl[0].key, "net.ipv4.ip_forward");
  SK_CHECK_STR (l->sysctl[0].value, "1");
  SK_CHECK (strv_eq (l->masked_paths, (const char *const[]){ "/proc/kcore", "/sys/firmware", NULL }));
  SK_CHECK (strv_eq (l->readonly_paths, (const char *const[]){ "/proc/sys", "/proc/sysrq-trigger", NULL }));
  SK_CHECK_STR (l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
  SK_CHECK (l->personality.set);
  SK_CHECK_STR (l->personality.domain, "LINUX32");
  SK_CHECK (l->personality.flags != NULL && l->personality.flags[0] == NULL);
  SK_CHECK (l->has_intel_rdt);
  SK_CHECK (l->resources != NULL && l->seccomp != NULL);
  if (l->resources != NULL)
    check_full_resources (l->resources);
  if (l->seccomp != NULL)
    check_full_seccomp (l->seccomp);
}

static void
test_full (void)
{
  cleanup_config struct oci_config *c = load_good ("full.json");

  if (c == NULL)
    return;
  SK_CHECK_STR (c->oci_version, "1.2.0");
  SK_CHECK_STR (c->root.path, "/bundles/full/rootfs");
  SK_CHECK_STR (c->domainname, "example.org");
  SK_CHECK (c->n_annotations == 3);
  SK_CHECK_STR (c->annotations[0].key, "org.opencontainers.image.title");
  SK_CHECK_STR (c->annotations[1].value, "abc123");
  SK_CHECK_STR (c->annotations[2].value, "");
  SK_CHECK (c->n_mounts == 3);
  SK_CHECK (strv_eq (c->mounts[1].options, (const char *const[]){ "rbind", "ro", "idmap", NULL }));
  SK_CHECK (c->mounts[1].n_uid_mappings == 1 && c->mounts[1].uid_mappings[0].host_id == 100000);
  SK_CHECK (c->mounts[1].uid_mappings[0].size == 65536 && c->mounts[1].n_gid_mappings == 2);
  SK_CHECK (c->mounts[1].gid_mappings[1].container_id == 1000);
  SK_CHECK_STR (c->mounts[2].destination, "relative/dest");
  SK_CHECK (c->mounts[2].options == NULL); /* null: absent */
  SK_CHECK (c->process != NULL && c->linux_cfg != NULL);
  if (c->process != NULL)
    check_full_process (c->process);
  check_full_hooks (&c->hooks);
  if (c->linux_cfg != NULL)
    check_full_linux (c->linux_cfg);
  SK_CHECK (sk_strv_len (c->warnings) == 2);
  SK_CHECK_STR (c->warnings ? c->warnings[0] : NULL, "linux.intelRdt: not supported, ignored");
  SK_CHECK_STR (c->warnings ? c->warnings[1] : NULL, "linux.netDevices: not supported, ignored");
}

static void
test_unknown_keys_ignored (void)
{
  static const char json[]
      = "{\"ociVersion\":\"1.2.0\",\"future\":{\"a\":[1,2.5,null,true]},\"root\":{\"path\":\"r\",\"x\":[]},"
        "\"process\":{\"user\":{\"uid\":1,\"gid\":2,\"extra\":\"x\"},\"args\":[\"a\"],\"cwd\":\"/\","
        "\"newThing\":{\"deep\":{\"deeper\":1e400}}},"
        "\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"flags\":7}],\"netDevices\":{\"eth0\":{}},"
        "\"memoryPolicy\":{\"mode\":\"MPOL_BIND\"},\"resources\":{\"memory\":{\"limit\":5,\"new\":\"x\"}}}}";
  cleanup_error sk_error_t err = NULL;
  cleanup_config struct oci_config *c = NULL;

  SK_CHECK (oci_config_parse_data (json, strlen (json), &c, &err) == 0);
  if (c == NULL)
    {
      printf ("# %s\n", sk_error_msg (&err));
      return;
    }
  SK_CHECK_STR (c->root.path, "r");
  SK_CHECK (c->process->user.uid == 1 && c->process->user.gid == 2);
  SK_CHECK (c->linux_cfg->n_namespaces == 1 && c->linux_cfg->namespaces[0].type == OCI_NS_PID);
  SK_CHECK (c->linux_cfg->resources->memory->limit.v == 5);
  SK_CHECK (strv_eq (c->warnings, (const char *const[]){ "linux.netDevices: not supported, ignored", NULL }));
}

static void
test_null_means_absent (void)
{
  static const char json[]
      = "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\",\"readonly\":null},\"hostname\":null,"
        "\"mounts\":null,\"process\":null,\"annotations\":null,\"linux\":{\"resources\":null,"
        "\"seccomp\":null,\"personality\":null,\"sysctl\":null,\"namespaces\":null}}";
  cleanup_error sk_error_t err = NULL;
  cleanup_config struct oci_config *c = NULL;

  SK_CHECK (oci_config_parse_data (json, strlen (json), &c, &err) == 0);
  if (c == NULL)
    return;
  SK_CHECK (c->hostname == NULL && c->mounts == NULL && c->process == NULL);
  SK_CHECK (c->linux_cfg != NULL && c->linux_cfg->resources == NULL && c->linux_cfg->seccomp == NULL);
  SK_CHECK (!c->linux_cfg->personality.set && c->linux_cfg->n_namespaces == 0);
}

static void
test_process_good (void)
{
  cleanup_free char *path = corpus_path ("good", "process.json");
  cleanup_error sk_error_t err = NULL;
  __attribute__ ((cleanup (process_freep))) struct oci_process *p = NULL;

  SK_CHECK (oci_process_parse_file (path, &p, &err) == 0);
  if (p == NULL)
    {
      printf ("# %s\n", sk_error_msg (&err));
      return;
    }
  SK_CHECK (!p->terminal && !p->console_size.set);
  SK_CHECK (p->user.uid == 0 && p->user.n_additional_gids == 2 && p->user.additional_gids[0] == 1);
  SK_CHECK (strv_eq (p->args, (const char *const[]){ "/bin/sh", "-c", "echo hi", NULL }));
  SK_CHECK (strv_eq (p->env, (const char *const[]){ "PATH=/bin", NULL }));
  SK_CHECK_STR (p->cwd, "/tmp");
  SK_CHECK (strv_eq (p->capabilities->bounding, (const char *const[]){ "CAP_KILL", NULL }));
  SK_CHECK (p->capabilities->permitted == NULL);
  SK_CHECK (p->n_rlimits == 1 && p->rlimits[0].soft == 100 && p->rlimits[0].hard == 200);
  SK_CHECK (p->no_new_privileges && !p->scheduler.set && !p->io_priority.set);
}

static void
test_process_data (void)
{
  static const char json[] = "{\"user\":{\"uid\":7,\"gid\":8},\"args\":[\"x\"],\"cwd\":\"/w\"}";
  cleanup_error sk_error_t err = NULL;
  __attribute__ ((cleanup (process_freep))) struct oci_process *p = NULL;

  SK_CHECK (oci_process_parse_data (json, strlen (json), &p, &err) == 0);
  SK_CHECK (p != NULL && p->user.uid == 7 && p->user.gid == 8);
  SK_CHECK (process_data (LIT ("{\"args\":[\"x\"],\"cwd\":\"/\"}"), &err) < 0);
  SK_CHECK_STR (sk_error_msg (&err), "user: required field missing");
  SK_CHECK (process_data (LIT ("nope"), &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "process.json: invalid JSON: lexical error");
}

static void
test_data_entry_point (void)
{
  static const char doc[] = "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"}}trailing bytes not passed";
  static const char nul[] = "{\"ociVersion\":\"1\",\0\"root\":{\"path\":\"r\"}}";
  cleanup_error sk_error_t err = NULL;

  /* len bounds the document; the buffer need not be NUL-terminated there. */
  SK_CHECK (config_data (doc, strlen ("{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"}}"), &err) == 0);
  SK_CHECK (config_data (doc, strlen (doc), &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "config.json: invalid JSON: parse error: trailing garbage");
  SK_CHECK (config_data (nul, sizeof (nul) - 1, &err) < 0);
  SK_CHECK_STR (sk_error_msg (&err), "config.json: invalid JSON: NUL byte in document");
  SK_CHECK (config_data (LIT ("{\"root\":{\"path\":\"r\"}}"), &err) < 0);
  SK_CHECK_STR (sk_error_msg (&err), "ociVersion: required field missing");
  SK_CHECK (config_data (LIT ("{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"},\"process\":{\"user\":"
                              "{\"uid\":0,\"gid\":0},\"args\":[7],\"cwd\":\"/\"}}"),
                         &err) < 0);
  SK_CHECK_STR (sk_error_msg (&err), "process.args[0]: expected string, got number");
}

static void
test_file_errors (void)
{
  cleanup_free char *missing = corpus_path ("good", "no-such-file.json");
  cleanup_free char *dir = corpus_path ("good", "");
  char big[] = "/tmp/sk-oci-big-XXXXXX";
  cleanup_error sk_error_t err = NULL;
  cleanup_close int fd = mkstemp (big);

  SK_CHECK (config_file (missing, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "no-such-file.json");
  SK_CHECK_CONTAINS (sk_error_msg (&err), strerror (ENOENT));
  SK_CHECK (config_file (dir, &err) < 0);
  SK_CHECK (fd >= 0);
  if (fd < 0)
    return;
  SK_CHECK (ftruncate (fd, 16 * 1024 * 1024 + 1) == 0);
  SK_CHECK (config_file (big, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "file too large");
  SK_CHECK (process_file (big, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "file too large");
  unlink (big);
}

/* Feed N copies of CHUNK, then TAIL, through a pipe; parse it as /dev/fd/N,
 * where fstat gives no size, so the reader must bound what it reads itself. */
static int
parse_from_pipe (const char *chunk, size_t n, const char *tail, sk_error_t *err)
{
  cleanup_free char *path = NULL;
  int fds[2];
  pid_t pid;
  int r, status;

  if (pipe (fds) < 0)
    abort ();
  pid = fork ();
  if (pid == 0)
    {
      close (fds[0]);
      for (size_t i = 0; i < n; i++)
        if (write (fds[1], chunk, strlen (chunk)) < 0)
          _exit (0);
      if (write (fds[1], tail, strlen (tail)) < 0)
        _exit (0);
      _exit (0);
    }
  close (fds[1]);
  if (asprintf (&path, "/dev/fd/%d", fds[0]) < 0)
    abort ();
  r = config_file (path, err);
  close (fds[0]);
  waitpid (pid, &status, 0);
  return r;
}

static void
test_file_stream (void)
{
  static const char doc[] = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"piped\"}}";
  char spaces[4096];
  cleanup_error sk_error_t err = NULL;

  memset (spaces, ' ', sizeof (spaces) - 1);
  spaces[sizeof (spaces) - 1] = '\0';
  /* 4 MiB of leading whitespace: several buffer growths, still accepted. */
  SK_CHECK (parse_from_pipe (spaces, 1025, doc, &err) == 0);
  /* Past 16 MiB: refused without reading the rest. */
  SK_CHECK (parse_from_pipe (spaces, 4200, doc, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "file too large (limit 16777216 bytes)");
}

static void
test_tables (void)
{
  SK_CHECK_STR (oci_ns_type_name (OCI_NS_PID), "pid");
  SK_CHECK_STR (oci_ns_type_name (OCI_NS_NETWORK), "network");
  SK_CHECK_STR (oci_ns_type_name (OCI_NS_TIME), "time");
  SK_CHECK (oci_ns_type_name (OCI_NS__COUNT) == NULL);
  for (int t = 0; t < OCI_NS__COUNT; t++)
    SK_CHECK (oci_ns_type_from_name (oci_ns_type_name ((enum oci_ns_type) t)) == t);
  SK_CHECK (oci_ns_type_from_name ("net") == -1);
  SK_CHECK (oci_ns_type_from_name (NULL) == -1);
  SK_CHECK (oci_rlimit_from_name ("RLIMIT_NOFILE") == RLIMIT_NOFILE);
  SK_CHECK (oci_rlimit_from_name ("RLIMIT_RTTIME") == RLIMIT_RTTIME);
  SK_CHECK (oci_rlimit_from_name ("RLIMIT_CPU") == RLIMIT_CPU);
  SK_CHECK (oci_rlimit_from_name ("NOFILE") == -1);
}

static void
test_free_null (void)
{
  oci_config_free (NULL);
  oci_process_free (NULL);
  SK_CHECK (1);
}

int
main (int argc, char **argv)
{
  corpus_dir = argc > 1 ? argv[1] : ".";
  SK_RUN (test_runc_spec);
  SK_RUN (test_runc_rootless);
  SK_RUN (test_docker);
  SK_RUN (test_minimal);
  SK_RUN (test_full);
  SK_RUN (test_unknown_keys_ignored);
  SK_RUN (test_null_means_absent);
  SK_RUN (test_process_good);
  SK_RUN (test_process_data);
  SK_RUN (test_data_entry_point);
  SK_RUN (test_file_errors);
  SK_RUN (test_file_stream);
  SK_RUN (test_tables);
  SK_RUN (test_free_null);
  return sk_test_done ();
}
