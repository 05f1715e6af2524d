/* Whole configs against the shipped profiles: a Docker --privileged config
 * clamped to the floor, a typical Docker config changed only where the
 * floor is above Docker's defaults, a config already within the profile,
 * strict's list of violations, complain's untouched config; the report
 * renderers, the profile's seccomp object, `stockade check`. */
#include "sk_test.h"
#include "profile_test_util.h"

#include <errno.h>
#include <stdlib.h>
#include <yajl/yajl_tree.h>

#include "stockade/cleanup.h"

static struct tu t;

#define ALL_CAPS                                                                                                   \
  "[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_DAC_READ_SEARCH\",\"CAP_FOWNER\",\"CAP_FSETID\",\"CAP_KILL\","       \
  "\"CAP_SETGID\",\"CAP_SETUID\",\"CAP_SETPCAP\",\"CAP_LINUX_IMMUTABLE\",\"CAP_NET_BIND_SERVICE\","                \
  "\"CAP_NET_BROADCAST\",\"CAP_NET_ADMIN\",\"CAP_NET_RAW\",\"CAP_IPC_LOCK\",\"CAP_IPC_OWNER\",\"CAP_SYS_MODULE\"," \
  "\"CAP_SYS_RAWIO\",\"CAP_SYS_CHROOT\",\"CAP_SYS_PTRACE\",\"CAP_SYS_PACCT\",\"CAP_SYS_ADMIN\",\"CAP_SYS_BOOT\","  \
  "\"CAP_SYS_NICE\",\"CAP_SYS_RESOURCE\",\"CAP_SYS_TIME\",\"CAP_SYS_TTY_CONFIG\",\"CAP_MKNOD\",\"CAP_LEASE\","     \
  "\"CAP_AUDIT_WRITE\",\"CAP_AUDIT_CONTROL\",\"CAP_SETFCAP\",\"CAP_MAC_OVERRIDE\",\"CAP_MAC_ADMIN\","              \
  "\"CAP_SYSLOG\",\"CAP_WAKE_ALARM\",\"CAP_BLOCK_SUSPEND\",\"CAP_AUDIT_READ\",\"CAP_PERFMON\",\"CAP_BPF\","        \
  "\"CAP_CHECKPOINT_RESTORE\"]"

#define DOCKER_CAPS                                                                                                \
  "[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FSETID\",\"CAP_FOWNER\",\"CAP_MKNOD\",\"CAP_NET_RAW\","               \
  "\"CAP_SETGID\",\"CAP_SETUID\",\"CAP_SETFCAP\",\"CAP_SETPCAP\",\"CAP_NET_BIND_SERVICE\",\"CAP_SYS_CHROOT\","     \
  "\"CAP_KILL\",\"CAP_AUDIT_WRITE\"]"

#define DOCKER_MASKED                                                                                              \
  "[\"/proc/asound\",\"/proc/acpi\",\"/proc/interrupts\",\"/proc/kcore\",\"/proc/keys\",\"/proc/latency_stats\","  \
  "\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\",\"/proc/scsi\",\"/sys/firmware\","            \
  "\"/sys/devices/virtual/powercap\"]"
#define DOCKER_READONLY "[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\",\"/proc/sysrq-trigger\"]"

