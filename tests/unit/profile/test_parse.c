/* Profile parsing: every directive, composition, resets, comments, errors
 * with FILE:LINE and hints, include cycles, `show` round trips. */
#include "sk_test.h"
#include "profile_test_util.h"

#include <errno.h>
#include <stdlib.h>

#include "stockade/cleanup.h"

static struct tu t;

#define PARSE(text) tu_profile (&t, text, &err)

/* Parse TEXT, expect failure whose message contains WANT. */
#define CHECK_BAD(text, want)                                                   \
  do                                                                            \
    {                                                                           \
      cleanup_error sk_error_t err_ = NULL;                                     \
      struct sk_profile *p_ = tu_profile (&t, text, &err_);                     \
      SK_CHECK (p_ == NULL);                                                    \
      sk_profile_free (p_);                                                     \
      SK_CHECK_CONTAINS (sk_error_msg (&err_), want);                           \
    }                                                                           \
  while (0)

static const char every_directive[] = "# every directive once\n"
                                      "[Profile]\n"
                                      "Mode=strict\n"
                                      "SystemCallFilter=@basic-io @default\n"
                                      "SystemCallErrorNumber=ENOSYS\n"
                                      "SystemCallArgumentFilter=clone-no-namespaces personality-linux-only\n"
                                      "SystemCallArchitectures=native x86\n"
                                      "CapabilityBoundingSet=CAP_CHOWN CAP_KILL\n"
                                      "AmbientCapabilities=no\n"
                                      "NoNewPrivileges=yes\n"
                                      "PrivateUsers=require\n"
                                      "PrivateUsersRange=200000:655360\n"
                                      "ReadOnlyRootfs=yes\n"
                                      "WritablePaths=/tmp /var//tmp/\n"
                                      "MaskedPaths=/proc/kcore\n"
                                      "ReadOnlyPaths=/proc/sys\n"
                                      "DenyBindSources=/ /etc\n"
                                      "BindMountFlags=nosuid,nodev noexec\n"
                                      "PrivateNamespaces=pid net\n"
                                      "JoinNamespaces=ipc\n"
                                      "DeviceAllow=/dev/fuse c 136:* b 8:0\n"
                                      "SELinuxContext=container_t\n"
                                      "SELinuxLevel=s0:c1,c2\n"
                                      "SELinuxMountContext=container_file_t\n"
                                      "LandlockReadOnly=/usr /etc\n"
                                      "LandlockReadWrite=/tmp\n"
                                      "PidsMax=100\n"
                                      "RlimitNOFILE=1024:4096\n"
                                      "RlimitCORE=0\n"
                                      "RlimitSTACK=infinity\n"
                                      "SysctlAllow=net.ipv4.ping_group_range kernel.shm*\n"
                                      "AllowHooks=no\n";

