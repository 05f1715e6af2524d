/* The shipped profiles/ directory: every file lints clean, the group table
 * expands, @system-service is at least as strict as Docker's default
 * seccomp profile, and each shipped profile says what its comments say. */
#include "sk_test.h"
#include "profile_test_util.h"

#include <dirent.h>
#include <stdlib.h>

#include "stockade/cleanup.h"

static struct tu t;

/* What Docker's default profile denies and the floor must deny too. */
static const char *const docker_denied[] = {
  "mount", "umount2", "umount", "reboot", "kexec_load", "kexec_file_load", "init_module", "finit_module",
  "delete_module", "bpf", "perf_event_open", "add_key", "request_key", "keyctl", "ptrace", "process_vm_readv",
  "process_vm_writev", "swapon", "swapoff", "settimeofday", "clock_settime", "clock_settime64", "adjtimex",
  "clock_adjtime", "stime", "pivot_root", "setns", "open_by_handle_at", "name_to_handle_at", "userfaultfd",
  "acct", "quotactl", "quotactl_fd", "lookup_dcookie", "iopl", "ioperm", "create_module", "get_kernel_syms",
  "query_module", "uselib", "ustat", "sysfs", "_sysctl", "vm86", "vm86old", "nfsservctl", "kcmp", "move_pages",
  "migrate_pages", "mbind", "set_mempolicy", "fanotify_init", "syslog", "pidfd_getfd", "process_madvise",
  "fsopen", "fsmount", "fsconfig", "fspick", "move_mount", "open_tree", "mount_setattr", "sethostname",
  "setdomainname", "vhangup", "io_uring_setup", "io_uring_enter", "io_uring_register", "modify_ldt",
};

static void
test_shipped_lint_clean (void)
{
  DIR *d = opendir (t.profiles);
  struct dirent *e;
  size_t n = 0;

  SK_CHECK (d != NULL);
  while (d != NULL && (e = readdir (d)) != NULL)
    {
      cleanup_error sk_error_t err = NULL;
      cleanup_free char *path = NULL;
      struct sk_profile *p = NULL;
      size_t len = strlen (e->d_name);

      if (len < 9 || strcmp (e->d_name + len - 8, ".profile") != 0)
        continue;
      SK_CHECK (asprintf (&path, "%s/%s", t.profiles, e->d_name) > 0);
      /* Only the shipped directory: no help from the test's own files. */
      if (sk_profile_parse_file (path, (const char *[]){ t.profiles, NULL }, &p, &err) < 0)
        printf ("# %s: %s\n", e->d_name, sk_error_msg (&err));
      SK_CHECK (p != NULL);
      sk_profile_free (p);
      n++;
    }
  if (d != NULL)
    closedir (d);
  SK_CHECK (n >= 3);
}

static struct sk_syscall_groups *
shipped_groups (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *path = NULL;
  struct sk_syscall_groups *g = NULL;

  if (asprintf (&path, "%s/syscall-groups.conf", t.profiles) < 0 || syscall_groups_load (path, &g, &err) < 0)
    printf ("# %s\n", sk_error_msg (&err));
  return g;
}

/* strset_add and strset_union_borrowed keep a set sorted and free of
 * duplicates; the union takes the other set's pointers, not copies, and
 * strset_remove_borrowed frees nothing. */
static void
test_strset_sorted_union (void)
{
  static const char *const adds[] = { "mmap", "brk", "read", "brk", "close", "zzz", "aaa" };
  char *first[] = { "brk", "close", "mmap", "read", "zzz", NULL };
  char *other_words[] = { "aaa", "bind", "read", "write", NULL };
  cleanup_strv char **owned = NULL;
  cleanup_free char **set = NULL;
  cleanup_free char *joined = NULL;

  for (size_t i = 0; i < sizeof adds / sizeof adds[0]; i++)
    SK_CHECK (strset_add (&owned, adds[i]) == 0);
  joined = strv_join (owned, " ");
  SK_CHECK_STR (joined, "aaa brk close mmap read zzz");
  SK_CHECK (strset_union_borrowed (&set, first) == 0);
  SK_CHECK (strset_union_borrowed (&set, other_words) == 0);
  free (joined);
  joined = strv_join (set, " ");
  SK_CHECK_STR (joined, "aaa bind brk close mmap read write zzz");
  /* "read" is in both: the set keeps the pointer it had. */
  SK_CHECK (set[0] == other_words[0] && set[1] == other_words[1] && set[5] == first[3] && set[6] == other_words[3]);
  SK_CHECK (strset_union_borrowed (&set, NULL) == 0);
  SK_CHECK (sk_strv_len (set) == 8);
  for (size_t i = 0; set[i] != NULL; i++)
    SK_CHECK (strset_has (set, set[i]));
  SK_CHECK (!strset_has (set, "open"));
  strset_remove_borrowed (set, "brk");
  strset_remove_borrowed (set, "zzz");
  strset_remove_borrowed (set, "open");
  free (joined);
  joined = strv_join (set, " ");
  SK_CHECK_STR (joined, "aaa bind close mmap read write");
  SK_CHECK (first[0] != NULL && strcmp (first[0], "brk") == 0);
}