#define DOCKER_MOUNTS                                                                                              \
  "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\",\"options\":[\"nosuid\",\"noexec\","         \
  "\"nodev\"]},{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\","       \
  "\"strictatime\",\"mode=755\",\"size=65536k\"]},{\"destination\":\"/dev/pts\",\"type\":\"devpts\","            \
  "\"source\":\"devpts\",\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\","     \
  "\"gid=5\"]},{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\","       \
  "\"noexec\",\"nodev\",\"ro\"]},{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","    \
  "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},{\"destination\":\"/dev/shm\",\"type\":\"bind\",\"source\":"   \
  "\"/var/lib/docker/containers/abc/mounts/shm\",\"options\":[\"rbind\",\"rprivate\"]},{\"destination\":"       \
  "\"/etc/resolv.conf\",\"type\":\"bind\",\"source\":\"/var/lib/docker/containers/abc/resolv.conf\","            \
  "\"options\":[\"rbind\",\"rprivate\"]},{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":"          \
  "\"/var/lib/docker/containers/abc/hosts\",\"options\":[\"rbind\",\"rprivate\"]}"

#define DOCKER_RULES                                                                                               \
  "[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"access\":\"m\"},{\"allow\":true,"       \
  "\"type\":\"b\",\"access\":\"m\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"  \
  "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":9,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\","    \
  "\"major\":136,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":2,\"access\":\"rwm\"},"  \
  "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":200,\"access\":\"rwm\"}]"

/* What `docker run -d nginx` hands a runtime, trimmed. */
static const char docker_config[]
    = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"/var/lib/docker/overlay2/x/merged\"},"
      "\"process\":{\"args\":[\"nginx\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"capabilities\":{"
      "\"bounding\":" DOCKER_CAPS ",\"effective\":" DOCKER_CAPS ",\"permitted\":" DOCKER_CAPS "},"
      "\"apparmorProfile\":\"docker-default\",\"oomScoreAdj\":0},"
      "\"hostname\":\"abc\",\"mounts\":[" DOCKER_MOUNTS "],"
      "\"hooks\":{\"prestart\":[{\"path\":\"/proc/4242/exe\",\"args\":[\"libnetwork-setkey\",\"-exec-root=/var/"
      "run/docker\",\"abc\",\"def\"]}]},"
      "\"linux\":{\"sysctl\":{\"net.ipv4.ip_unprivileged_port_start\":\"0\",\"net.ipv4.ping_group_range\":\"0 "
      "2147483647\"},\"resources\":{\"devices\":" DOCKER_RULES "},\"cgroupsPath\":\"system.slice:docker:abc\","
      "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"network\"},{\"type\":\"uts\"},{\"type\":\"pid\"},"
      "{\"type\":\"ipc\"},{\"type\":\"cgroup\"}],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
      "\"defaultErrnoRet\":1,\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]},"
      "\"maskedPaths\":" DOCKER_MASKED ",\"readonlyPaths\":" DOCKER_READONLY "}}";

/* `docker run --privileged -v /:/host --pid=host`, trimmed. */
static const char privileged_config[]
    = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
      "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"capabilities\":{"
      "\"bounding\":" ALL_CAPS ",\"effective\":" ALL_CAPS ",\"permitted\":" ALL_CAPS "}},"
      "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},{\"destination\":\"/host\","
      "\"type\":\"bind\",\"source\":\"/\",\"options\":[\"rbind\",\"rw\"]},{\"destination\":\"/var/run/docker.sock\","
      "\"type\":\"bind\",\"source\":\"/var/run/docker.sock\",\"options\":[\"rbind\"]},{\"destination\":\"/etc/hosts\","
      "\"type\":\"bind\",\"source\":\"/var/lib/docker/containers/abc/hosts\",\"options\":[\"rbind\",\"rprivate\"]}],"
      "\"hooks\":{\"prestart\":[{\"path\":\"/proc/4242/exe\",\"args\":[\"libnetwork-setkey\"]}]},"
      "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"network\"},{\"type\":\"uts\"},{\"type\":\"ipc\"}],"
      "\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0},{\"path\":\"/dev/kmsg\","
      "\"type\":\"c\",\"major\":1,\"minor\":11},{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3}],"
      "\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]},"
      "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}}";

/* Already within default.profile in every respect. */
static const char within_config[]
    = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
      "\"process\":{\"args\":[\"postgres\"],\"cwd\":\"/\",\"user\":{\"uid\":999,\"gid\":999},"
      "\"noNewPrivileges\":true,\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\"],\"effective\":[],"
      "\"permitted\":[]},\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":0}]},"
      "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},{\"destination\":\"/tmp\","
      "\"type\":\"tmpfs\",\"source\":\"tmpfs\"},{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
      "{\"destination\":\"/var/lib/postgresql/data\",\"type\":\"bind\",\"source\":\"/srv/pg\",\"options\":["
      "\"rbind\",\"nosuid\",\"nodev\"]}],"
      "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},"
      "{\"type\":\"cgroup\"},{\"type\":\"network\",\"path\":\"/var/run/netns/cni-1\"},{\"type\":\"user\"}],"
      "\"uidMappings\":[{\"containerID\":0,\"hostID\":524288,\"size\":65536}],"
      "\"gidMappings\":[{\"containerID\":0,\"hostID\":524288,\"size\":65536}],"
      "\"maskedPaths\":" DOCKER_MASKED ",\"readonlyPaths\":" DOCKER_READONLY ","
      "\"resources\":{\"pids\":{\"limit\":100},\"devices\":" DOCKER_RULES "},"
      "\"sysctl\":{\"net.ipv4.ping_group_range\":\"0 0\"}}}";

static const char *const default_caps[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID",
  "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_SETFCAP",
};

static bool
same_caps (char *const *set)
{
  size_t n = sizeof default_caps / sizeof default_caps[0];
  if (sk_strv_len (set) != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!strv_has (set, default_caps[i]))
      return false;
  return true;
}

static const struct oci_namespace *
ns_of (const struct oci_config *c, enum oci_ns_type type)
{
  for (size_t i = 0; c->linux_cfg != NULL && i < c->linux_cfg->n_namespaces; i++)
    if (c->linux_cfg->namespaces[i].type == type)
      return &c->linux_cfg->namespaces[i];
  return NULL;
}

