/* The closed sets of names profiles use (capabilities, errno values,
 * namespaces, architectures, rlimits, device forms), as static tables. */
#include "profile_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>


/* Capability N is caps[N] (linux/capability.h, up to 6.x). */
static const char *const caps[] = {
  "CAP_CHOWN",           "CAP_DAC_OVERRIDE",  "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
  "CAP_FSETID",          "CAP_KILL",          "CAP_SETGID",          "CAP_SETUID",
  "CAP_SETPCAP",         "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",       "CAP_NET_RAW",       "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",      "CAP_SYS_RAWIO",     "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",     "CAP_SYS_BOOT",        "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",    "CAP_SYS_TIME",      "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
  "CAP_LEASE",           "CAP_AUDIT_WRITE",   "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",     "CAP_SYSLOG",          "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",    "CAP_PERFMON",         "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
};

int
sk_profile_cap_from_name (const char *name)
{
  for (size_t i = 0; i < N_ELEM (caps); i++)
    if (strcmp (caps[i], name) == 0)
      return (int) i;
  return -1;
}

const char *
sk_profile_cap_name (int cap)
{
  return cap >= 0 && (size_t) cap < N_ELEM (caps) ? caps[cap] : NULL;
}

int
sk_profile_cap_count (void)
{
  return (int) N_ELEM (caps);
}

const char *
sk_profile_cap_nearest (const char *name)
{
  return nearest_name (name, caps, N_ELEM (caps), sizeof caps[0]);
}

/* The errors a denied system call may sensibly return. */
static const struct
{
  const char *name;
  int value;
} errnos[] = {
  { "EPERM", EPERM },   { "ENOENT", ENOENT },   { "EIO", EIO },       { "ENXIO", ENXIO },
  { "EBADF", EBADF },   { "EAGAIN", EAGAIN },   { "ENOMEM", ENOMEM }, { "EACCES", EACCES },
  { "EFAULT", EFAULT }, { "EBUSY", EBUSY },     { "ENODEV", ENODEV }, { "EINVAL", EINVAL },
  { "EROFS", EROFS },   { "ENOSYS", ENOSYS },   { "EOPNOTSUPP", EOPNOTSUPP },
  { "ENOTSUP", ENOTSUP }, { "EAFNOSUPPORT", EAFNOSUPPORT }, { "ENOTTY", ENOTTY },
};

int
errno_from_name (const char *name)
{
  for (size_t i = 0; i < N_ELEM (errnos); i++)
    if (strcmp (errnos[i].name, name) == 0)
      return errnos[i].value;
  return -1;
}

const char *
errno_name (int e)
{
  for (size_t i = 0; i < N_ELEM (errnos); i++)
    if (errnos[i].value == e)
      return errnos[i].name;
  return NULL;
}

const char *
errno_nearest (const char *name)
{
  return nearest_name (name, errnos, N_ELEM (errnos), sizeof errnos[0]);
}

/* systemd's short names (RestrictNamespaces=) and the OCI spec's. */
static const struct
{
  const char *name;
  int type;
} ns_names[] = {
  { "pid", OCI_NS_PID },       { "net", OCI_NS_NETWORK },  { "network", OCI_NS_NETWORK },
  { "mnt", OCI_NS_MOUNT },     { "mount", OCI_NS_MOUNT },  { "ipc", OCI_NS_IPC },
  { "uts", OCI_NS_UTS },       { "user", OCI_NS_USER },    { "cgroup", OCI_NS_CGROUP },
  { "time", OCI_NS_TIME },
};

int
ns_from_name (const char *name)
{
  for (size_t i = 0; i < N_ELEM (ns_names); i++)
    if (strcmp (ns_names[i].name, name) == 0)
      return ns_names[i].type;
  return -1;
}

#if defined(__x86_64__)
#define NATIVE_ARCH "SCMP_ARCH_X86_64"
#elif defined(__i386__)
#define NATIVE_ARCH "SCMP_ARCH_X86"
#elif defined(__aarch64__)
#define NATIVE_ARCH "SCMP_ARCH_AARCH64"
#elif defined(__arm__)
#define NATIVE_ARCH "SCMP_ARCH_ARM"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ARCH "SCMP_ARCH_PPC64LE"
#elif defined(__s390x__)
#define NATIVE_ARCH "SCMP_ARCH_S390X"
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_ARCH "SCMP_ARCH_RISCV64"
#elif defined(__loongarch64)
#define NATIVE_ARCH "SCMP_ARCH_LOONGARCH64"
#else
#error "unknown native architecture: add it to the table in src/profile/values.c"
#endif

/* systemd's SystemCallArchitectures= names. */
static const struct
{
  const char *name;
  const char *scmp;
} archs[] = {
  { "native", NATIVE_ARCH },          { "x86-64", "SCMP_ARCH_X86_64" },  { "x86", "SCMP_ARCH_X86" },
  { "x32", "SCMP_ARCH_X32" },         { "arm", "SCMP_ARCH_ARM" },        { "arm64", "SCMP_ARCH_AARCH64" },
  { "ppc64-le", "SCMP_ARCH_PPC64LE" }, { "s390", "SCMP_ARCH_S390" },     { "s390x", "SCMP_ARCH_S390X" },
  { "riscv64", "SCMP_ARCH_RISCV64" }, { "loongarch64", "SCMP_ARCH_LOONGARCH64" },
};

