/* The merge, directive by directive, in all three modes:
 *   enforce  clamps the config and reports the change;
 *   complain reports the same change and leaves the config identical;
 *   strict   refuses with an error naming the field and the directive
 *            (additions, which clamp nothing, are made). */
#include "sk_test.h"
#include "profile_test_util.h"

#include <stdlib.h>

#include "stockade/cleanup.h"

static struct tu t;

#define CFG(rest) "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"}," rest "}"
#define PROC(rest) "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}" rest "}"
#define NS_MOUNT "\"namespaces\":[{\"type\":\"mount\"}]"

struct merge_case
{
  const char *name;
  const char *profile; /* without Mode= */
  const char *config;
  const char *field, *directive;
  enum sk_policy_change_kind kind;
  const char *strict_msg; /* in the strict error, for clamps */
  bool (*check) (const struct oci_config *c); /* the config after enforce */
};

static bool
has_mount (const struct oci_config *c, size_t i, const char *dest, const char *type)
{
  return i < c->n_mounts && strcmp (c->mounts[i].destination, dest) == 0
         && (type == NULL || (c->mounts[i].type != NULL && strcmp (c->mounts[i].type, type) == 0));
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
check_caps (const struct oci_config *c)
{
  const struct oci_capabilities *k = c->process->capabilities;
  return sk_strv_len (k->bounding) == 1 && strcmp (k->bounding[0], "CAP_CHOWN") == 0
         && !strv_has (k->effective, "CAP_SYS_ADMIN") && !strv_has (k->permitted, "CAP_SYS_ADMIN")
         && strv_has (k->ambient, "CAP_KILL");
}

static bool
check_ambient (const struct oci_config *c)
{
  return sk_strv_len (c->process->capabilities->ambient) == 0
         && strv_has (c->process->capabilities->bounding, "CAP_KILL");
}

static bool
check_nnp (const struct oci_config *c)
{
  return c->process->no_new_privileges;
}

static bool
check_userns_added (const struct oci_config *c)
{
  const struct oci_linux *l = c->linux_cfg;
  const struct oci_namespace *u = ns_of (c, OCI_NS_USER);
  return u != NULL && u->path == NULL && l->n_uid_mappings == 1 && l->n_gid_mappings == 1
         && l->uid_mappings[0].container_id == 0 && l->uid_mappings[0].host_id >= 200000
         && l->uid_mappings[0].host_id + 65536u <= 200000u + 6553600u
         && (l->uid_mappings[0].host_id - 200000u) % 65536u == 0 && l->uid_mappings[0].size == 65536
         && l->gid_mappings[0].host_id == l->uid_mappings[0].host_id;
}

static bool
check_userns_remapped (const struct oci_config *c)
{
  const struct oci_linux *l = c->linux_cfg;
  return l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 100000 && l->gid_mappings[0].host_id == 100000;
}

static bool
check_root_ro (const struct oci_config *c)
{
  return c->root.readonly && c->n_mounts == 0;
}

static bool
check_writable (const struct oci_config *c)
{
  return c->n_mounts == 3 && has_mount (c, 0, "/tmp", "tmpfs") && has_mount (c, 1, "/run", "tmpfs")
         && has_mount (c, 2, "/run/secrets/x", "bind") && strv_has (c->mounts[0].options, "mode=1777")
         && strv_has (c->mounts[1].options, "mode=755") && strv_has (c->mounts[0].options, "nosuid")
         && strv_has (c->mounts[0].options, "nodev");
}

static bool
check_masked (const struct oci_config *c)
{
  return sk_strv_len (c->linux_cfg->masked_paths) == 2 && strv_has (c->linux_cfg->masked_paths, "/proc/kcore");
}

static bool
check_readonly_paths (const struct oci_config *c)
{
  return strv_has (c->linux_cfg->readonly_paths, "/proc/sys");
}

static bool
check_deny_bind (const struct oci_config *c)
{
  return c->n_mounts == 2 && has_mount (c, 0, "/srv", "bind") && has_mount (c, 1, "/tmp", "tmpfs");
}

static bool
check_bind_flags_added (const struct oci_config *c)
{
  return strv_has (c->mounts[0].options, "nosuid") && strv_has (c->mounts[0].options, "nodev")
         && strv_has (c->mounts[0].options, "rbind") && !strv_has (c->mounts[1].options, "nosuid");
}

static bool
check_bind_flags_clamped (const struct oci_config *c)
{
  return !strv_has (c->mounts[0].options, "suid") && strv_has (c->mounts[0].options, "nosuid");
}

static bool
check_private_ns (const struct oci_config *c)
{
  const struct oci_namespace *pid = ns_of (c, OCI_NS_PID), *ipc = ns_of (c, OCI_NS_IPC);
  return pid != NULL && pid->path == NULL && ipc != NULL && ipc->path == NULL;
}

static bool
check_join (const struct oci_config *c)
{
  const struct oci_namespace *net = ns_of (c, OCI_NS_NETWORK), *uts = ns_of (c, OCI_NS_UTS);
  return net != NULL && net->path == NULL && uts != NULL && uts->path != NULL;
}

static bool
check_devices (const struct oci_config *c)
{
  const struct oci_linux *l = c->linux_cfg;
  return l->n_devices == 1 && strcmp (l->devices[0].path, "/dev/fuse") == 0 && l->resources->n_devices == 3
         && !l->resources->devices[0].allow && l->resources->devices[1].major.v == 10
         && strcmp (l->resources->devices[2].access, "m") == 0;
}

static bool
check_selinux (const struct oci_config *c)
{
  return c->process->selinux_label != NULL
         && strcmp (c->process->selinux_label, "system_u:system_r:container_t:s0:c1,c2") == 0
         && c->linux_cfg->mount_label != NULL
         && strcmp (c->linux_cfg->mount_label, "system_u:object_r:container_file_t:s0:c1,c2") == 0;
}

static bool
check_pids (const struct oci_config *c)
{
  return c->linux_cfg->resources->pids_limit.set && c->linux_cfg->resources->pids_limit.v == 100;
}

static bool
check_rlimits (const struct oci_config *c)
{
  const struct oci_process *p = c->process;
  bool nofile = false, core = false;
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      if (strcmp (p->rlimits[i].type, "RLIMIT_NOFILE") == 0)
        nofile = p->rlimits[i].soft == 1024 && p->rlimits[i].hard == 4096;
      if (strcmp (p->rlimits[i].type, "RLIMIT_CORE") == 0)
        core = p->rlimits[i].soft == 0 && p->rlimits[i].hard == 0;
    }
  return nofile && core && p->n_rlimits == 2;
}