static bool
mount_at (const struct oci_config *c, const char *dest, const char **type, char *const **options)
{
  for (size_t i = 0; i < c->n_mounts; i++)
    if (strcmp (c->mounts[i].destination, dest) == 0)
      {
        *type = c->mounts[i].type;
        *options = c->mounts[i].options;
        return true;
      }
  return false;
}

/* Merge CONFIG under the shipped profile NAME. */
static int
merge (const char *name, const char *json, struct oci_config **c, struct sk_policy_report *r, sk_error_t *err)
{
  cleanup_profile struct sk_profile *p = tu_shipped (&t, name, err);

  *c = tu_config (json);
  if (p == NULL || *c == NULL)
    return -2;
  return sk_policy_apply (p, "abc", *c, r, err);
}

static void
test_privileged_clamped_to_the_floor (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_config struct oci_config *c = NULL;
  cleanup_policy_report struct sk_policy_report r = { 0 };
  const struct oci_linux *l;
  const char *type;
  char *const *opts;

  SK_CHECK (merge ("default", privileged_config, &c, &r, &err) == 0);
  if (c == NULL || c->linux_cfg == NULL)
    return;
  l = c->linux_cfg;
  SK_CHECK (same_caps (c->process->capabilities->bounding));
  SK_CHECK (same_caps (c->process->capabilities->effective));
  SK_CHECK (same_caps (c->process->capabilities->permitted));
  SK_CHECK (c->process->no_new_privileges && c->root.readonly);
  SK_CHECK (!mount_at (c, "/host", &type, &opts) && !mount_at (c, "/var/run/docker.sock", &type, &opts));
  SK_CHECK (mount_at (c, "/etc/hosts", &type, &opts) && strv_has (opts, "nosuid") && strv_has (opts, "nodev"));
  SK_CHECK (mount_at (c, "/tmp", &type, &opts) && strcmp (type, "tmpfs") == 0);
  SK_CHECK (mount_at (c, "/run", &type, &opts) && strcmp (type, "tmpfs") == 0);
  SK_CHECK (strv_has (l->masked_paths, "/proc/kcore") && sk_strv_len (l->masked_paths) == 12);
  SK_CHECK (strv_has (l->readonly_paths, "/proc/sysrq-trigger") && sk_strv_len (l->readonly_paths) == 5);
  SK_CHECK (l->n_devices == 1 && strcmp (l->devices[0].path, "/dev/null") == 0);
  SK_CHECK (l->resources->n_devices == 0);
  SK_CHECK (ns_of (c, OCI_NS_PID) != NULL && ns_of (c, OCI_NS_CGROUP) != NULL);
  SK_CHECK (ns_of (c, OCI_NS_USER) != NULL && l->n_uid_mappings == 1 && l->uid_mappings[0].host_id >= 524288);
  SK_CHECK (l->resources->pids_limit.set && l->resources->pids_limit.v == 4096);
  SK_CHECK (c->process->n_rlimits == 1 && c->process->rlimits[0].hard == 0);
  SK_CHECK (l->n_sysctl == 0);
  /* No seccomp in the config: the profile's filter still applies. */
  SK_CHECK (l->seccomp == NULL);
  SK_CHECK (tu_find (&r, "process.capabilities.bounding", "CapabilityBoundingSet") != NULL);
  SK_CHECK (tu_find (&r, "mounts", "DenyBindSources") != NULL);
  SK_CHECK (tu_find (&r, "linux.resources.devices", "DeviceAllow") != NULL);
  SK_CHECK (tu_find (&r, "linux.namespaces", "PrivateNamespaces") != NULL);
  /* The clamped config is within the profile: merging again is a no-op. */
  {
    cleanup_profile struct sk_profile *p = tu_shipped (&t, "default", &err);
    cleanup_policy_report struct sk_policy_report again = { 0 };
    SK_CHECK (p != NULL && sk_policy_apply (p, "abc", c, &again, &err) == 0 && again.n == 0);
  }
}

