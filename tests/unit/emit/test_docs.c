/* Unit tests for `spec` and `features` (src/oci/emit): each document is
 * parsed back and checked field by field. */
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"
#include "sk_test.h"
#include "stockade-config.h"
#include "stockade/cleanup.h"
#include "stockade/oci_state.h"

static const char *const runc_caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };

static const char *const runc_masked[] = {
  "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
  "/sys/devices/virtual/powercap", NULL,
};

static const char *const runc_readonly[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* The mounts[] entry with this destination, NULL if none or several. */
static yajl_val
find_mount (yajl_val root, const char *dest)
{
  yajl_val mounts = JGET (root, "mounts");
  yajl_val found = NULL;

  for (size_t i = 0; YAJL_IS_ARRAY (mounts) && i < mounts->u.array.len; i++)
    {
      const char *d = JSTR (mounts->u.array.values[i], "destination");
      if (d != NULL && strcmp (d, dest) == 0)
        {
          if (found != NULL)
            return NULL;
          found = mounts->u.array.values[i];
        }
    }
  return found;
}

static void
check_mount (yajl_val root, const char *dest, const char *type, const char *source,
             const char *const *options)
{
  yajl_val m = find_mount (root, dest);

  SK_CHECK (m != NULL);
  if (m == NULL)
    {
      printf ("# mount %s missing\n", dest);
      return;
    }
  SK_CHECK_STR (JSTR (m, "type"), type);
  SK_CHECK_STR (JSTR (m, "source"), source);
  if (options == NULL)
    SK_CHECK (JGET (m, "options") == NULL);
  else
    SK_CHECK (json_strv_eq (JGET (m, "options"), options));
}

static void
check_namespaces (yajl_val root, const char *const *want)
{
  yajl_val ns = JGET (root, "linux", "namespaces");
  size_t n = 0;

  while (want[n] != NULL)
    n++;
  SK_CHECK (json_len (ns) == n);
  for (size_t i = 0; i < n && i < json_len (ns); i++)
    {
      SK_CHECK_STR (JSTR (ns->u.array.values[i], "type"), want[i]);
      SK_CHECK (JGET (ns->u.array.values[i], "path") == NULL);
    }
}

/* What both spec variants share. */
static void
check_spec_common (yajl_val root)
{
  SK_CHECK_STR (JSTR (root, "ociVersion"), "1.2.0");
  SK_CHECK (json_bool (JGET (root, "process", "terminal")) == 1);
  SK_CHECK (json_int (JGET (root, "process", "user", "uid")) == 0);
  SK_CHECK (json_int (JGET (root, "process", "user", "gid")) == 0);
  SK_CHECK (json_strv_eq (JGET (root, "process", "args"), STRV ("sh")));
  SK_CHECK (json_strv_eq (JGET (root, "process", "env"),
                          STRV ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                "TERM=xterm")));
  SK_CHECK_STR (JSTR (root, "process", "cwd"), "/");
  SK_CHECK (json_keys_eq (JGET (root, "process", "capabilities"),
                          STRV ("bounding", "effective", "permitted")));
  SK_CHECK (json_strv_eq (JGET (root, "process", "capabilities", "bounding"), runc_caps));
  SK_CHECK (json_strv_eq (JGET (root, "process", "capabilities", "effective"), runc_caps));
  SK_CHECK (json_strv_eq (JGET (root, "process", "capabilities", "permitted"), runc_caps));

  yajl_val rl = JGET (root, "process", "rlimits");
  SK_CHECK (json_len (rl) == 1);
  if (json_len (rl) == 1)
    {
      SK_CHECK_STR (JSTR (rl->u.array.values[0], "type"), "RLIMIT_NOFILE");
      SK_CHECK (json_int (JGET (rl->u.array.values[0], "hard")) == 1024);
      SK_CHECK (json_int (JGET (rl->u.array.values[0], "soft")) == 1024);
    }
  SK_CHECK (json_bool (JGET (root, "process", "noNewPrivileges")) == 1);
  SK_CHECK_STR (JSTR (root, "root", "path"), "rootfs");
  SK_CHECK (json_bool (JGET (root, "root", "readonly")) == 1);
  SK_CHECK_STR (JSTR (root, "hostname"), "stockade");

  check_mount (root, "/proc", "proc", "proc", NULL);
  check_mount (root, "/dev", "tmpfs", "tmpfs", STRV ("nosuid", "strictatime", "mode=755", "size=65536k"));
  check_mount (root, "/dev/shm", "tmpfs", "shm",
               STRV ("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
  check_mount (root, "/dev/mqueue", "mqueue", "mqueue", STRV ("nosuid", "noexec", "nodev"));

  SK_CHECK (json_strv_eq (JGET (root, "linux", "maskedPaths"), runc_masked));
  SK_CHECK (json_strv_eq (JGET (root, "linux", "readonlyPaths"), runc_readonly));
}

static void
test_spec_default (void)
{
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;
  cleanup_json yajl_val root = NULL;
  size_t len = 0;

  SK_CHECK (oci_spec_default (false, 1000, 1000, &out, &len, &err) == 0);
  if (out == NULL)
    return;
  SK_CHECK (len == strlen (out));
  /* runc's layout: 2-space indent, "key": value, runtime-spec field order. */
  SK_CHECK (strncmp (out, "{\n  \"ociVersion\": \"1.2.0\",\n  \"process\": {\n    \"terminal\": true,\n",
                     strlen ("{\n  \"ociVersion\": \"1.2.0\",\n  \"process\": {\n    \"terminal\": true,\n"))
            == 0);
  SK_CHECK (len >= 2 && strcmp (out + len - 2, "}\n") == 0);
  SK_CHECK (strstr (out, "[\n\n") == NULL && strstr (out, "{\n\n") == NULL);

  root = json_parse (out);
  SK_CHECK (root != NULL);
  if (root == NULL)
    return;
  SK_CHECK (json_keys_eq (root, STRV ("ociVersion", "process", "root", "hostname", "mounts", "linux")));
  SK_CHECK (json_keys_eq (JGET (root, "process"),
                          STRV ("terminal", "user", "args", "env", "cwd", "capabilities", "rlimits",
                                "noNewPrivileges")));
  check_spec_common (root);

  SK_CHECK (json_len (JGET (root, "mounts")) == 7);
  check_mount (root, "/dev/pts", "devpts", "devpts",
               STRV ("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
  check_mount (root, "/sys", "sysfs", "sysfs", STRV ("nosuid", "noexec", "nodev", "ro"));
  check_mount (root, "/sys/fs/cgroup", "cgroup", "cgroup",
               STRV ("nosuid", "noexec", "nodev", "relatime", "ro"));
  SK_CHECK_STR (JSTR (JGET (root, "mounts")->u.array.values[0], "destination"), "/proc");

  SK_CHECK (json_keys_eq (JGET (root, "linux"),
                          STRV ("resources", "namespaces", "maskedPaths", "readonlyPaths")));
  yajl_val dev = JGET (root, "linux", "resources", "devices");
  SK_CHECK (json_len (dev) == 1);
  if (json_len (dev) == 1)
    {
      SK_CHECK (json_keys_eq (dev->u.array.values[0], STRV ("allow", "access")));
      SK_CHECK (json_bool (JGET (dev->u.array.values[0], "allow")) == 0);
      SK_CHECK_STR (JSTR (dev->u.array.values[0], "access"), "rwm");
    }
  check_namespaces (root, STRV ("pid", "network", "ipc", "uts", "mount", "cgroup"));
  SK_CHECK (JGET (root, "linux", "uidMappings") == NULL);
}

static void
test_spec_rootless (void)
{
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;
  cleanup_json yajl_val root = NULL;
  size_t len = 0;

  SK_CHECK (oci_spec_default (true, 1000, 1001, &out, &len, &err) == 0);
  if (out == NULL)
    return;
  root = json_parse (out);
  SK_CHECK (root != NULL);
  if (root == NULL)
    return;
  check_spec_common (root);

  SK_CHECK (json_keys_eq (JGET (root, "linux"),
                          STRV ("uidMappings", "gidMappings", "namespaces", "maskedPaths",
                                "readonlyPaths")));
  yajl_val um = JGET (root, "linux", "uidMappings");
  yajl_val gm = JGET (root, "linux", "gidMappings");
  SK_CHECK (json_len (um) == 1 && json_len (gm) == 1);
  if (json_len (um) == 1 && json_len (gm) == 1)
    {
      SK_CHECK (json_keys_eq (um->u.array.values[0], STRV ("containerID", "hostID", "size")));
      SK_CHECK (json_int (JGET (um->u.array.values[0], "containerID")) == 0);
      SK_CHECK (json_int (JGET (um->u.array.values[0], "hostID")) == 1000);
      SK_CHECK (json_int (JGET (um->u.array.values[0], "size")) == 1);
      SK_CHECK (json_int (JGET (gm->u.array.values[0], "containerID")) == 0);
      SK_CHECK (json_int (JGET (gm->u.array.values[0], "hostID")) == 1001);
      SK_CHECK (json_int (JGET (gm->u.array.values[0], "size")) == 1);
    }
  check_namespaces (root, STRV ("pid", "ipc", "uts", "mount", "user"));
  SK_CHECK (JGET (root, "linux", "resources") == NULL);

  SK_CHECK (json_len (JGET (root, "mounts")) == 6);
  check_mount (root, "/dev/pts", "devpts", "devpts",
               STRV ("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
  check_mount (root, "/sys", "none", "/sys", STRV ("rbind", "nosuid", "noexec", "nodev", "ro"));
  SK_CHECK (find_mount (root, "/sys/fs/cgroup") == NULL);
}

static void
test_spec_rootless_full_range_ids (void)
{
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;
  cleanup_json yajl_val root = NULL;
  size_t len = 0;

  /* uid_t values above INT_MAX must not turn negative. */
  SK_CHECK (oci_spec_default (true, 4294967294u, 3000000000u, &out, &len, &err) == 0);
  root = out ? json_parse (out) : NULL;
  SK_CHECK (root != NULL);
  if (root == NULL)
    return;
  yajl_val um = JGET (root, "linux", "uidMappings");
  yajl_val gm = JGET (root, "linux", "gidMappings");
  SK_CHECK (json_len (um) == 1 && json_int (JGET (um->u.array.values[0], "hostID")) == 4294967294LL);
  SK_CHECK (json_len (gm) == 1 && json_int (JGET (gm->u.array.values[0], "hostID")) == 3000000000LL);
}

/* Kernel number -> name, from the kernel's own header. */
#define CAP(c) { c, #c }
static const struct
{
  int value;
  const char *name;
} kernel_caps[] = {
  CAP (CAP_CHOWN), CAP (CAP_DAC_OVERRIDE), CAP (CAP_DAC_READ_SEARCH), CAP (CAP_FOWNER),
  CAP (CAP_FSETID), CAP (CAP_KILL), CAP (CAP_SETGID), CAP (CAP_SETUID), CAP (CAP_SETPCAP),
  CAP (CAP_LINUX_IMMUTABLE), CAP (CAP_NET_BIND_SERVICE), CAP (CAP_NET_BROADCAST),
  CAP (CAP_NET_ADMIN), CAP (CAP_NET_RAW), CAP (CAP_IPC_LOCK), CAP (CAP_IPC_OWNER),
  CAP (CAP_SYS_MODULE), CAP (CAP_SYS_RAWIO), CAP (CAP_SYS_CHROOT), CAP (CAP_SYS_PTRACE),
  CAP (CAP_SYS_PACCT), CAP (CAP_SYS_ADMIN), CAP (CAP_SYS_BOOT), CAP (CAP_SYS_NICE),
  CAP (CAP_SYS_RESOURCE), CAP (CAP_SYS_TIME), CAP (CAP_SYS_TTY_CONFIG), CAP (CAP_MKNOD),
  CAP (CAP_LEASE), CAP (CAP_AUDIT_WRITE), CAP (CAP_AUDIT_CONTROL), CAP (CAP_SETFCAP),
  CAP (CAP_MAC_OVERRIDE), CAP (CAP_MAC_ADMIN), CAP (CAP_SYSLOG), CAP (CAP_WAKE_ALARM),
  CAP (CAP_BLOCK_SUSPEND), CAP (CAP_AUDIT_READ), CAP (CAP_PERFMON), CAP (CAP_BPF),
  CAP (CAP_CHECKPOINT_RESTORE),
};

static void
test_features (void)
{
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;
  cleanup_json yajl_val root = NULL;
  size_t len = 0;

  SK_CHECK (oci_features_render (&out, &len, &err) == 0);
  if (out == NULL)
    return;
  SK_CHECK (len == strlen (out));
  SK_CHECK (strncmp (out, "{\n  \"ociVersionMin\": \"1.0.0\",\n", 30) == 0);
  SK_CHECK (len >= 2 && strcmp (out + len - 2, "}\n") == 0);
  SK_CHECK (strstr (out, "[\n\n") == NULL && strstr (out, "{\n\n") == NULL);
  root = json_parse (out);
  SK_CHECK (root != NULL);
  if (root == NULL)
    return;

  SK_CHECK (json_keys_eq (root, STRV ("ociVersionMin", "ociVersionMax", "hooks", "mountOptions",
                                      "linux", "annotations")));
  SK_CHECK_STR (JSTR (root, "ociVersionMin"), "1.0.0");
  SK_CHECK_STR (JSTR (root, "ociVersionMax"), "1.2.0");
  SK_CHECK (json_strv_eq (JGET (root, "hooks"),
                          STRV ("prestart", "createRuntime", "createContainer", "startContainer",
                                "poststart", "poststop")));

  static const char *const opts[] = {
    "rw", "ro", "suid", "nosuid", "dev", "nodev", "exec", "noexec", "sync", "async", "dirsync",
    "remount", "mand", "nomand", "atime", "noatime", "diratime", "nodiratime", "relatime",
    "norelatime", "strictatime", "nostrictatime", "bind", "rbind", "private", "rprivate",
    "shared", "rshared", "slave", "rslave", "unbindable", "runbindable", "tmpcopyup", "idmap",
    "ridmap", "nosymfollow", "symfollow", "lazytime", "nolazytime", "iversion", "noiversion",
  };
  yajl_val mo = JGET (root, "mountOptions");
  SK_CHECK (json_len (mo) == sizeof (opts) / sizeof (opts[0]));
  for (size_t i = 0; i < sizeof (opts) / sizeof (opts[0]); i++)
    SK_CHECK (json_strv_has (mo, opts[i]));

  SK_CHECK (json_keys_eq (JGET (root, "linux"),
                          STRV ("namespaces", "capabilities", "cgroup", "seccomp", "apparmor",
                                "selinux", "intelRdt", "mountExtensions")));
  SK_CHECK (json_strv_eq (JGET (root, "linux", "namespaces"),
                          STRV ("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts")));

  yajl_val caps = JGET (root, "linux", "capabilities");
  SK_CHECK (json_len (caps) == sizeof (kernel_caps) / sizeof (kernel_caps[0]));
  SK_CHECK (json_len (caps) == CAP_LAST_CAP + 1);
  for (size_t i = 0; i < sizeof (kernel_caps) / sizeof (kernel_caps[0]); i++)
    SK_CHECK_STR (json_at_str (caps, (size_t) kernel_caps[i].value), kernel_caps[i].name);

  SK_CHECK (json_bool (JGET (root, "linux", "cgroup", "v1")) == 1);
  SK_CHECK (json_bool (JGET (root, "linux", "cgroup", "v2")) == 1);
  SK_CHECK (json_bool (JGET (root, "linux", "cgroup", "systemd")) == 0);
  SK_CHECK (json_bool (JGET (root, "linux", "cgroup", "systemdUser")) == 0);
  SK_CHECK (json_bool (JGET (root, "linux", "cgroup", "rdma")) == 0);

  SK_CHECK (json_bool (JGET (root, "linux", "seccomp", "enabled")) == 1);
  SK_CHECK (json_strv_eq (JGET (root, "linux", "seccomp", "actions"),
                          STRV ("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
                                "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
                                "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP")));
  SK_CHECK (json_strv_eq (JGET (root, "linux", "seccomp", "operators"),
                          STRV ("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                                "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE")));
  yajl_val archs = JGET (root, "linux", "seccomp", "archs");
  SK_CHECK (json_len (archs) == 19);
  SK_CHECK (json_strv_has (archs, "SCMP_ARCH_X86_64"));
  SK_CHECK (json_strv_has (archs, "SCMP_ARCH_AARCH64"));
  SK_CHECK (json_strv_has (archs, "SCMP_ARCH_RISCV64"));
  for (size_t i = 1; i < json_len (archs); i++)
    SK_CHECK (strcmp (json_at_str (archs, i - 1), json_at_str (archs, i)) < 0); /* sorted, unique */
  yajl_val known = JGET (root, "linux", "seccomp", "knownFlags");
  yajl_val supported = JGET (root, "linux", "seccomp", "supportedFlags");
  SK_CHECK (json_strv_eq (supported, STRV ("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                           "SECCOMP_FILTER_FLAG_SPEC_ALLOW")));
  SK_CHECK (json_strv_has (known, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
  for (size_t i = 0; i < json_len (supported); i++)
    SK_CHECK (json_strv_has (known, json_at_str (supported, i)));

  SK_CHECK (json_bool (JGET (root, "linux", "apparmor", "enabled")) == 1);
  SK_CHECK (json_bool (JGET (root, "linux", "selinux", "enabled")) == 1);
  SK_CHECK (json_bool (JGET (root, "linux", "intelRdt", "enabled")) == 0);
  SK_CHECK (json_bool (JGET (root, "linux", "mountExtensions", "idmap", "enabled")) == 1);

  SK_CHECK (json_len (JGET (root, "annotations")) == 2);
  SK_CHECK_STR (JSTR (root, "annotations", "run.oci.stockade.version"), STOCKADE_VERSION);
  SK_CHECK_STR (JSTR (root, "annotations", "org.opencontainers.runc.checkpoint.enabled"), "false");
}

int
main (void)
{
  SK_RUN (test_spec_default);
  SK_RUN (test_spec_rootless);
  SK_RUN (test_spec_rootless_full_range_ids);
  SK_RUN (test_features);
  return sk_test_done ();
}