static bool
check_sysctl (const struct oci_config *c)
{
  const struct oci_linux *l = c->linux_cfg;
  return l->n_sysctl == 2 && strcmp (l->sysctl[0].key, "net.ipv4.ping_group_range") == 0
         && strcmp (l->sysctl[1].key, "kernel.shmmax") == 0;
}

static bool
check_hooks (const struct oci_config *c)
{
  return c->hooks.prestart.n == 0 && c->hooks.poststop.n == 0;
}

static const struct merge_case cases[] = {
  { "CapabilityBoundingSet", "CapabilityBoundingSet=CAP_CHOWN CAP_KILL\n",
    CFG (PROC (",\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"],\"effective\":[\"CAP_SYS_ADMIN\"],"
               "\"permitted\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"],\"ambient\":[\"CAP_KILL\"]}")),
    "process.capabilities.bounding", "CapabilityBoundingSet", SK_CHANGE_CLAMP,
    "process.capabilities.bounding: CAP_SYS_ADMIN not allowed by CapabilityBoundingSet", check_caps },
  { "AmbientCapabilities", "AmbientCapabilities=no\n",
    CFG (PROC (",\"capabilities\":{\"bounding\":[\"CAP_KILL\"],\"ambient\":[\"CAP_KILL\"]}")),
    "process.capabilities.ambient", "AmbientCapabilities", SK_CHANGE_CLAMP,
    "process.capabilities.ambient: CAP_KILL not allowed by AmbientCapabilities", check_ambient },
  { "NoNewPrivileges", "NoNewPrivileges=yes\n", CFG (PROC ("")), "process.noNewPrivileges", "NoNewPrivileges",
    SK_CHANGE_CLAMP, "process.noNewPrivileges: false not allowed by NoNewPrivileges", check_nnp },
  { "PrivateUsers (added)", "PrivateUsers=require\nPrivateUsersRange=200000:6553600\n",
    CFG ("\"linux\":{" NS_MOUNT "}"), "linux.namespaces", "PrivateUsers", SK_CHANGE_ADD, NULL, check_userns_added },
  { "PrivateUsers (host root)", "PrivateUsers=require\n",
    CFG ("\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":0,"
         "\"size\":65536}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":65536}]}"),
    "linux.namespaces", "PrivateUsers", SK_CHANGE_CLAMP,
    "linux.namespaces: uid/gid mappings include host id 0 not allowed by PrivateUsers", check_userns_remapped },
  { "ReadOnlyRootfs", "ReadOnlyRootfs=yes\n", CFG ("\"mounts\":[]"), "root.readonly", "ReadOnlyRootfs",
    SK_CHANGE_CLAMP, "root.readonly: false not allowed by ReadOnlyRootfs", check_root_ro },
  { "WritablePaths", "WritablePaths=/tmp /run\n",
    "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\",\"readonly\":true},\"mounts\":[{\"destination\":"
    "\"/run/secrets/x\",\"type\":\"bind\",\"source\":\"/srv/x\",\"options\":[\"rbind\"]}]}",
    "mounts", "WritablePaths", SK_CHANGE_ADD, NULL, check_writable },
  { "MaskedPaths", "MaskedPaths=/proc/kcore /proc/keys\n",
    CFG ("\"linux\":{\"maskedPaths\":[\"/proc/keys\"]}"), "linux.maskedPaths", "MaskedPaths", SK_CHANGE_ADD, NULL,
    check_masked },
  { "ReadOnlyPaths", "ReadOnlyPaths=/proc/sys\n", CFG ("\"linux\":{}"), "linux.readonlyPaths", "ReadOnlyPaths",
    SK_CHANGE_ADD, NULL, check_readonly_paths },
  { "DenyBindSources", "DenyBindSources=/ /etc\n",
    CFG ("\"mounts\":[{\"destination\":\"/host\",\"type\":\"bind\",\"source\":\"//\"},"
         "{\"destination\":\"/x\",\"source\":\"/etc/../etc/passwd\",\"options\":[\"rbind\"]},"
         "{\"destination\":\"/srv\",\"type\":\"bind\",\"source\":\"/srv\"},"
         "{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"/etc\"}]"),
    "mounts", "DenyBindSources", SK_CHANGE_CLAMP,
    "mounts: // on /host, /etc/../etc/passwd on /x not allowed by DenyBindSources", check_deny_bind },
  { "BindMountFlags (added)", "BindMountFlags=nosuid,nodev\n",
    CFG ("\"mounts\":[{\"destination\":\"/srv\",\"type\":\"bind\",\"source\":\"/srv\",\"options\":[\"rbind\"]},"
         "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}]"),
    "mounts[0].options", "BindMountFlags", SK_CHANGE_ADD, NULL, check_bind_flags_added },
  { "BindMountFlags (clamped)", "BindMountFlags=nosuid\n",
    CFG ("\"mounts\":[{\"destination\":\"/srv\",\"type\":\"bind\",\"source\":\"/srv\",\"options\":[\"rbind\","
         "\"suid\"]}]"),
    "mounts[0].options", "BindMountFlags", SK_CHANGE_CLAMP,
    "mounts[0].options: rbind,suid not allowed by BindMountFlags", check_bind_flags_clamped },
  { "PrivateNamespaces", "PrivateNamespaces=pid ipc\n",
    CFG ("\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"ipc\",\"path\":\"/proc/1/ns/ipc\"}]}"),
    "linux.namespaces", "PrivateNamespaces", SK_CHANGE_CLAMP,
    "linux.namespaces: no pid namespace (the host's) not allowed by PrivateNamespaces", check_private_ns },
  { "JoinNamespaces", "JoinNamespaces=uts\n",
    CFG ("\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/42/ns/net\"},{\"type\":\"uts\","
         "\"path\":\"/proc/42/ns/uts\"}]}"),
    "linux.namespaces", "JoinNamespaces", SK_CHANGE_CLAMP,
    "linux.namespaces: join network namespace /proc/42/ns/net not allowed by JoinNamespaces", check_join },
  { "DeviceAllow", "DeviceAllow=/dev/fuse\n",
    CFG ("\"linux\":{\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229},"
         "{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0}],\"resources\":{\"devices\":["
         "{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,"
         "\"access\":\"rwm\"},{\"allow\":true,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"access\":\"m\"},"
         "{\"allow\":true,\"type\":\"c\",\"major\":10,\"access\":\"rw\"}]}}"),
    "linux.devices", "DeviceAllow", SK_CHANGE_CLAMP,
    "linux.devices: /dev/sda (b 8:0) not allowed by DeviceAllow", check_devices },
  { "SELinuxContext", "SELinuxContext=container_t\nSELinuxLevel=s0:c1,c2\n", CFG (PROC ("")),
    "process.selinuxLabel", "SELinuxContext", SK_CHANGE_ADD, NULL, check_selinux },
  { "SELinuxContext (clamped)", "SELinuxContext=container_t\nSELinuxLevel=s0:c1,c2\n",
    CFG (PROC (",\"selinuxLabel\":\"system_u:system_r:spc_t:s0\"")), "process.selinuxLabel", "SELinuxContext",
    SK_CHANGE_CLAMP, "process.selinuxLabel: system_u:system_r:spc_t:s0 not allowed by SELinuxContext",
    check_selinux },
  { "PidsMax (added)", "PidsMax=100\n", CFG ("\"linux\":{}"), "linux.resources.pids.limit", "PidsMax",
    SK_CHANGE_ADD, NULL, check_pids },
  { "PidsMax (clamped)", "PidsMax=100\n", CFG ("\"linux\":{\"resources\":{\"pids\":{\"limit\":5000}}}"),
    "linux.resources.pids.limit", "PidsMax", SK_CHANGE_CLAMP,
    "linux.resources.pids.limit: 5000 not allowed by PidsMax", check_pids },
  { "PidsMax (unlimited)", "PidsMax=100\n", CFG ("\"linux\":{\"resources\":{\"pids\":{\"limit\":-1}}}"),
    "linux.resources.pids.limit", "PidsMax", SK_CHANGE_CLAMP,
    "linux.resources.pids.limit: -1 (unlimited) not allowed by PidsMax", check_pids },
  { "RlimitNOFILE", "RlimitNOFILE=1024:4096\nRlimitCORE=0\n",
    CFG (PROC (",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1048576,\"hard\":1048576}]")),
    "process.rlimits", "RlimitNOFILE", SK_CHANGE_CLAMP,
    "process.rlimits: RLIMIT_NOFILE 1048576:1048576 not allowed by RlimitNOFILE", check_rlimits },
  { "SysctlAllow", "SysctlAllow=net.ipv4.ping_group_range kernel.shm*\n",
    CFG ("\"linux\":{\"sysctl\":{\"net.ipv4.ping_group_range\":\"0 1\",\"net.core.somaxconn\":\"1024\","
         "\"kernel.shmmax\":\"1\"}}"),
    "linux.sysctl", "SysctlAllow", SK_CHANGE_CLAMP,
    "linux.sysctl: net.core.somaxconn=1024 not allowed by SysctlAllow", check_sysctl },
  { "AllowHooks", "AllowHooks=no\n",
    CFG ("\"hooks\":{\"prestart\":[{\"path\":\"/usr/bin/setup\"}],\"poststop\":[{\"path\":\"/bin/x\"}]}"),
    "hooks.prestart", "AllowHooks", SK_CHANGE_CLAMP, "hooks.prestart: /usr/bin/setup not allowed by AllowHooks",
    check_hooks },
};