static void
test_docker_config_changes_only_above_docker (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_config struct oci_config *c = NULL;
  cleanup_policy_report struct sk_policy_report r = { 0 };
  const struct sk_policy_change *ch;
  const char *type;
  char *const *opts;

  SK_CHECK (merge ("default", docker_config, &c, &r, &err) == 0);
  if (c == NULL)
    return;
  ch = tu_find (&r, "process.capabilities.bounding", "CapabilityBoundingSet");
  SK_CHECK (ch != NULL && strcmp (ch->asked, "CAP_MKNOD CAP_NET_RAW") == 0);
  SK_CHECK (tu_find (&r, "process.noNewPrivileges", "NoNewPrivileges") != NULL);
  SK_CHECK (tu_find (&r, "root.readonly", "ReadOnlyRootfs") != NULL);
  SK_CHECK (tu_find (&r, "mounts", "WritablePaths") != NULL);
  SK_CHECK (tu_find (&r, "linux.namespaces", "PrivateUsers") != NULL);
  SK_CHECK (tu_find (&r, "linux.resources.pids.limit", "PidsMax") != NULL);
  SK_CHECK (tu_find (&r, "process.rlimits", "RlimitCORE") != NULL);
  /* The user namespace the profile adds maps gids 0-65535 only. */
  ch = tu_find (&r, "linux.sysctl", "PrivateUsers");
  SK_CHECK (ch != NULL && strcmp (ch->result, "0 65535") == 0);
  /* What Docker already does is left alone. */
  SK_CHECK (tu_find (&r, "mounts", "DenyBindSources") == NULL);
  SK_CHECK (tu_find (&r, "linux.namespaces", "PrivateNamespaces") == NULL);
  SK_CHECK (tu_find (&r, "linux.sysctl", "SysctlAllow") == NULL);
  SK_CHECK (tu_find (&r, "linux.resources.devices", "DeviceAllow") == NULL);
  SK_CHECK (tu_find (&r, "hooks.prestart", "AllowHooks") == NULL);
  SK_CHECK (tu_find (&r, "linux.maskedPaths", "MaskedPaths") == NULL);
  SK_CHECK (tu_find (&r, "linux.readonlyPaths", "ReadOnlyPaths") == NULL);
  SK_CHECK (c->hooks.prestart.n == 1 && c->linux_cfg->n_sysctl == 2);
  SK_CHECK (mount_at (c, "/etc/resolv.conf", &type, &opts) && strv_has (opts, "nosuid"));
  SK_CHECK (mount_at (c, "/dev/pts", &type, &opts) && !strv_has (opts, "nodev"));
  SK_CHECK (c->linux_cfg->seccomp != NULL && c->linux_cfg->seccomp->n_syscalls == 1);
  /* Only the four binds got flags; every other change is one entry. */
  SK_CHECK (r.n == 3 + 1 + 1 + 1 + 3 + 1 + 1 + 1 + 1);
}

static void
test_within_profile_empty_report (void)
{
  static const char *const names[] = { "default", "complain" };

  for (size_t i = 0; i < 2; i++)
    {
      cleanup_error sk_error_t err = NULL;
      cleanup_config struct oci_config *c = NULL;
      cleanup_policy_report struct sk_policy_report r = { 0 };

      SK_CHECK (merge (names[i], within_config, &c, &r, &err) == 0);
      for (size_t k = 0; k < r.n; k++)
        printf ("# unexpected: %s %s: %s\n", r.changes[k].field, r.changes[k].directive, r.changes[k].asked);
      SK_CHECK (r.n == 0);
    }
}

static void
test_strict_lists_every_violation (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_config struct oci_config *c = NULL;
  cleanup_policy_report struct sk_policy_report r = { 0 };
  cleanup_free char *before = NULL, *after = NULL, *want = NULL;
  size_t clamps;

  SK_CHECK (merge ("strict", privileged_config, &c, &r, &err) == -1);
  if (c == NULL)
    return;
  clamps = tu_count_kind (&r, SK_CHANGE_CLAMP);
  SK_CHECK (clamps >= 10);
  SK_CHECK (asprintf (&want, "profile strict (strict): %zu violations: ", clamps) > 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), want);
  for (size_t i = 0; i < r.n; i++)
    if (r.changes[i].kind == SK_CHANGE_CLAMP)
      {
        cleanup_free char *one = NULL;
        SK_CHECK (asprintf (&one, "%s: %s not allowed by %s", r.changes[i].field, r.changes[i].asked,
                            r.changes[i].directive) > 0);
        SK_CHECK_CONTAINS (sk_error_msg (&err), one);
      }
  SK_CHECK_CONTAINS (sk_error_msg (&err), "CAP_SYS_ADMIN");
  SK_CHECK_CONTAINS (sk_error_msg (&err), "not allowed by AllowHooks");
  /* Refused before anything was changed. */
  before = tu_digest (c);
  {
    cleanup_config struct oci_config *fresh = tu_config (privileged_config);
    after = tu_digest (fresh);
  }
  SK_CHECK_STR (before, after);
}

static void
test_complain_leaves_config_identical (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_config struct oci_config *c = NULL, *e = NULL;
  cleanup_policy_report struct sk_policy_report r = { 0 }, re = { 0 };
  cleanup_free char *before = NULL, *after = NULL;

  SK_CHECK (merge ("complain", privileged_config, &c, &r, &err) == 0);
  SK_CHECK (merge ("default", privileged_config, &e, &re, &err) == 0);
  if (c == NULL || e == NULL)
    return;
  after = tu_digest (c);
  {
    cleanup_config struct oci_config *fresh = tu_config (privileged_config);
    before = tu_digest (fresh);
  }
  SK_CHECK_STR (after, before);
  /* ... and reports exactly what enforce does. */
  SK_CHECK (r.n == re.n && r.n > 0);
  for (size_t i = 0; i < r.n && i < re.n; i++)
    {
      SK_CHECK_STR (r.changes[i].field, re.changes[i].field);
      SK_CHECK_STR (r.changes[i].asked, re.changes[i].asked);
      SK_CHECK_STR (r.changes[i].result, re.changes[i].result);
    }
}