static void
test_every_directive (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_profile struct sk_profile *p = PARSE (every_directive);

  SK_CHECK (p != NULL);
  if (p == NULL)
    {
      printf ("# %s\n", sk_error_msg (&err));
      return;
    }
  SK_CHECK (sk_profile_mode (p) == SK_PROFILE_STRICT);
  SK_CHECK_STR (sk_profile_name (p), "t");
  SK_CHECK (p->sc_set && !p->sc_deny_list);
  SK_CHECK (strset_has (p->sc_names, "read") && strset_has (p->sc_names, "brk"));
  SK_CHECK (!strset_has (p->sc_names, "mount"));
  SK_CHECK (p->sc_errno == ENOSYS);
  SK_CHECK (p->sc_argf == (SK_ARGF_CLONE_NO_NS | SK_ARGF_PERSONALITY_LINUX));
  SK_CHECK (strset_has (p->sc_archs, "SCMP_ARCH_X86"));
  SK_CHECK (sk_strv_len (p->sc_archs) == 2);
  SK_CHECK (p->cap_set && p->cap_mask == ((1u << 0) | (1u << 5)));
  SK_CHECK (p->ambient == 0 && p->no_new_privs == 1);
  SK_CHECK (sk_profile_private_users (p) == SK_PRIVATE_USERS_REQUIRE);
  SK_CHECK (p->userns_start == 200000 && p->userns_count == 655360);
  SK_CHECK (p->readonly_rootfs == 1);
  SK_CHECK (sk_strv_len (p->writable_paths) == 2);
  SK_CHECK_STR (p->writable_paths[1], "/var/tmp");
  SK_CHECK_STR (p->masked_paths[0], "/proc/kcore");
  SK_CHECK_STR (p->readonly_paths[0], "/proc/sys");
  SK_CHECK (sk_strv_len (p->deny_bind_sources) == 2);
  SK_CHECK (sk_strv_len (p->bind_flags) == 3 && strv_has (p->bind_flags, "noexec"));
  SK_CHECK (p->private_ns == ((1u << OCI_NS_PID) | (1u << OCI_NS_NETWORK)));
  SK_CHECK (p->join_set && p->join_ns == (1u << OCI_NS_IPC));
  SK_CHECK (p->devices_set && p->n_devices == 3);
  SK_CHECK (p->devices[0].type == 'c' && p->devices[0].major == 10 && p->devices[0].minor == 229);
  SK_CHECK (p->devices[1].minor == -1 && p->devices[2].type == 'b');
  SK_CHECK_STR (p->selinux_type, "container_t");
  SK_CHECK_STR (p->selinux_level, "s0:c1,c2");
  SK_CHECK_STR (p->selinux_mount_type, "container_file_t");
  SK_CHECK (sk_strv_len (p->landlock_ro) == 2 && sk_strv_len (p->landlock_rw) == 1);
  SK_CHECK (p->pids_max == 100);
  SK_CHECK (p->rlimits[7].set && p->rlimits[7].soft == 1024 && p->rlimits[7].hard == 4096);
  SK_CHECK (p->rlimits[4].set && p->rlimits[4].soft == 0 && p->rlimits[4].hard == 0);
  SK_CHECK (p->rlimits[3].soft == UINT64_MAX);
  SK_CHECK (p->sysctl_set && sk_strv_len (p->sysctl_allow) == 2);
  SK_CHECK (p->allow_hooks == 0);
  /* Every directive of the table appears in the test profile. */
  for (size_t i = 0; i < directive_count (); i++)
    {
      const char *name = directive_name (i);
      if (strcmp (name, "Include") != 0 && strncmp (name, "Rlimit", 6) != 0)
        SK_CHECK_CONTAINS (every_directive, name);
    }
}

static void
test_syntax (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_profile struct sk_profile *p = PARSE ("; a comment\n"
                                                "   # indented comment\n"
                                                "\n"
                                                "[Profile]\n"
                                                "  NoNewPrivileges = yes  \n"
                                                "MaskedPaths=/a \\\n"
                                                "  /b\n"
                                                "PidsMax=7\n");

  SK_CHECK (p != NULL);
  if (p == NULL)
    return;
  SK_CHECK (p->no_new_privs == 1);
  SK_CHECK (sk_strv_len (p->masked_paths) == 2);
  SK_CHECK (p->pids_max == 7);
  /* Unset directives constrain nothing. */
  SK_CHECK (p->ambient == SK_UNSET && !p->cap_set && !p->sc_set && !p->devices_set);
  SK_CHECK (sk_profile_mode (p) == SK_PROFILE_ENFORCE);
}