static void
run_mode (const struct merge_case *k, const char *mode)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *text = NULL, *before = NULL, *after = NULL;
  cleanup_profile struct sk_profile *p = NULL;
  cleanup_config struct oci_config *c = tu_config (k->config);
  cleanup_policy_report struct sk_policy_report r = { 0 };
  const struct sk_policy_change *ch;
  int rc;

  if (asprintf (&text, "Mode=%s\n%s", mode, k->profile) < 0 || c == NULL)
    {
      SK_CHECK (!"setup");
      return;
    }
  p = tu_profile (&t, text, &err);
  SK_CHECK (p != NULL);
  if (p == NULL)
    {
      printf ("# %s: %s\n", k->name, sk_error_msg (&err));
      return;
    }
  before = tu_digest (c);
  rc = sk_policy_apply (p, "ctr-1", c, &r, &err);
  after = tu_digest (c);
  ch = tu_find (&r, k->field, k->directive);
  if (ch == NULL || ch->kind != k->kind)
    printf ("# %s (%s): no %s change on %s/%s\n", k->name, mode, ch ? "matching" : "", k->field, k->directive);
  SK_CHECK (ch != NULL && ch->kind == k->kind);
  if (strcmp (mode, "complain") == 0 || (strcmp (mode, "strict") == 0 && k->kind == SK_CHANGE_CLAMP))
    SK_CHECK_STR (after, before); /* left identical */
  if (strcmp (mode, "strict") == 0 && k->kind == SK_CHANGE_CLAMP)
    {
      SK_CHECK (rc < 0);
      SK_CHECK_CONTAINS (sk_error_msg (&err), "profile t (strict): ");
      SK_CHECK_CONTAINS (sk_error_msg (&err), k->strict_msg);
      return;
    }
  SK_CHECK (rc == 0);
  if (rc < 0)
    printf ("# %s (%s): %s\n", k->name, mode, sk_error_msg (&err));
  if (strcmp (mode, "complain") != 0 && !k->check (c))
    {
      printf ("# %s (%s): config after the merge is not as expected:\n# %s\n", k->name, mode, after);
      SK_CHECK (!"check");
    }
}