static const char *
json_str (yajl_val v, const char **path)
{
  yajl_val s = v != NULL ? yajl_tree_get (v, path, yajl_t_string) : NULL;
  return s != NULL ? YAJL_GET_STRING (s) : NULL;
}

static void
test_report_renderers (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_config struct oci_config *c = NULL;
  cleanup_policy_report struct sk_policy_report r = { 0 }, empty = { 0 };
  cleanup_free char *json = NULL, *text = NULL, *none = NULL;
  size_t len = 0, lines = 0;

  SK_CHECK (merge ("default", privileged_config, &c, &r, &err) == 0);
  /* A path with a quote and a backslash must still give valid JSON. */
  SK_CHECK (policy_record (&(struct policy_ctx){ .r = &r }, SK_CHANGE_ADD, "mounts", "X", "a \"q\" \\ b", "ok", &err)
            == 0);
  SK_CHECK (sk_policy_report_json (&r, "web1", "default", "enforce", &json, &len, &err) == 0);
  SK_CHECK (json != NULL && strlen (json) == len);
  for (char *line = json, *nl; line != NULL && *line != '\0'; line = nl + 1, lines++)
    {
      char errbuf[128];
      yajl_val v;
      const char *kind[] = { "kind", NULL }, *field[] = { "field", NULL }, *profile[] = { "profile", NULL };
      const char *container[] = { "container", NULL };

      nl = strchr (line, '\n');
      SK_CHECK (nl != NULL);
      if (nl == NULL)
        break;
      *nl = '\0';
      v = yajl_tree_parse (line, errbuf, sizeof errbuf);
      SK_CHECK (v != NULL && YAJL_IS_OBJECT (v));
      SK_CHECK (YAJL_IS_STRING (yajl_tree_get (v, kind, yajl_t_string)));
      SK_CHECK (YAJL_IS_STRING (yajl_tree_get (v, field, yajl_t_string)));
      SK_CHECK_STR (json_str (v, profile), "default");
      SK_CHECK_STR (json_str (v, container), "web1");
      if (lines + 1 == r.n)
        {
          const char *asked[] = { "asked", NULL };
          SK_CHECK_STR (json_str (v, asked), "a \"q\" \\ b");
        }
      yajl_tree_free (v);
    }
  SK_CHECK (lines == r.n);
  SK_CHECK (sk_policy_report_json (&empty, "web1", "default", "enforce", &none, &len, &err) == 0 && len == 0);
  SK_CHECK (sk_policy_report_text (&r, &text, &err) == 0);
  SK_CHECK_CONTAINS (text, "clamp  process.capabilities.bounding: CAP_DAC_READ_SEARCH");
  SK_CHECK_CONTAINS (text, " -> removed (CapabilityBoundingSet)\n");
  SK_CHECK_CONTAINS (text, "add    linux.namespaces: no user namespace (container root is host root) -> new user");
}

static void
test_exposure (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_config struct oci_config *raw = tu_config (privileged_config), *c = NULL;
  cleanup_policy_report struct sk_policy_report r = { 0 };
  cleanup_profile struct sk_profile *p = tu_shipped (&t, "default", &err);
  cleanup_free char *before = NULL, *after = NULL;

  SK_CHECK (raw != NULL && p != NULL);
  if (raw == NULL || p == NULL)
    return;
  SK_CHECK (sk_policy_exposure_text (raw, NULL, &before, &err) == 0);
  SK_CHECK_CONTAINS (before, "profile: none\n");
  SK_CHECK_CONTAINS (before, "CAP_SYS_ADMIN");
  SK_CHECK_CONTAINS (before, "namespaces shared with the host: pid user cgroup time\n");
  SK_CHECK_CONTAINS (before, "user namespace: none, container root is host root\n");
  SK_CHECK_CONTAINS (before, "root filesystem: WRITABLE\n");
  SK_CHECK_CONTAINS (before, "/ -> /host (rw)");
  SK_CHECK_CONTAINS (before, "seccomp: NO FILTER");
  SK_CHECK_CONTAINS (before, "no_new_privs: NO\n");
  SK_CHECK (merge ("default", privileged_config, &c, &r, &err) == 0);
  SK_CHECK (sk_policy_exposure_text (c, p, &after, &err) == 0);
  SK_CHECK_CONTAINS (after, "profile: default (enforce)\n");
  SK_CHECK_CONTAINS (after, "namespaces shared with the host: time\n");
  SK_CHECK_CONTAINS (after, "root filesystem: read-only\n");
  SK_CHECK_CONTAINS (after, "writable mounts: /tmp (tmpfs), /run (tmpfs), /etc/hosts (host bind)\n");
  SK_CHECK_CONTAINS (after, "seccomp (profile): allow-list of ");
  SK_CHECK_CONTAINS (after, "pids limit: 4096\n");
  SK_CHECK (strstr (after, "CAP_SYS_ADMIN") == NULL && strstr (after, "NO FILTER") == NULL);
}

