/* Name tables for the enumerations the OCI runtime spec fixes. */
#include "tables.h"

#include <string.h>
#include <sys/resource.h>

#include "stockade/oci_config.h"

#define TABLE(var_, what_, entries_)                                                    \
  const struct oci_name_table var_                                                      \
      = { .what = (what_), .entries = (entries_), .n = sizeof (entries_) / sizeof ((entries_)[0]) }

/* Names only: the parser validates membership, the kernel-side modules map
 * the names to numbers for their own purpose. */
#define N(name_) { (name_), 0 }

static const struct oci_name_value ns_types[] = {
  { "pid", OCI_NS_PID },       { "network", OCI_NS_NETWORK }, { "mount", OCI_NS_MOUNT },
  { "ipc", OCI_NS_IPC },       { "uts", OCI_NS_UTS },         { "user", OCI_NS_USER },
  { "cgroup", OCI_NS_CGROUP }, { "time", OCI_NS_TIME },
};
TABLE (oci_tbl_ns_type, "namespace type", ns_types);

static const struct oci_name_value rlimits[] = {
  { "RLIMIT_CPU", RLIMIT_CPU },           { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_DATA", RLIMIT_DATA },         { "RLIMIT_STACK", RLIMIT_STACK },
  { "RLIMIT_CORE", RLIMIT_CORE },         { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_NPROC", RLIMIT_NPROC },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },   { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },       { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },     { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};
TABLE (oci_tbl_rlimit, "rlimit type", rlimits);

static const struct oci_name_value device_types[] = {
  { "c", 'c' }, { "b", 'b' }, { "u", 'u' }, { "p", 'p' },
};
TABLE (oci_tbl_device_type, "device type", device_types);

static const struct oci_name_value rule_types[] = {
  { "a", 'a' }, { "c", 'c' }, { "b", 'b' },
};
TABLE (oci_tbl_rule_type, "device rule type", rule_types);

static const struct oci_name_value propagations[] = {
  N ("private"),  N ("shared"),  N ("slave"),  N ("unbindable"),
  N ("rprivate"), N ("rshared"), N ("rslave"), N ("runbindable"),
};
TABLE (oci_tbl_propagation, "rootfs propagation", propagations);

static const struct oci_name_value seccomp_actions[] = {
  N ("SCMP_ACT_KILL"),  N ("SCMP_ACT_KILL_PROCESS"), N ("SCMP_ACT_KILL_THREAD"),
  N ("SCMP_ACT_TRAP"),  N ("SCMP_ACT_ERRNO"),        N ("SCMP_ACT_TRACE"),
  N ("SCMP_ACT_ALLOW"), N ("SCMP_ACT_LOG"),          N ("SCMP_ACT_NOTIFY"),
};
TABLE (oci_tbl_seccomp_action, "seccomp action", seccomp_actions);

static const struct oci_name_value seccomp_ops[] = {
  N ("SCMP_CMP_NE"), N ("SCMP_CMP_LT"), N ("SCMP_CMP_LE"),        N ("SCMP_CMP_EQ"),
  N ("SCMP_CMP_GE"), N ("SCMP_CMP_GT"), N ("SCMP_CMP_MASKED_EQ"),
};
TABLE (oci_tbl_seccomp_op, "seccomp operator", seccomp_ops);

static const struct oci_name_value seccomp_flags[] = {
  N ("SECCOMP_FILTER_FLAG_TSYNC"),
  N ("SECCOMP_FILTER_FLAG_LOG"),
  N ("SECCOMP_FILTER_FLAG_SPEC_ALLOW"),
  N ("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"),
};
TABLE (oci_tbl_seccomp_flag, "seccomp flag", seccomp_flags);

/* The architecture names libseccomp knows. */
static const struct oci_name_value seccomp_archs[] = {
  N ("SCMP_ARCH_X86"),        N ("SCMP_ARCH_X86_64"),   N ("SCMP_ARCH_X32"),
  N ("SCMP_ARCH_ARM"),        N ("SCMP_ARCH_AARCH64"),  N ("SCMP_ARCH_MIPS"),
  N ("SCMP_ARCH_MIPS64"),     N ("SCMP_ARCH_MIPS64N32"), N ("SCMP_ARCH_MIPSEL"),
  N ("SCMP_ARCH_MIPSEL64"),   N ("SCMP_ARCH_MIPSEL64N32"), N ("SCMP_ARCH_PPC"),
  N ("SCMP_ARCH_PPC64"),      N ("SCMP_ARCH_PPC64LE"),  N ("SCMP_ARCH_S390"),
  N ("SCMP_ARCH_S390X"),      N ("SCMP_ARCH_PARISC"),   N ("SCMP_ARCH_PARISC64"),
  N ("SCMP_ARCH_RISCV64"),    N ("SCMP_ARCH_LOONGARCH64"), N ("SCMP_ARCH_M68K"),
  N ("SCMP_ARCH_SH"),         N ("SCMP_ARCH_SHEB"),
};
TABLE (oci_tbl_seccomp_arch, "seccomp architecture", seccomp_archs);

static const struct oci_name_value personalities[] = {
  N ("LINUX"),
  N ("LINUX32"),
};
TABLE (oci_tbl_personality, "personality domain", personalities);

static const struct oci_name_value sched_policies[] = {
  N ("SCHED_OTHER"), N ("SCHED_FIFO"), N ("SCHED_RR"),       N ("SCHED_BATCH"),
  N ("SCHED_ISO"),   N ("SCHED_IDLE"), N ("SCHED_DEADLINE"),
};
TABLE (oci_tbl_sched_policy, "scheduler policy", sched_policies);

static const struct oci_name_value ioprio_classes[] = {
  N ("IOPRIO_CLASS_RT"),
  N ("IOPRIO_CLASS_BE"),
  N ("IOPRIO_CLASS_IDLE"),
};
TABLE (oci_tbl_ioprio_class, "I/O priority class", ioprio_classes);

static const struct oci_name_value time_clocks[] = {
  N ("monotonic"),
  N ("boottime"),
};
TABLE (oci_tbl_time_clock, "clock", time_clocks);

const struct oci_name_value *
oci_table_find (const struct oci_name_table *t, const char *name)
{
  if (name == NULL)
    return NULL;
  for (size_t i = 0; i < t->n; i++)
    if (strcmp (t->entries[i].name, name) == 0)
      return &t->entries[i];
  return NULL;
}

const char *
oci_ns_type_name (enum oci_ns_type t)
{
  for (size_t i = 0; i < oci_tbl_ns_type.n; i++)
    if (ns_types[i].value == (int) t)
      return ns_types[i].name;
  return NULL;
}

int
oci_ns_type_from_name (const char *name)
{
  const struct oci_name_value *e = oci_table_find (&oci_tbl_ns_type, name);
  return e != NULL ? e->value : -1;
}

int
oci_rlimit_from_name (const char *name)
{
  const struct oci_name_value *e = oci_table_find (&oci_tbl_rlimit, name);
  return e != NULL ? e->value : -1;
}