/* One TAP point per case, named after it (SK_RUN only takes functions). */
static void
run_cases (void)
{
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      sk_test_cur_failed = 0;
      run_mode (&cases[i], "enforce");
      run_mode (&cases[i], "complain");
      run_mode (&cases[i], "strict");
      sk_test_n++;
      printf ("%s %d - merge %s in enforce, complain and strict\n", sk_test_cur_failed ? "not ok" : "ok", sk_test_n,
              cases[i].name);
      sk_test_failed_total += sk_test_cur_failed;
      fflush (stdout);
    }
}

/* A second merge of an enforced config changes nothing. */
static void
test_enforce_is_idempotent (void)
{
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      cleanup_error sk_error_t err = NULL;
      cleanup_profile struct sk_profile *p = tu_profile (&t, cases[i].profile, &err);
      cleanup_config struct oci_config *c = tu_config (cases[i].config);
      cleanup_policy_report struct sk_policy_report r = { 0 };

      SK_CHECK (p != NULL && c != NULL);
      if (p == NULL || c == NULL)
        continue;
      SK_CHECK (sk_policy_apply (p, "ctr-1", c, &r, &err) == 0);
      sk_policy_report_clear (&r);
      SK_CHECK (sk_policy_apply (p, "ctr-1", c, &r, &err) == 0);
      if (r.n != 0)
        printf ("# %s: second merge changed %s (%s)\n", cases[i].name, r.changes[0].field, r.changes[0].asked);
      SK_CHECK (r.n == 0);
    }
}