static bool
has_rule (const struct oci_seccomp *s, const char *name, const char *action, const char *op, uint64_t value)
{
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      const struct oci_seccomp_syscall *sc = &s->syscalls[i];
      if (strv_has (sc->names, name) && strcmp (sc->action, action) == 0
          && (op == NULL ? sc->n_args == 0 : (sc->n_args == 1 && strcmp (sc->args[0].op, op) == 0
                                              && sc->args[0].value == value)))
        return true;
    }
  return false;
}

static void
test_seccomp_object (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_profile struct sk_profile *p = tu_shipped (&t, "default", &err);
  struct oci_seccomp *s;

  SK_CHECK (p != NULL);
  if (p == NULL)
    return;
  s = sk_profile_seccomp (p, &err);
  SK_CHECK (s != NULL);
  if (s == NULL)
    return;
  SK_CHECK_STR (s->default_action, "SCMP_ACT_ERRNO");
  SK_CHECK (s->default_errno_ret.set && s->default_errno_ret.v == EPERM);
  SK_CHECK (tu_seccomp_allows (s, "read") && tu_seccomp_allows (s, "execve") && tu_seccomp_allows (s, "futex"));
  SK_CHECK (!tu_seccomp_allows (s, "clone") && !tu_seccomp_allows (s, "unshare"));
  SK_CHECK (!tu_seccomp_allows (s, "personality") && !tu_seccomp_allows (s, "socket"));
  SK_CHECK (has_rule (s, "clone", "SCMP_ACT_ALLOW", "SCMP_CMP_MASKED_EQ", 0x7E020000));
  SK_CHECK (has_rule (s, "unshare", "SCMP_ACT_ALLOW", "SCMP_CMP_MASKED_EQ", 0x7E020080));
  SK_CHECK (has_rule (s, "clone3", "SCMP_ACT_ERRNO", NULL, 0));
  SK_CHECK (has_rule (s, "personality", "SCMP_ACT_ALLOW", "SCMP_CMP_EQ", 0));
  SK_CHECK (has_rule (s, "personality", "SCMP_ACT_ALLOW", "SCMP_CMP_EQ", 0xffffffff));
  SK_CHECK (has_rule (s, "socket", "SCMP_ACT_ALLOW", "SCMP_CMP_NE", 40));
  for (size_t i = 0; i < s->n_syscalls; i++)
    if (strcmp (s->syscalls[i].names[0], "clone3") == 0)
      SK_CHECK (s->syscalls[i].errno_ret.set && s->syscalls[i].errno_ret.v == ENOSYS);
  SK_CHECK (sk_strv_len (s->architectures) == 1);
  SK_CHECK (tu_seccomp_roundtrip (s, &err) == 0);
  if (err != NULL)
    printf ("# %s\n", sk_error_msg (&err));
  sk_profile_seccomp_free (s);

  /* complain logs instead of denying. */
  sk_profile_free (p);
  p = tu_shipped (&t, "complain", &err);
  s = p != NULL ? sk_profile_seccomp (p, &err) : NULL;
  SK_CHECK (s != NULL && strcmp (s->default_action, "SCMP_ACT_LOG") == 0 && !s->default_errno_ret.set);
  SK_CHECK (s != NULL && !has_rule (s, "clone3", "SCMP_ACT_ERRNO", NULL, 0) && tu_seccomp_roundtrip (s, &err) == 0);
  sk_profile_seccomp_free (s);

  /* Deny-list form, kill, argument filters alone, no filter at all. */
  sk_profile_free (p);
  p = tu_profile (&t, "SystemCallFilter=~@mount @reboot\nSystemCallErrorNumber=kill\n"
                      "SystemCallArgumentFilter=clone-no-namespaces personality-linux-only\n", &err);
  s = p != NULL ? sk_profile_seccomp (p, &err) : NULL;
  SK_CHECK (s != NULL && strcmp (s->default_action, "SCMP_ACT_ALLOW") == 0);
  SK_CHECK (s != NULL && has_rule (s, "mount", "SCMP_ACT_KILL_PROCESS", NULL, 0));
  SK_CHECK (s != NULL && has_rule (s, "reboot", "SCMP_ACT_KILL_PROCESS", NULL, 0));
  SK_CHECK (s != NULL && has_rule (s, "unshare", "SCMP_ACT_KILL_PROCESS", "SCMP_CMP_MASKED_EQ", 0x10000000));
  SK_CHECK (s != NULL && has_rule (s, "clone", "SCMP_ACT_KILL_PROCESS", "SCMP_CMP_MASKED_EQ", 0x40000000));
  SK_CHECK (s != NULL && !has_rule (s, "clone", "SCMP_ACT_KILL_PROCESS", "SCMP_CMP_MASKED_EQ", 0x80));
  SK_CHECK (s != NULL && has_rule (s, "personality", "SCMP_ACT_KILL_PROCESS", "SCMP_CMP_NE", 0));
  SK_CHECK (s != NULL && tu_seccomp_roundtrip (s, &err) == 0);
  sk_profile_seccomp_free (s);
  sk_profile_free (p);
  p = tu_profile (&t, "SystemCallArgumentFilter=socket-no-vsock\n", &err);
  s = p != NULL ? sk_profile_seccomp (p, &err) : NULL;
  SK_CHECK (s != NULL && s->n_syscalls == 1 && has_rule (s, "socket", "SCMP_ACT_ERRNO", "SCMP_CMP_EQ", 40));
  sk_profile_seccomp_free (s);
  sk_profile_free (p);
  p = tu_profile (&t, "SystemCallFilter=read\nSystemCallFilter=~read\n", &err);
  s = p != NULL ? sk_profile_seccomp (p, &err) : NULL;
  /* An empty allow-list: only the default action (and clone3's ENOSYS). */
  SK_CHECK (s != NULL && s->n_syscalls == 1 && tu_seccomp_roundtrip (s, &err) == 0);
  sk_profile_seccomp_free (s);
  sk_profile_free (p);
  p = tu_profile (&t, "NoNewPrivileges=yes\n", &err);
  SK_CHECK (p != NULL && sk_profile_seccomp (p, &err) == NULL && err == NULL);
}