static void
test_lists_accumulate_and_reset (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_profile struct sk_profile *p = PARSE ("MaskedPaths=/a\n"
                                                "MaskedPaths=/b /a\n"
                                                "ReadOnlyPaths=/x\n"
                                                "ReadOnlyPaths=\n"
                                                "ReadOnlyPaths=/y\n"
                                                "SystemCallFilter=@basic-io\n"
                                                "SystemCallFilter=~write writev\n"
                                                "SystemCallFilter=mount\n"
                                                "CapabilityBoundingSet=~CAP_SYS_ADMIN\n"
                                                "CapabilityBoundingSet=~CAP_NET_RAW\n"
                                                "DeviceAllow=c 1:1\n"
                                                "DeviceAllow=\n"
                                                "SysctlAllow=a.b\n"
                                                "SysctlAllow=\n");

  SK_CHECK (p != NULL);
  if (p == NULL)
    return;
  SK_CHECK (sk_strv_len (p->masked_paths) == 2);
  SK_CHECK (sk_strv_len (p->readonly_paths) == 1 && strcmp (p->readonly_paths[0], "/y") == 0);
  SK_CHECK (strset_has (p->sc_names, "read") && !strset_has (p->sc_names, "write"));
  SK_CHECK (!strset_has (p->sc_names, "writev") && strset_has (p->sc_names, "mount"));
  SK_CHECK (p->cap_set && !(p->cap_mask & (1ull << 21)) && !(p->cap_mask & (1ull << 13)));
  SK_CHECK (p->cap_mask & 1ull);
  /* Allow-lists reset to empty, still in force. */
  SK_CHECK (p->devices_set && p->n_devices == 0);
  SK_CHECK (p->sysctl_set && p->sysctl_allow == NULL);
  sk_profile_free (p);

  p = PARSE ("SystemCallFilter=~@mount\nSystemCallFilter=umount2\nCapabilityBoundingSet=\n"
             "CapabilityBoundingSet=CAP_KILL\n");
  SK_CHECK (p != NULL && p->sc_deny_list && strset_has (p->sc_names, "mount"));
  SK_CHECK (p != NULL && !strset_has (p->sc_names, "umount2"));
  SK_CHECK (p != NULL && p->cap_mask == (1ull << 5));
  sk_profile_free (p);
  p = PARSE ("SystemCallFilter=@mount\nSystemCallFilter=\nCapabilityBoundingSet=\n");
  SK_CHECK (p != NULL && !p->sc_set && p->cap_set && p->cap_mask == 0);
}

static void
test_include (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *base = tu_write (&t, "base.profile", "NoNewPrivileges=yes\nMaskedPaths=/a\nPidsMax=10\n");
  cleanup_free char *sub = NULL;
  cleanup_profile struct sk_profile *p = NULL;

  SK_CHECK (base != NULL);

  p = PARSE ("Include=base\nMaskedPaths=/b\nPidsMax=20\n");
  SK_CHECK (p != NULL);
  if (p == NULL)
    {
      printf ("# %s\n", sk_error_msg (&err));
      return;
    }
  SK_CHECK (p->no_new_privs == 1 && p->pids_max == 20);
  SK_CHECK (sk_strv_len (p->masked_paths) == 2);
  SK_CHECK (sk_strv_len (p->files) == 2);
  sk_profile_free (p);
  /* A relative path is relative to the including file; shipped profiles are
   * found through the search path. */
  sub = tu_write (&t, "inc.conf", "AllowHooks=no\n");
  SK_CHECK (sub != NULL);
  p = PARSE ("Include=./inc.conf\nInclude=default\nMode=complain\n");
  SK_CHECK (p != NULL && p->allow_hooks == 1 && sk_profile_mode (p) == SK_PROFILE_COMPLAIN);
  SK_CHECK (p != NULL && p->sc_set && sk_strv_len (p->files) == 3);
  sk_profile_free (p);
  p = PARSE ("Include=nonesuch\n");
  SK_CHECK (p == NULL);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "t.profile:1: Include=nonesuch");
  SK_CHECK_CONTAINS (sk_error_msg (&err), "nonesuch.profile not found");
  /* A profile that includes default (PrivateUsers=require with a range)
   * turns the user namespace off with an empty PrivateUsersRange=. */
  p = PARSE ("Include=default\nPrivateUsersRange=\nPrivateUsers=allow\n");
  SK_CHECK (p != NULL && !p->userns_range_set && sk_profile_private_users (p) == SK_PRIVATE_USERS_ALLOW);
  sk_profile_free (p);
  p = PARSE ("Include=default\nPrivateUsers=allow\n");
  SK_CHECK (p == NULL);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "PrivateUsersRange= needs PrivateUsers=require");
}