static void
test_groups_expand (void)
{
  static const char *const required[] = {
    "@system-service", "@mount", "@privileged", "@module", "@raw-io", "@reboot", "@swap", "@clock", "@debug",
    "@keyring", "@obsolete", "@cpu-emulation", "@basic-io", "@file-system", "@io-event", "@ipc", "@network-io",
    "@process", "@signal", "@timer", "@resources", "@sync", "@memlock", "@setuid", "@aio", "@chown", "@default",
  };
  struct sk_syscall_groups *g = shipped_groups ();

  SK_CHECK (g != NULL);
  if (g == NULL)
    return;
  for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
    {
      char *const *m = syscall_groups_get (g, required[i]);
      if (m == NULL || m[0] == NULL)
        printf ("# group %s missing or empty\n", required[i]);
      SK_CHECK (m != NULL && m[0] != NULL);
    }
  /* Nested: @privileged holds @chown's and @clock's members. */
  SK_CHECK (strset_has (syscall_groups_get (g, "@privileged"), "fchownat"));
  SK_CHECK (strset_has (syscall_groups_get (g, "@privileged"), "clock_settime"));
  SK_CHECK (strset_has (syscall_groups_get (g, "@system-service"), "read"));
  SK_CHECK (strset_has (syscall_groups_get (g, "@system-service"), "brk"));
  /* Every Docker-denied call is a known name (so profiles may deny it). */
  for (size_t i = 0; i < sizeof docker_denied / sizeof docker_denied[0]; i++)
    SK_CHECK (syscall_groups_known (g, docker_denied[i]));
  syscall_groups_free (g);
}

static void
test_system_service_at_least_as_strict_as_docker (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *path = NULL, *text = NULL;
  cleanup_strv char **docker = NULL, **words = NULL;
  struct sk_syscall_groups *g = shipped_groups ();
  char *const *svc;

  SK_CHECK (g != NULL && asprintf (&path, "%s/docker-default-allow.txt", t.src) > 0);
  if (g == NULL || path == NULL || lex_read_file (path, &text, NULL, &err) < 0)
    {
      printf ("# %s\n", sk_error_msg (&err));
      SK_CHECK (!"fixture");
      syscall_groups_free (g);
      return;
    }
  /* Drop comment lines, keep the words. */
  for (char *line = strtok (text, "\n"); line != NULL; line = strtok (NULL, "\n"))
    {
      if (line[0] == '#')
        continue;
      sk_strv_free (words);
      words = NULL;
      SK_CHECK (lex_words (line, false, &words, &err) == 0);
      for (size_t i = 0; words != NULL && words[i] != NULL; i++)
        SK_CHECK (strset_add (&docker, words[i]) == 0);
    }
  SK_CHECK (sk_strv_len (docker) > 300);
  svc = syscall_groups_get (g, "@system-service");
  for (size_t i = 0; svc != NULL && svc[i] != NULL; i++)
    {
      /* The one exception: Docker allows unshare() only with CAP_SYS_ADMIN;
       * the shipped profiles allow it without CLONE_NEW* flags
       * (clone-no-namespaces, checked in test_default_profile), which only
       * unshares the caller's own fs/files state. */
      if (strcmp (svc[i], "unshare") == 0)
        continue;
      if (!strset_has (docker, svc[i]))
        printf ("# @system-service allows %s, Docker's default does not\n", svc[i]);
      SK_CHECK (strset_has (docker, svc[i]));
    }
  for (size_t i = 0; i < sizeof docker_denied / sizeof docker_denied[0]; i++)
    {
      if (strset_has (svc, docker_denied[i]))
        printf ("# @system-service allows %s\n", docker_denied[i]);
      SK_CHECK (!strset_has (svc, docker_denied[i]));
    }
  syscall_groups_free (g);
}