static void
test_private_users_no_refuses (void)
{
  static const char *const modes[] = { "enforce", "strict", "complain" };

  for (size_t i = 0; i < 3; i++)
    {
      cleanup_error sk_error_t err = NULL;
      cleanup_free char *text = NULL, *before = NULL, *after = NULL;
      cleanup_profile struct sk_profile *p = NULL;
      cleanup_config struct oci_config *c
          = tu_config (CFG ("\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,"
                            "\"hostID\":100000,\"size\":65536}],\"gidMappings\":[{\"containerID\":0,"
                            "\"hostID\":100000,\"size\":65536}]}"));
      cleanup_policy_report struct sk_policy_report r = { 0 };
      int rc;

      SK_CHECK (asprintf (&text, "Mode=%s\nPrivateUsers=no\nMaskedPaths=/x\n", modes[i]) > 0);
      p = tu_profile (&t, text, &err);
      SK_CHECK (p != NULL && c != NULL);
      if (p == NULL || c == NULL)
        continue;
      before = tu_digest (c);
      rc = sk_policy_apply (p, "id", c, &r, &err);
      after = tu_digest (c);
      SK_CHECK (tu_count_kind (&r, SK_CHANGE_REFUSE) == 1);
      SK_CHECK_STR (after, before);
      if (i < 2)
        {
          SK_CHECK (rc < 0);
          SK_CHECK_CONTAINS (sk_error_msg (&err), "1 violation: linux.namespaces: new user namespace not allowed "
                                                  "by PrivateUsers");
        }
      else
        SK_CHECK (rc == 0);
    }
}