static void
test_include_cycles (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *a = tu_write (&t, "cyc-a.profile", "PidsMax=1\nInclude=cyc-b\n");
  cleanup_free char *b = tu_write (&t, "cyc-b.profile", "\nInclude=cyc-a\n");
  cleanup_free char *self = tu_write (&t, "self.profile", "Include=self.profile\n");
  struct sk_profile *p = NULL;

  SK_CHECK (a != NULL && b != NULL && self != NULL);

  SK_CHECK (sk_profile_parse_file (a, t.dirs, &p, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "cyc-b.profile:2: Include=cyc-a: include cycle: ");
  SK_CHECK_CONTAINS (sk_error_msg (&err), "cyc-a.profile -> ");
  SK_CHECK_CONTAINS (sk_error_msg (&err), "cyc-b.profile -> ");
  SK_CHECK (sk_profile_parse_file (self, t.dirs, &p, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "self.profile:1: Include=self.profile: include cycle");
  /* The same file twice, not nested, is no cycle. */
  p = PARSE ("Include=base\nInclude=base\n");
  SK_CHECK (p != NULL);
  sk_profile_free (p);
}

static void
test_unknown_directive_hints (void)
{
  CHECK_BAD ("# x\nMode=enforce\nNoNewPrivilege=yes\n",
             "t.profile:3: unknown directive \"NoNewPrivilege\"; did you mean \"NoNewPrivileges\"?");
  CHECK_BAD ("nonewprivileges=yes\n", "did you mean \"NoNewPrivileges\"?");
  CHECK_BAD ("CapabilityBoundSet=\n", "did you mean \"CapabilityBoundingSet\"?");
  CHECK_BAD ("RlimitNOFLE=1\n", "did you mean \"RlimitNOFILE\"?");
  CHECK_BAD ("Frobnicate=1\n", "t.profile:1: unknown directive \"Frobnicate\" (see stockade-profile(5))");
  CHECK_BAD ("[Service]\n", "t.profile:1: unknown section [Service]; the only section is [Profile]");
  CHECK_BAD ("[Profile\n", "unknown section [Profile;");
  CHECK_BAD ("PidsMax=1\n[Profile]\n", "t.profile:2: [Profile] must come before the first setting");
  CHECK_BAD ("\n\nNoNewPrivileges\n", "t.profile:3: \"NoNewPrivileges\": expected Key=Value");
  CHECK_BAD ("=yes\n", "missing directive name");
}

static void
test_bad_values (void)
{
  CHECK_BAD ("NoNewPrivileges=maybe\n", "t.profile:1: NoNewPrivileges=maybe: expected yes or no");
  CHECK_BAD ("Mode=enforced\n", "expected one of: enforce, strict, complain; did you mean \"enforce\"?");
  CHECK_BAD ("PrivateUsers=required\n", "did you mean \"require\"?");
  CHECK_BAD ("CapabilityBoundingSet=CAP_SYS_ADMN\n",
             "unknown capability \"CAP_SYS_ADMN\"; did you mean \"CAP_SYS_ADMIN\"?");
  CHECK_BAD ("SystemCallFilter=read opne\n", "unknown system call \"opne\"; did you mean \"open\"?");
  CHECK_BAD ("SystemCallFilter=@sytem-service\n", "did you mean \"@system-service\"?");
  CHECK_BAD ("SystemCallErrorNumber=EPRM\n", "did you mean \"EPERM\"?");
  CHECK_BAD ("SystemCallArgumentFilter=clone-no-namespace\n", "did you mean \"clone-no-namespaces\"?");
  CHECK_BAD ("SystemCallArchitectures=vax\n", "unknown architecture \"vax\"");
  CHECK_BAD ("MaskedPaths=proc/kcore\n", "\"proc/kcore\": expected an absolute path");
  CHECK_BAD ("PrivateUsersRange=0:65536\nPrivateUsers=require\n", "must not contain host uid 0");
  CHECK_BAD ("PrivateUsersRange=100000:10\n", "at least one slice");
  CHECK_BAD ("PrivateUsersRange=4294950000:65536\n", "ends past the last host uid");
  CHECK_BAD ("PrivateUsersRange=100000\n", "expected START:COUNT");
  CHECK_BAD ("BindMountFlags=nosuid,nodve\n", "unknown bind mount flag \"nodve\"; did you mean \"nodev\"?");
  CHECK_BAD ("PrivateNamespaces=pid user\n", "PrivateUsers=require");
  CHECK_BAD ("PrivateNamespaces=pidd\n", "unknown namespace \"pidd\"");
  CHECK_BAD ("JoinNamespaces=perhaps\n", "expected yes, no or a list of namespaces");
  CHECK_BAD ("DeviceAllow=/dev/sda\n", "use the \"c MAJOR:MINOR\" form");
  CHECK_BAD ("DeviceAllow=c 10\n", "expected \"c MAJOR:MINOR\"");
  CHECK_BAD ("SELinuxContext=container_t:s0\n", "expected an SELinux type");
  CHECK_BAD ("SELinuxContext=container_t\nSELinuxLevel=s0:c5,c2\n", "expected auto or s0:cA,cB");
  CHECK_BAD ("SELinuxLevel=auto\n", "SELinuxLevel= and SELinuxMountContext= need SELinuxContext=");
  CHECK_BAD ("PrivateUsersRange=100000:65536\n", "PrivateUsersRange= needs PrivateUsers=require");
  CHECK_BAD ("PidsMax=0\n", "PidsMax=0: expected a positive number");
  CHECK_BAD ("PidsMax=-5\n", "expected a positive number");
  CHECK_BAD ("RlimitNOFILE=10:5\n", "soft limit is above the hard limit");
  CHECK_BAD ("RlimitCORE=lots\n", "expected SOFT[:HARD]");
  CHECK_BAD ("SysctlAllow=kernel/../x\n", "expected a sysctl key");
  CHECK_BAD ("Include=\n", "expected a profile name or path");
  /* Long values are not repeated, the bad word is named. */
  CHECK_BAD ("SystemCallFilter=read write openat close fstat mmap munmap brk frob\n",
             "SystemCallFilter=: unknown system call \"frob\"");
}

static void
test_groups_file (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *good = tu_write (&t, "groups-good.conf", "# test groups\n@a = x @b\n@b = y \\\n  z\n@c = @a w\n");
  cleanup_free char *cyc = tu_write (&t, "groups-cyc.conf", "@a = x @b\n@b = @a\n");
  cleanup_free char *unk = tu_write (&t, "groups-unk.conf", "@a = x @bb\n@b = y\n");
  cleanup_free char *dup = tu_write (&t, "groups-dup.conf", "@a = x\n@a = y\n");
  cleanup_free char *bad = tu_write (&t, "groups-bad.conf", "@a = X\n");
  struct sk_syscall_groups *g = NULL;

  SK_CHECK (syscall_groups_load (good, &g, &err) == 0);
  if (g != NULL)
    {
      char *const *c = syscall_groups_get (g, "@c");
      SK_CHECK (c != NULL && sk_strv_len (c) == 4);
      SK_CHECK (c != NULL && strset_has (c, "y") && strset_has (c, "z") && strset_has (c, "w"));
      SK_CHECK (syscall_groups_known (g, "z") && !syscall_groups_known (g, "q"));
      SK_CHECK (syscall_groups_get (g, "@nope") == NULL);
      syscall_groups_free (g);
    }
  SK_CHECK (syscall_groups_load (cyc, &g, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "makes a cycle of groups");
  SK_CHECK (syscall_groups_load (unk, &g, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "groups-unk.conf:1: @a: unknown group @bb; did you mean @b?");
  SK_CHECK (syscall_groups_load (dup, &g, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "groups-dup.conf:2: @a defined twice");
  SK_CHECK (syscall_groups_load (bad, &g, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "neither a system call nor a @group");
}

/* More names than one 64-bit word holds, listed out of order and repeated
 * across groups, tabs between words: every expansion is the sorted set of
 * its names, a nested group adds its members, lookups return the table's
 * own copy. */
static void
test_groups_many_names (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *path = NULL;
  struct sbuf text = { 0 };
  cleanup_free char *conf = NULL;
  struct sk_syscall_groups *g = NULL;
  char name[16];

  /* @odd: n129 n127 ... n001 (descending); @low: n000..n069 (ascending);
   * @all = @odd @low n200 n000 */
  sbuf_printf (&text, "@odd =");
  for (int i = 129; i >= 1; i -= 2)
    sbuf_printf (&text, "%sn%03d", i % 3 == 0 ? "\t" : " ", i);
  sbuf_printf (&text, "\n@low =");
  for (int i = 0; i < 70; i++)
    sbuf_printf (&text, " n%03d%s", i, i % 10 == 9 ? " \\\n" : "");
  sbuf_printf (&text, "\n@all = @odd @low n200 n000\n");
  SK_CHECK (sbuf_finish (&text, &conf, NULL, &err) == 0);
  path = tu_write (&t, "groups-many.conf", conf);
  SK_CHECK (path != NULL && syscall_groups_load (path, &g, &err) == 0);
  if (g == NULL)
    return;
  char *const *odd = syscall_groups_get (g, "@odd"), *const *low = syscall_groups_get (g, "@low");
  char *const *all = syscall_groups_get (g, "@all");
  SK_CHECK (sk_strv_len (odd) == 65 && sk_strv_len (low) == 70);
  for (size_t i = 0; odd != NULL && i < 65; i++)
    {
      snprintf (name, sizeof name, "n%03zu", 2 * i + 1);
      SK_CHECK_STR (odd[i], name);
    }
  for (size_t i = 0; low != NULL && i < 70; i++)
    {
      snprintf (name, sizeof name, "n%03zu", i);
      SK_CHECK_STR (low[i], name);
    }
  /* n000..n069, the odd ones up to n129, n200. */
  SK_CHECK (sk_strv_len (all) == 70 + 30 + 1);
  for (size_t i = 1; all != NULL && all[i] != NULL; i++)
    SK_CHECK (strcmp (all[i - 1], all[i]) < 0);
  SK_CHECK (all != NULL && strcmp (all[0], "n000") == 0 && strcmp (all[100], "n200") == 0);
  SK_CHECK (strset_has (all, "n129") && strset_has (all, "n069") && !strset_has (all, "n128"));
  SK_CHECK (syscall_groups_find (g, "n127") == odd[63] && syscall_groups_find (g, "n128") == NULL);
  SK_CHECK (syscall_groups_find (g, "n000") == all[0] && all[0] == low[0]);
  SK_CHECK (syscall_groups_known (g, "n200") && !syscall_groups_known (g, "n201"));
  SK_CHECK_STR (syscall_groups_nearest (g, "n20x"), "n200");
  syscall_groups_free (g);
}

/* show -> parse -> show gives the same text. */
static void
check_roundtrip (struct sk_profile *p)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *one = NULL, *two = NULL, *s1 = NULL, *s2 = NULL;
  cleanup_profile struct sk_profile *q = NULL;

  SK_CHECK (sk_profile_show (p, &one, &err) == 0);
  if (one == NULL)
    return;
  q = tu_profile_named (&t, "again", one, &err);
  SK_CHECK (q != NULL);
  if (q == NULL)
    {
      printf ("# %s\n", sk_error_msg (&err));
      return;
    }
  SK_CHECK (sk_profile_show (q, &two, &err) == 0);
  s1 = tu_strip_comments (one);
  s2 = tu_strip_comments (two);
  SK_CHECK_STR (s2, s1);
}

static void
test_show_roundtrip (void)
{
  static const char *const shipped[] = { "default", "strict", "complain" };
  cleanup_error sk_error_t err = NULL;
  struct sk_profile *p = PARSE (every_directive);
  cleanup_free char *text = NULL;

  SK_CHECK (p != NULL);
  if (p != NULL)
    {
      check_roundtrip (p);
      SK_CHECK (sk_profile_show (p, &text, &err) == 0);
      SK_CHECK_CONTAINS (text, "\nDeviceAllow=c 10:229 c 136:* b 8:0\n");
      SK_CHECK_CONTAINS (text, "\nSystemCallArchitectures=");
      SK_CHECK_CONTAINS (text, "\nRlimitSTACK=infinity:infinity\n");
      SK_CHECK_CONTAINS (text, "\nJoinNamespaces=ipc\n");
    }
  sk_profile_free (p);
  for (size_t i = 0; i < 3; i++)
    {
      p = tu_shipped (&t, shipped[i], &err);
      SK_CHECK (p != NULL);
      if (p != NULL)
        check_roundtrip (p);
      sk_profile_free (p);
    }
  /* Edge cases: empty allow-list, empty deny-list, deny-list form. */
  p = PARSE ("SystemCallFilter=read\nSystemCallFilter=~read\nCapabilityBoundingSet=\nJoinNamespaces=yes\n");
  SK_CHECK (p != NULL && p->sc_set && sk_strv_len (p->sc_names) == 0);
  if (p != NULL)
    check_roundtrip (p);
  sk_profile_free (p);
  p = PARSE ("SystemCallFilter=~@mount @reboot\nSystemCallErrorNumber=kill\nDeviceAllow=\nSysctlAllow=\n");
  if (p != NULL)
    check_roundtrip (p);
  sk_profile_free (p);
}

static void
test_load_by_name (void)
{
  cleanup_error sk_error_t err = NULL;
  const char *only_shipped[] = { t.profiles, NULL };
  struct sk_profile *p = NULL;

  SK_CHECK (sk_profile_load ("default", only_shipped, &p, &err) == 0);
  SK_CHECK (p != NULL && strcmp (sk_profile_name (p), "default") == 0);
  sk_profile_free (p);
  p = NULL;
  SK_CHECK (sk_profile_load ("strict.profile", only_shipped, &p, &err) == 0);
  SK_CHECK (p != NULL && strcmp (sk_profile_name (p), "strict") == 0);
  sk_profile_free (p);
  p = NULL;
  SK_CHECK (sk_profile_load ("nope", only_shipped, &p, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "profile nope: nope.profile not found in");
  SK_CHECK (sk_profile_load ("", only_shipped, &p, &err) < 0);
  SK_CHECK (sk_profile_load ("..", only_shipped, &p, &err) < 0);
  SK_CHECK (sk_profile_load ("/nonexistent/x.profile", only_shipped, &p, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "/nonexistent/x.profile");
  /* Without a group table the filter cannot be expanded. */
  {
    cleanup_free char *path = tu_write (&t, "lonely.profile", "SystemCallFilter=read\n");
    const char *none[] = { "/nonexistent", NULL };
    SK_CHECK (sk_profile_parse_file (path, none, &p, &err) < 0);
    SK_CHECK_CONTAINS (sk_error_msg (&err), "lonely.profile:1: SystemCallFilter: syscall-groups.conf not found");
  }
  SK_CHECK (sk_profile_default_search_dirs ()[0] != NULL);
}

int
main (int argc, char **argv)
{
  if (tu_init (&t, argc, argv) < 0)
    return 99;
  SK_RUN (test_every_directive);
  SK_RUN (test_syntax);
  SK_RUN (test_lists_accumulate_and_reset);
  SK_RUN (test_include);
  SK_RUN (test_include_cycles);
  SK_RUN (test_unknown_directive_hints);
  SK_RUN (test_bad_values);
  SK_RUN (test_groups_file);
  SK_RUN (test_groups_many_names);
  SK_RUN (test_show_roundtrip);
  SK_RUN (test_load_by_name);
  tu_done (&t);
  return sk_test_done ();
}