static void
test_default_profile (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_profile struct sk_profile *p = tu_shipped (&t, "default", &err);
  struct oci_seccomp *s;
  uint64_t want = 0;
  static const char *const caps[] = { "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
                                      "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
                                      "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_SETFCAP" };

  SK_CHECK (p != NULL);
  if (p == NULL)
    return;
  for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
    want |= 1ull << sk_profile_cap_from_name (caps[i]);
  SK_CHECK (sk_profile_mode (p) == SK_PROFILE_ENFORCE);
  SK_CHECK (p->cap_set && p->cap_mask == want);
  SK_CHECK (p->no_new_privs == 1 && p->readonly_rootfs == 1 && p->allow_hooks == 1);
  SK_CHECK (sk_profile_private_users (p) == SK_PRIVATE_USERS_REQUIRE);
  SK_CHECK (strv_has (p->writable_paths, "/tmp") && strv_has (p->writable_paths, "/run"));
  SK_CHECK (strv_has (p->deny_bind_sources, "/") && strv_has (p->deny_bind_sources, "/var/run/docker.sock"));
  SK_CHECK (strv_has (p->deny_bind_sources, "/etc") && strv_has (p->deny_bind_sources, "/proc"));
  SK_CHECK (p->pids_max == 4096 && p->rlimits[4].set && p->rlimits[4].hard == 0);
  SK_CHECK (p->join_set && (p->join_ns & (1u << OCI_NS_NETWORK)) && !(p->join_ns & (1u << OCI_NS_PID)));
  SK_CHECK (p->private_ns & (1u << OCI_NS_PID));
  SK_CHECK (p->sc_argf & SK_ARGF_CLONE_NO_NS);
  SK_CHECK (p->sc_argf & SK_ARGF_PERSONALITY_LINUX);
  SK_CHECK (p->sc_argf & SK_ARGF_SOCKET_NO_VSOCK);
  /* The seccomp filter never allows a Docker-denied call unconditionally. */
  s = sk_profile_seccomp (p, &err);
  SK_CHECK (s != NULL);
  for (size_t i = 0; s != NULL && i < sizeof docker_denied / sizeof docker_denied[0]; i++)
    SK_CHECK (!tu_seccomp_allows (s, docker_denied[i]));
  SK_CHECK (s != NULL && !tu_seccomp_allows (s, "unshare") && !tu_seccomp_allows (s, "clone"));
  SK_CHECK (s != NULL && !tu_seccomp_allows (s, "clone3") && !tu_seccomp_allows (s, "personality"));
  sk_profile_seccomp_free (s);
}

static void
test_strict_and_complain_profiles (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_profile struct sk_profile *s = tu_shipped (&t, "strict", &err);
  cleanup_profile struct sk_profile *c = tu_shipped (&t, "complain", &err);
  cleanup_profile struct sk_profile *d = tu_shipped (&t, "default", &err);
  cleanup_free char *cs = NULL, *ds = NULL, *c2 = NULL, *d2 = NULL;

  SK_CHECK (s != NULL && c != NULL && d != NULL);
  if (s == NULL || c == NULL || d == NULL)
    return;
  SK_CHECK (sk_profile_mode (s) == SK_PROFILE_STRICT);
  SK_CHECK (s->cap_set && s->cap_mask == 0 && s->ambient == 0);
  SK_CHECK (s->private_ns & (1u << OCI_NS_NETWORK));
  SK_CHECK (s->join_set && s->join_ns == 0);
  SK_CHECK (s->allow_hooks == 0 && s->devices_set && s->n_devices == 0);
  SK_CHECK (sk_profile_private_users (s) == SK_PRIVATE_USERS_REQUIRE);
  SK_CHECK (strv_has (s->landlock_rw, "/tmp") && strv_has (s->landlock_ro, "/"));
  SK_CHECK (!strset_has (s->sc_names, "socket") && !strset_has (s->sc_names, "mknod"));
  SK_CHECK (strset_has (s->sc_names, "read") && strset_has (s->sc_names, "pipe2"));
  SK_CHECK (sk_strv_len (s->sc_names) < sk_strv_len (d->sc_names));
  /* complain = default with another mode. */
  SK_CHECK (sk_profile_mode (c) == SK_PROFILE_COMPLAIN);
  SK_CHECK (sk_profile_show (c, &cs, &err) == 0 && sk_profile_show (d, &ds, &err) == 0);
  c2 = tu_strip_comments (cs);
  d2 = tu_strip_comments (ds);
  SK_CHECK (c2 != NULL && d2 != NULL && strncmp (c2, "[Profile]\nMode=complain\n", 24) == 0);
  SK_CHECK (c2 != NULL && d2 != NULL && strcmp (c2 + 24, d2 + 23) == 0);
}

int
main (int argc, char **argv)
{
  if (tu_init (&t, argc, argv) < 0)
    return 99;
  SK_RUN (test_shipped_lint_clean);
  SK_RUN (test_strset_sorted_union);
  SK_RUN (test_groups_expand);
  SK_RUN (test_system_service_at_least_as_strict_as_docker);
  SK_RUN (test_default_profile);
  SK_RUN (test_strict_and_complain_profiles);
  tu_done (&t);
  return sk_test_done ();
}