const char *
arch_from_name (const char *name)
{
  for (size_t i = 0; i < N_ELEM (archs); i++)
    if (strcmp (archs[i].name, name) == 0)
      return archs[i].scmp;
  return NULL;
}

const char *
arch_name (const char *scmp)
{
  /* Skip "native": `show` prints what the profile resolved to. */
  for (size_t i = 1; i < N_ELEM (archs); i++)
    if (strcmp (archs[i].scmp, scmp) == 0)
      return archs[i].name;
  return NULL;
}

/* Index = the RLIMIT_* value on Linux (asm-generic/resource.h). */
static const char *const rlimits[SK_RLIMIT_COUNT] = {
  "RLIMIT_CPU",     "RLIMIT_FSIZE",  "RLIMIT_DATA",   "RLIMIT_STACK",  "RLIMIT_CORE",    "RLIMIT_RSS",
  "RLIMIT_NPROC",   "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",    "RLIMIT_LOCKS",   "RLIMIT_SIGPENDING",
  "RLIMIT_MSGQUEUE", "RLIMIT_NICE",  "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
};

int
rlimit_index (const char *oci_type)
{
  for (int i = 0; i < SK_RLIMIT_COUNT; i++)
    if (strcmp (rlimits[i], oci_type) == 0)
      return i;
  return -1;
}

const char *
rlimit_type (int index)
{
  return index >= 0 && index < SK_RLIMIT_COUNT ? rlimits[index] : NULL;
}

int
parse_u64 (const char *s, bool allow_inf, uint64_t *out)
{
  char *end;
  unsigned long long v;

  if (allow_inf && strcmp (s, "infinity") == 0)
    {
      *out = UINT64_MAX;
      return 0;
    }
  if (!isdigit ((unsigned char) *s))
    return -1;
  errno = 0;
  v = strtoull (s, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

/* Device nodes known by path, so DeviceAllow=/dev/fuse needs no stat(). */
static const struct
{
  const char *path;
  char type;
  int major, minor;
} known_devices[] = {
  { "/dev/fuse", 'c', 10, 229 },     { "/dev/net/tun", 'c', 10, 200 }, { "/dev/kvm", 'c', 10, 232 },
  { "/dev/vhost-net", 'c', 10, 238 }, { "/dev/vhost-vsock", 'c', 10, 241 },
  { "/dev/null", 'c', 1, 3 },        { "/dev/zero", 'c', 1, 5 },       { "/dev/full", 'c', 1, 7 },
  { "/dev/random", 'c', 1, 8 },      { "/dev/urandom", 'c', 1, 9 },    { "/dev/tty", 'c', 5, 0 },
  { "/dev/console", 'c', 5, 1 },     { "/dev/ptmx", 'c', 5, 2 },       { "/dev/snd", 'c', 116, -1 },
  { "/dev/dri", 'c', 226, -1 },
};

static int
parse_dev_num (const char *s, const char **end, int64_t *out)
{
  char *e;
  long v;

  if (*s == '*')
    {
      *out = -1;
      *end = s + 1;
      return 0;
    }
  if (!isdigit ((unsigned char) *s))
    return -1;
  errno = 0;
  v = strtol (s, &e, 10);
  if (errno != 0 || v > 4095 * 1024)
    return -1;
  *out = v;
  *end = e;
  return 0;
}

int
devallow_parse (const char *value, struct sk_devallow *out, const char **why)
{
  const char *s = value;

  if (*s == '/')
    {
      for (size_t i = 0; i < N_ELEM (known_devices); i++)
        if (strcmp (known_devices[i].path, value) == 0)
          {
            *out = (struct sk_devallow){ known_devices[i].type, known_devices[i].major, known_devices[i].minor };
            return 0;
          }
      *why = "device path not in the built-in table; use the \"c MAJOR:MINOR\" form";
      return -1;
    }
  *why = "expected \"c MAJOR:MINOR\", \"b MAJOR:MINOR\" (MINOR may be *) or a device path";
  if ((s[0] != 'c' && s[0] != 'b') || s[1] != ' ')
    return -1;
  out->type = s[0];
  s += 2;
  while (*s == ' ')
    s++;
  if (parse_dev_num (s, &s, &out->major) < 0 || out->major < 0 || *s++ != ':'
      || parse_dev_num (s, &s, &out->minor) < 0 || *s != '\0')
    return -1;
  return 0;
}

bool
mcs_level_valid (const char *level)
{
  char *end;
  long a, b;

  if (strncmp (level, "s0:c", 4) != 0 || !isdigit ((unsigned char) level[4]))
    return false;
  a = strtol (level + 4, &end, 10);
  if (strncmp (end, ",c", 2) != 0 || !isdigit ((unsigned char) end[2]))
    return false;
  b = strtol (end + 2, &end, 10);
  return *end == '\0' && a >= 0 && a < b && b < 1024;
}
