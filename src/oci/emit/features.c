/* `stockade features`: the runtime-spec "Features structure" (features.md,
 * features-linux.md).
 *
 * The spec asks for what the runtime was built to recognise, not for what this
 * host can do, so everything here is static data; the lists are kept in the
 * order runc prints them (sorted names where runc sorts) so diffs against
 * `runc features` stay readable. */
#include <errno.h>

#include "json_writer.h"
#include "stockade-config.h"
#include "stockade/oci_state.h"

static const char *const hook_names[] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

/* Options a config.json mount may carry and the mount code understands:
 * flag pairs, propagation, and the extensions runc added (tmpcopyup copies
 * the shadowed content into a tmpfs, idmap/ridmap ask for an idmapped bind). */
static const char *const mount_options[] = {
  "rw", "ro",
  "suid", "nosuid",
  "dev", "nodev",
  "exec", "noexec",
  "sync", "async",
  "dirsync",
  "remount",
  "mand", "nomand",
  "atime", "noatime",
  "diratime", "nodiratime",
  "relatime", "norelatime",
  "strictatime", "nostrictatime",
  "bind", "rbind",
  "private", "rprivate",
  "shared", "rshared",
  "slave", "rslave",
  "unbindable", "runbindable",
  "tmpcopyup",
  "idmap", "ridmap",
  "nosymfollow", "symfollow",
  "lazytime", "nolazytime",
  "iversion", "noiversion",
  NULL,
};

static const char *const namespace_names[] = {
  "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL,
};

/* Indexed by the kernel's capability number (linux/capability.h), so
 * capability_names[CAP_SYS_ADMIN] is "CAP_SYS_ADMIN"; the unit test checks
 * that against the kernel header. */
static const char *const capability_names[] = {
  "CAP_CHOWN",            /* 0 */
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",             /* 5 */
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE", /* 10 */
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",        /* 15 */
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",        /* 20 */
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",         /* 25 */
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",    /* 30 */
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",       /* 35 */
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE", /* 40 */
  NULL,
};
_Static_assert (sizeof (capability_names) / sizeof (capability_names[0]) == 41 + 1,
                "41 capabilities, CAP_CHOWN..CAP_CHECKPOINT_RESTORE");

static const char *const seccomp_actions[] = {
  "SCMP_ACT_ALLOW",
  "SCMP_ACT_ERRNO",
  "SCMP_ACT_KILL",
  "SCMP_ACT_KILL_PROCESS",
  "SCMP_ACT_KILL_THREAD",
  "SCMP_ACT_LOG",
  "SCMP_ACT_NOTIFY",
  "SCMP_ACT_TRACE",
  "SCMP_ACT_TRAP",
  NULL,
};

static const char *const seccomp_operators[] = {
  "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
  "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL,
};

/* The runtime-spec architectures libseccomp 2.5 can resolve (the newer
 * LOONGARCH64, M68K, SH and SHEB need libseccomp 2.6). */
static const char *const seccomp_archs[] = {
  "SCMP_ARCH_AARCH64",
  "SCMP_ARCH_ARM",
  "SCMP_ARCH_MIPS",
  "SCMP_ARCH_MIPS64",
  "SCMP_ARCH_MIPS64N32",
  "SCMP_ARCH_MIPSEL",
  "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32",
  "SCMP_ARCH_PARISC",
  "SCMP_ARCH_PARISC64",
  "SCMP_ARCH_PPC",
  "SCMP_ARCH_PPC64",
  "SCMP_ARCH_PPC64LE",
  "SCMP_ARCH_RISCV64",
  "SCMP_ARCH_S390",
  "SCMP_ARCH_S390X",
  "SCMP_ARCH_X32",
  "SCMP_ARCH_X86",
  "SCMP_ARCH_X86_64",
  NULL,
};

/* Every flag config.json may name (runtime-spec 1.2), and the subset we
 * apply.  WAIT_KILLABLE_RECV only matters with a notify listener and needs
 * kernel 5.19; it is known but not (yet) applied, so not "supported". */
static const char *const seccomp_known_flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC",
  "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
  NULL,
};

static const char *const seccomp_supported_flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC",
  "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  NULL,
};

/* {"enabled": <v>} objects: name -> support. */
struct feature_toggle
{
  const char *name;
  bool enabled;
};

static const struct feature_toggle security_modules[] = {
  { "apparmor", true },
  { "selinux", true },
  /* Accepted in config.json with a warning, never applied. */
  { "intelRdt", false },
};

static void
emit_enabled (struct jw *w, const char *key, bool enabled)
{
  jw_string (w, key);
  jw_map_open (w);
  jw_kv_bool (w, "enabled", enabled);
  jw_map_close (w);
}

static void
emit_seccomp (struct jw *w)
{
  jw_string (w, "seccomp");
  jw_map_open (w);
  jw_kv_bool (w, "enabled", true);
  jw_kv_strv (w, "actions", seccomp_actions);
  jw_kv_strv (w, "operators", seccomp_operators);
  jw_kv_strv (w, "archs", seccomp_archs);
  jw_kv_strv (w, "knownFlags", seccomp_known_flags);
  jw_kv_strv (w, "supportedFlags", seccomp_supported_flags);
  jw_map_close (w);
}

static void
emit_linux (struct jw *w)
{
  jw_string (w, "linux");
  jw_map_open (w);
  jw_kv_strv (w, "namespaces", namespace_names);
  jw_kv_strv (w, "capabilities", capability_names);

  jw_string (w, "cgroup");
  jw_map_open (w);
  jw_kv_bool (w, "v1", true);
  jw_kv_bool (w, "v2", true);
  /* --systemd-cgroup is refused for now; say so. */
  jw_kv_bool (w, "systemd", false);
  jw_kv_bool (w, "systemdUser", false);
  jw_kv_bool (w, "rdma", false);
  jw_map_close (w);

  emit_seccomp (w);
  for (size_t i = 0; i < sizeof (security_modules) / sizeof (security_modules[0]); i++)
    emit_enabled (w, security_modules[i].name, security_modules[i].enabled);

  jw_string (w, "mountExtensions");
  jw_map_open (w);
  emit_enabled (w, "idmap", true);
  jw_map_close (w);
  jw_map_close (w);
}

int
oci_features_render (char **out, size_t *len, sk_error_t *err)
{
  cleanup_jw struct jw w = { 0 };

  if (out == NULL)
    return sk_error_set (err, 0, "features: no output");
  if (jw_init (&w, true, err) < 0)
    return -1;

  jw_map_open (&w);
  jw_kv_string (&w, "ociVersionMin", "1.0.0");
  jw_kv_string (&w, "ociVersionMax", STOCKADE_SPEC_VERSION);
  jw_kv_strv (&w, "hooks", hook_names);
  jw_kv_strv (&w, "mountOptions", mount_options);
  emit_linux (&w);

  jw_string (&w, "annotations");
  jw_map_open (&w);
  jw_kv_string (&w, "run.oci.stockade.version", STOCKADE_VERSION);
  /* checkpoint/restore (CRIU) is not implemented. */
  jw_kv_string (&w, "org.opencontainers.runc.checkpoint.enabled", "false");
  jw_map_close (&w);
  jw_map_close (&w);
  /* runc prints this with json.Encoder, which ends the line. */
  return jw_finish (&w, true, "features", out, len, err);
}