/* A denied bind onto a writable path: the tmpfs replaces it, and complain
 * reports exactly that too. */
static void
test_denied_bind_on_writable_path (void)
{
  static const char *const modes[] = { "enforce", "complain" };

  for (size_t i = 0; i < 2; i++)
    {
      cleanup_error sk_error_t err = NULL;
      cleanup_free char *text = NULL;
      cleanup_profile struct sk_profile *p = NULL;
      cleanup_config struct oci_config *c
          = tu_config ("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\",\"readonly\":true},\"mounts\":["
                       "{\"destination\":\"/tmp\",\"type\":\"bind\",\"source\":\"/etc\"}]}");
      cleanup_policy_report struct sk_policy_report r = { 0 };

      SK_CHECK (asprintf (&text, "Mode=%s\nDenyBindSources=/etc\nWritablePaths=/tmp\n", modes[i]) > 0);
      p = tu_profile (&t, text, &err);
      SK_CHECK (p != NULL && c != NULL && sk_policy_apply (p, "id", c, &r, &err) == 0);
      SK_CHECK (r.n == 2 && tu_find (&r, "mounts", "WritablePaths") != NULL);
      if (i == 0)
        SK_CHECK (c != NULL && c->n_mounts == 1 && strcmp (c->mounts[0].type, "tmpfs") == 0);
    }
}

static void
test_join_rules (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_profile struct sk_profile *p
      = tu_profile (&t, "PrivateNamespaces=ipc net\nJoinNamespaces=ipc net user\n", &err);
  cleanup_config struct oci_config *c
      = tu_config (CFG ("\"linux\":{\"namespaces\":[{\"type\":\"ipc\",\"path\":\"/proc/77/ns/ipc\"},"
                        "{\"type\":\"network\",\"path\":\"/proc/self/ns/net\"},"
                        "{\"type\":\"user\",\"path\":\"/proc/77/ns/user\"}]}"));
  cleanup_policy_report struct sk_policy_report r = { 0 };

  SK_CHECK (p != NULL && c != NULL);
  if (p == NULL || c == NULL)
    return;
  SK_CHECK (sk_policy_apply (p, "id", c, &r, &err) == 0);
  /* Another container's ipc and user namespaces may be joined; the
   * runtime's own network namespace is the host's. */
  SK_CHECK (r.n == 1 && strcmp (r.changes[0].asked, "join network namespace /proc/self/ns/net") == 0);
  SK_CHECK (ns_of (c, OCI_NS_IPC)->path != NULL && ns_of (c, OCI_NS_USER)->path != NULL);
  SK_CHECK (ns_of (c, OCI_NS_NETWORK)->path == NULL);
  SK_CHECK (sk_profile_private_namespaces (p) == ((1u << OCI_NS_IPC) | (1u << OCI_NS_NETWORK)));
  sk_profile_free (p);
  sk_policy_report_clear (&r);
  /* A user namespace that may not be joined becomes a new one with maps. */
  p = tu_profile (&t, "JoinNamespaces=no\n", &err);
  SK_CHECK (p != NULL && sk_policy_apply (p, "id", c, &r, &err) == 0);
  SK_CHECK (tu_find (&r, "linux.namespaces", "JoinNamespaces") != NULL);
  SK_CHECK (ns_of (c, OCI_NS_USER)->path == NULL && c->linux_cfg->n_uid_mappings == 1);
  SK_CHECK (c->linux_cfg->uid_mappings[0].host_id != 0);
}

