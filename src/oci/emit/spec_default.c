/* `stockade spec`: the default config.json.
 *
 * It is runc's default (libcontainer/specconv's example spec) with the key
 * order of runc's output, so tools and tutorials written against `runc spec`
 * keep working, hardened where that costs nothing: the rootfs is read-only,
 * noNewPrivileges is on, only the three capabilities runc grants are in the
 * bounding/effective/permitted sets (no inheritable or ambient set, so nothing
 * survives an execve of a non-root binary), and /sys/devices/virtual/powercap
 * is masked (its energy counters leak host activity across containers).
 *
 * Both variants come from the same tables; each row says whether it belongs
 * to the rootful spec, the rootless one or both. */
#include <errno.h>
#include <stddef.h>

#include "json_writer.h"
#include "stockade-config.h"
#include "stockade/oci_state.h"

enum variant
{
  BOTH,
  ROOTFUL_ONLY,
  ROOTLESS_ONLY,
};

static bool
variant_wanted (enum variant v, bool rootless)
{
  return v == BOTH || (v == ROOTLESS_ONLY) == rootless;
}

#define STRV(...) ((const char *const[]) { __VA_ARGS__, NULL })

struct spec_mount
{
  enum variant variant;
  const char *destination;
  const char *type;
  const char *source;
  const char *const *options; /* NULL: no "options" key, as runc's /proc */
};

static const struct spec_mount spec_mounts[] = {
  { BOTH, "/proc", "proc", "proc", NULL },
  { BOTH, "/dev", "tmpfs", "tmpfs", STRV ("nosuid", "strictatime", "mode=755", "size=65536k") },
  { ROOTFUL_ONLY, "/dev/pts", "devpts", "devpts",
    STRV ("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5") },
  /* gid 5 (tty) is not mapped in a single-id user namespace, and devpts
   * refuses a gid it cannot map. */
  { ROOTLESS_ONLY, "/dev/pts", "devpts", "devpts",
    STRV ("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620") },
  { BOTH, "/dev/shm", "tmpfs", "shm", STRV ("nosuid", "noexec", "nodev", "mode=1777", "size=65536k") },
  { BOTH, "/dev/mqueue", "mqueue", "mqueue", STRV ("nosuid", "noexec", "nodev") },
  { ROOTFUL_ONLY, "/sys", "sysfs", "sysfs", STRV ("nosuid", "noexec", "nodev", "ro") },
  /* A fresh sysfs needs a network namespace owned by the user namespace;
   * the rootless spec keeps the host's, so it binds the host's /sys. */
  { ROOTLESS_ONLY, "/sys", "none", "/sys", STRV ("rbind", "nosuid", "noexec", "nodev", "ro") },
  { ROOTFUL_ONLY, "/sys/fs/cgroup", "cgroup", "cgroup",
    STRV ("nosuid", "noexec", "nodev", "relatime", "ro") },
};

struct spec_namespace
{
  enum variant variant;
  const char *type;
};

/* runc's order; the rootless user namespace goes last, where runc appends it. */
static const struct spec_namespace spec_namespaces[] = {
  { BOTH, "pid" },
  { ROOTFUL_ONLY, "network" },
  { BOTH, "ipc" },
  { BOTH, "uts" },
  { BOTH, "mount" },
  { ROOTFUL_ONLY, "cgroup" },
  { ROOTLESS_ONLY, "user" },
};

static const char *const default_caps[] = {
  "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL,
};

static const char *const default_env[] = {
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "TERM=xterm",
  NULL,
};

static const char *const default_args[] = { "sh", NULL };

static const char *const masked_paths[] = {
  "/proc/acpi",
  "/proc/asound",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/sys/firmware",
  "/proc/scsi",
  "/sys/devices/virtual/powercap",
  NULL,
};

static const char *const readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

#define N_OF(a) (sizeof (a) / sizeof ((a)[0]))