static void
test_selinux_auto_level (void)
{
  char *levels[32];
  cleanup_error sk_error_t err = NULL;
  cleanup_profile struct sk_profile *p = tu_profile (&t, "SELinuxContext=container_t\n", &err);
  cleanup_config struct oci_config *c = tu_config ("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
                                                   "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,"
                                                   "\"gid\":0}}}");
  cleanup_policy_report struct sk_policy_report r = { 0 };
  cleanup_free char *a = policy_mcs_level ("abc", NULL), *b = policy_mcs_level ("abc", NULL), *want = NULL;

  SK_CHECK_STR (a, b);
  for (int i = 0; i < 32; i++)
    {
      char id[32];
      snprintf (id, sizeof id, "container-%d", i);
      levels[i] = policy_mcs_level (id, NULL);
      SK_CHECK (levels[i] != NULL && mcs_level_valid (levels[i]));
      for (int j = 0; j < i; j++)
        SK_CHECK (strcmp (levels[i], levels[j]) != 0);
    }
  for (int i = 0; i < 32; i++)
    free (levels[i]);
  SK_CHECK (p != NULL && c != NULL && sk_policy_apply (p, "abc", c, &r, &err) == 0);
  SK_CHECK (asprintf (&want, "system_u:system_r:container_t:%s", a) > 0);
  SK_CHECK (c != NULL && c->process->selinux_label != NULL && strcmp (c->process->selinux_label, want) == 0);
  SK_CHECK (c != NULL && c->linux_cfg != NULL && strstr (c->linux_cfg->mount_label, ":container_file_t:s0:c") != NULL);
}

/* With SELinux on, create probes past the levels in use and exec takes the
 * init's level. */
static void
test_selinux_level_hints (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_profile struct sk_profile *p = tu_profile (&t, "SELinuxContext=container_t\n", &err);
  cleanup_profile struct sk_profile *fixed = tu_profile (&t, "SELinuxContext=container_t\nSELinuxLevel=s0:c5,c6\n",
                                                         &err);
  const char *cfg = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\"],"
                    "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}}";
  cleanup_config struct oci_config *c = tu_config (cfg);
  cleanup_config struct oci_config *d = tu_config (cfg);
  cleanup_policy_report struct sk_policy_report r = { 0 }, r2 = { 0 };
  cleanup_free char *own = policy_mcs_level ("abc", NULL), *next = NULL;
  const char *in_use[] = { own, NULL };
  struct sk_mcs_hint create_hint = { .in_use = in_use }, exec_hint = { .fixed = "s0:c7,c8" };
  struct oci_process *pr = c != NULL ? c->process : NULL;

  SK_CHECK (p != NULL && fixed != NULL && c != NULL && d != NULL && own != NULL);
  if (p == NULL || fixed == NULL || c == NULL || d == NULL || own == NULL)
    return;
  SK_CHECK (sk_profile_selinux_auto_level (p) && !sk_profile_selinux_auto_level (fixed));
  /* The id's own pair is taken: the next one along is used, for both labels. */
  SK_CHECK (sk_policy_apply_mcs (p, "abc", &create_hint, d, &r, &err) == 0);
  SK_CHECK (asprintf (&next, ":%s", own) > 0);
  SK_CHECK (d->process->selinux_label != NULL && strstr (d->process->selinux_label, next) == NULL);
  SK_CHECK (d->process->selinux_label != NULL && strstr (d->process->selinux_label, ":container_t:s0:c") != NULL);
  SK_CHECK (d->linux_cfg != NULL && d->linux_cfg->mount_label != NULL
            && strcmp (strrchr (d->linux_cfg->mount_label, ':'), strrchr (d->process->selinux_label, ':')) == 0);
  {
    /* `check` shows the mount option as runc writes it, the level quoted. */
    cleanup_free char *text = NULL, *want = NULL;
    SK_CHECK (sk_policy_exposure_text (d, p, &text, &err) == 0);
    SK_CHECK (asprintf (&want, "SELinux mount option (tmpfs, mqueue, devpts): context=\"%s\"\n",
                        d->linux_cfg->mount_label) > 0);
    SK_CHECK_CONTAINS (text, want);
  }
  /* exec: the init's level, whatever the hash says. */
  SK_CHECK (sk_policy_apply_process_mcs (p, "abc", &exec_hint, pr, &r2, &err) == 0);
  SK_CHECK_STR (pr->selinux_label, "system_u:system_r:container_t:s0:c7,c8");
}