/* exec --process gets the process-side floor, in every mode. */
static void
test_exec_process (void)
{
  static const char json[] = "{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
                             "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_KILL\"],"
                             "\"effective\":[\"CAP_SYS_ADMIN\"]}}";
  static const char *const modes[] = { "enforce", "complain", "strict" };

  for (size_t i = 0; i < 3; i++)
    {
      cleanup_error sk_error_t err = NULL;
      cleanup_free char *text = NULL;
      cleanup_profile struct sk_profile *p = NULL;
      cleanup_policy_report struct sk_policy_report r = { 0 };
      struct oci_process *pr = NULL;
      int rc;

      SK_CHECK (asprintf (&text, "Mode=%s\nCapabilityBoundingSet=CAP_KILL\nNoNewPrivileges=yes\n"
                                 "SELinuxContext=container_t\nRlimitCORE=0\nMaskedPaths=/x\n", modes[i]) > 0);
      p = tu_profile (&t, text, &err);
      SK_CHECK (p != NULL && oci_process_parse_data (json, strlen (json), &pr, &err) == 0);
      if (p == NULL || pr == NULL)
        continue;
      rc = sk_policy_apply_process (p, "ctr", pr, &r, &err);
      SK_CHECK (tu_find (&r, "process.capabilities.bounding", "CapabilityBoundingSet") != NULL);
      SK_CHECK (tu_find (&r, "process.selinuxLabel", "SELinuxContext") != NULL);
      SK_CHECK (tu_find (&r, "linux.maskedPaths", "MaskedPaths") == NULL && r.n == 5);
      if (i == 0)
        SK_CHECK (rc == 0 && sk_strv_len (pr->capabilities->bounding) == 1 && pr->no_new_privileges
                  && pr->n_rlimits == 1 && pr->selinux_label != NULL);
      else if (i == 1)
        SK_CHECK (rc == 0 && sk_strv_len (pr->capabilities->bounding) == 2 && !pr->no_new_privileges);
      else
        {
          SK_CHECK (rc < 0 && sk_strv_len (pr->capabilities->bounding) == 2);
          SK_CHECK_CONTAINS (sk_error_msg (&err), "process.capabilities.effective: CAP_SYS_ADMIN not allowed by "
                                                  "CapabilityBoundingSet");
        }
      oci_process_free (pr);
    }
}

/* PrivateUsers=require adds a user namespace the engine did not plan for:
 * Docker's "every group may ping" range is fitted to the gids it maps. */
static void
test_ping_group_range_fits_the_userns (void)
{
  static const char *const cases[][2] = {
    { "0 2147483647", "0 65535" }, /* Docker's default: fitted */
    { "0 100", "0 100" },          /* already inside: untouched */
    { "1 0", "1 0" },              /* "nobody may ping": untouched */
  };

  for (size_t i = 0; i < 3; i++)
    {
      cleanup_error sk_error_t err = NULL;
      cleanup_free char *cfg = NULL;
      cleanup_profile struct sk_profile *p = tu_profile (&t, "PrivateUsers=require\n", &err);
      cleanup_config struct oci_config *c = NULL;
      cleanup_policy_report struct sk_policy_report r = { 0 };
      const struct sk_policy_change *ch = NULL;

      SK_CHECK (asprintf (&cfg, CFG ("\"linux\":{\"sysctl\":{\"net.ipv4.ping_group_range\":\"%s\"}}"), cases[i][0])
                > 0);
      c = tu_config (cfg);
      SK_CHECK (p != NULL && c != NULL);
      if (p == NULL || c == NULL)
        continue;
      SK_CHECK (sk_policy_apply (p, "id", c, &r, &err) == 0);
      SK_CHECK (c->linux_cfg->n_sysctl == 1);
      SK_CHECK_STR (c->linux_cfg->sysctl[0].value, cases[i][1]);
      for (size_t j = 0; j < r.n; j++)
        if (strcmp (r.changes[j].field, "linux.sysctl") == 0)
          ch = &r.changes[j];
      SK_CHECK ((ch != NULL) == (i == 0));
      if (ch != NULL)
        {
          SK_CHECK_STR (ch->directive, "PrivateUsers");
          SK_CHECK_STR (ch->result, "0 65535");
        }
    }
}

int
main (int argc, char **argv)
{
  if (tu_init (&t, argc, argv) < 0)
    return 99;
  run_cases ();
  SK_RUN (test_enforce_is_idempotent);
  SK_RUN (test_private_users_no_refuses);
  SK_RUN (test_denied_bind_on_writable_path);
  SK_RUN (test_join_rules);
  SK_RUN (test_exec_process);
  SK_RUN (test_ping_group_range_fits_the_userns);
  tu_done (&t);
  return sk_test_done ();
}