static void
emit_process (struct jw *w)
{
  jw_string (w, "process");
  jw_map_open (w);
  jw_kv_bool (w, "terminal", true);
  jw_string (w, "user");
  jw_map_open (w);
  jw_kv_int (w, "uid", 0);
  jw_kv_int (w, "gid", 0);
  jw_map_close (w);
  jw_kv_strv (w, "args", default_args);
  jw_kv_strv (w, "env", default_env);
  jw_kv_string (w, "cwd", "/");

  jw_string (w, "capabilities");
  jw_map_open (w);
  jw_kv_strv (w, "bounding", default_caps);
  jw_kv_strv (w, "effective", default_caps);
  jw_kv_strv (w, "permitted", default_caps);
  jw_map_close (w);

  jw_string (w, "rlimits");
  jw_array_open (w);
  jw_map_open (w);
  jw_kv_string (w, "type", "RLIMIT_NOFILE");
  jw_kv_u64 (w, "hard", 1024);
  jw_kv_u64 (w, "soft", 1024);
  jw_map_close (w);
  jw_array_close (w);

  jw_kv_bool (w, "noNewPrivileges", true);
  jw_map_close (w);
}

static void
emit_mounts (struct jw *w, bool rootless)
{
  jw_string (w, "mounts");
  jw_array_open (w);
  for (size_t i = 0; i < N_OF (spec_mounts); i++)
    {
      const struct spec_mount *m = &spec_mounts[i];
      if (!variant_wanted (m->variant, rootless))
        continue;
      /* runtime-spec's Mount field order: destination, type, source, options. */
      jw_map_open (w);
      jw_kv_string (w, "destination", m->destination);
      jw_kv_string (w, "type", m->type);
      jw_kv_string (w, "source", m->source);
      if (m->options != NULL)
        jw_kv_strv (w, "options", m->options);
      jw_map_close (w);
    }
  jw_array_close (w);
}

static void
emit_id_mapping (struct jw *w, const char *key, uint32_t host_id)
{
  jw_string (w, key);
  jw_array_open (w);
  jw_map_open (w);
  jw_kv_int (w, "containerID", 0);
  jw_kv_int (w, "hostID", host_id);
  jw_kv_int (w, "size", 1);
  jw_map_close (w);
  jw_array_close (w);
}

static void
emit_linux (struct jw *w, bool rootless, uint32_t uid, uint32_t gid)
{
  jw_string (w, "linux");
  jw_map_open (w);
  if (rootless)
    {
      emit_id_mapping (w, "uidMappings", uid);
      emit_id_mapping (w, "gidMappings", gid);
    }
  else
    {
      /* Deny every device by default; the runtime adds the standard ones.
       * A rootless container cannot write a device cgroup, so it gets none. */
      jw_string (w, "resources");
      jw_map_open (w);
      jw_string (w, "devices");
      jw_array_open (w);
      jw_map_open (w);
      jw_kv_bool (w, "allow", false);
      jw_kv_string (w, "access", "rwm");
      jw_map_close (w);
      jw_array_close (w);
      jw_map_close (w);
    }

  jw_string (w, "namespaces");
  jw_array_open (w);
  for (size_t i = 0; i < N_OF (spec_namespaces); i++)
    if (variant_wanted (spec_namespaces[i].variant, rootless))
      {
        jw_map_open (w);
        jw_kv_string (w, "type", spec_namespaces[i].type);
        jw_map_close (w);
      }
  jw_array_close (w);

  jw_kv_strv (w, "maskedPaths", masked_paths);
  jw_kv_strv (w, "readonlyPaths", readonly_paths);
  jw_map_close (w);
}

int
oci_spec_default (bool rootless, uint32_t uid, uint32_t gid, char **out, size_t *len,
                  sk_error_t *err)
{
  cleanup_jw struct jw w = { 0 };

  if (out == NULL)
    return sk_error_set (err, 0, "spec: no output");
  if (jw_init (&w, true, err) < 0)
    return -1;

  /* runtime-spec's Spec field order, as runc prints it. */
  jw_map_open (&w);
  jw_kv_string (&w, "ociVersion", STOCKADE_SPEC_VERSION);
  emit_process (&w);
  jw_string (&w, "root");
  jw_map_open (&w);
  jw_kv_string (&w, "path", "rootfs");
  jw_kv_bool (&w, "readonly", true);
  jw_map_close (&w);
  jw_kv_string (&w, "hostname", "stockade");
  emit_mounts (&w, rootless);
  emit_linux (&w, rootless, uid, gid);
  jw_map_close (&w);
  /* A file: end it with a newline (runc's has none; nothing depends on it). */
  return jw_finish (&w, true, "spec", out, len, err);
}