static void
test_userns_range (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_profile struct sk_profile *p = tu_shipped (&t, "default", &err);
  cleanup_profile struct sk_profile *q = tu_profile (&t, "PrivateUsers=require\n", &err);
  uint32_t h1, h2, h3, size;

  SK_CHECK (p != NULL && q != NULL);
  if (p == NULL || q == NULL)
    return;
  sk_policy_userns_range (p, "one", &h1, &size);
  sk_policy_userns_range (p, "one", &h2, &size);
  sk_policy_userns_range (p, "two", &h3, &size);
  SK_CHECK (h1 == h2 && h1 != h3 && size == 65536);
  SK_CHECK (h1 >= 524288 && (uint64_t) h1 + size <= 524288ull + 1878523904ull && (h1 - 524288) % 65536 == 0);
  /* The built-in range is one slice. */
  sk_policy_userns_range (q, "one", &h1, &size);
  sk_policy_userns_range (q, "two", &h2, &size);
  SK_CHECK (h1 == 100000 && h2 == 100000);
}

static void
test_kernel_side_accessors (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_profile struct sk_profile *d = tu_shipped (&t, "default", &err);
  cleanup_profile struct sk_profile *s = tu_shipped (&t, "strict", &err);
  cleanup_profile struct sk_profile *c = tu_shipped (&t, "complain", &err);
  const char *const *ro, *const *rw;

  SK_CHECK (d != NULL && s != NULL && c != NULL);
  if (d == NULL || s == NULL || c == NULL)
    return;
  SK_CHECK (sk_policy_bind_source_denied (d, "/etc/shadow") && sk_policy_bind_source_denied (d, "/"));
  SK_CHECK (sk_policy_bind_source_denied (d, "/run/docker.sock"));
  SK_CHECK (!sk_policy_bind_source_denied (d, "/srv/data") && !sk_policy_bind_source_denied (d, "/etcetera"));
  SK_CHECK (!sk_policy_bind_source_denied (c, "/etc/shadow"));
  SK_CHECK (!sk_profile_landlock (d, &ro, &rw) && ro == NULL);
  SK_CHECK (sk_profile_landlock (s, &ro, &rw) && strcmp (ro[0], "/") == 0 && strv_has ((char *const *) rw, "/tmp"));
  SK_CHECK (sk_profile_private_users (d) == SK_PRIVATE_USERS_REQUIRE);
  SK_CHECK (sk_profile_private_namespaces (s) & (1u << OCI_NS_NETWORK));
  SK_CHECK (!(sk_profile_private_namespaces (d) & (1u << OCI_NS_NETWORK)));
  SK_CHECK (sk_profile_private_namespaces (c) == 0);
}

int
main (int argc, char **argv)
{
  if (tu_init (&t, argc, argv) < 0)
    return 99;
  SK_RUN (test_privileged_clamped_to_the_floor);
  SK_RUN (test_docker_config_changes_only_above_docker);
  SK_RUN (test_within_profile_empty_report);
  SK_RUN (test_strict_lists_every_violation);
  SK_RUN (test_complain_leaves_config_identical);
  SK_RUN (test_report_renderers);
  SK_RUN (test_exposure);
  SK_RUN (test_seccomp_object);
  SK_RUN (test_selinux_auto_level);
  SK_RUN (test_selinux_level_hints);
  SK_RUN (test_userns_range);
  SK_RUN (test_kernel_side_accessors);
  tu_done (&t);
  return sk_test_done ();
}
