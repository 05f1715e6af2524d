/* Real cgroups on this host (needs root; prints a TAP skip otherwise):
 * create with limits, read the files back, enter a forked child, freeze and
 * thaw it, collect stats, reopen from the saved path, destroy; then the v2
 * device program against real opens.  Everything lives under
 * /sk-test-<pid> in each hierarchy and is removed at the end. */
#include "sk_test.h"
#include "src/linux/cgroup_internal.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char base[64];

static char *
file_text (const struct sk_cg_hier *h, const char *file)
{
  cleanup_error sk_error_t err = NULL;
  char *text = NULL;

  if (h == NULL || sk_cg_read (h->dir, file, &text, &err) < 0)
    {
      printf ("# read %s: %s\n", file, sk_error_msg (&err));
      return NULL;
    }
  return text;
}

#define CHECK_CG_FILE(h, file, want)                                                                              \
  do                                                                                                              \
    {                                                                                                             \
      cleanup_free char *got_ = file_text ((h), (file));                                                          \
      SK_CHECK_STR (got_, (want));                                                                                \
    }                                                                                                             \
  while (0)

/* A child that waits for one byte on fd, then runs fn (if any) and exits
 * with its result. */
static pid_t
spawn_waiting (int *go_fd, int (*fn) (void))
{
  int p[2];
  pid_t pid;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return -1;
  pid = fork ();
  if (pid == 0)
    {
      char c;
      close (p[1]);
      if (read (p[0], &c, 1) != 1)
        _exit (100);
      _exit (fn ? fn () : 0);
    }
  close (p[0]);
  *go_fd = p[1];
  return pid;
}

static int
reap (pid_t pid)
{
  int status = -1;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return status;
}

static bool
gone_everywhere (const struct sk_cgroup *cg)
{
  for (size_t i = 0; i < cg->l.n; i++)
    if (access (cg->l.h[i].dir, F_OK) == 0)
      {
        printf ("# still there: %s\n", cg->l.h[i].dir);
        return false;
      }
  return true;
}

static void
test_lifecycle (void)
{
  char path[96], pidstr[24], self_cg[4096] = "";
  struct oci_memory mem = { .limit = { true, 64 << 20 }, .swap = { true, 128 << 20 } };
  struct oci_cpu cpu = { .shares = { true, 512 }, .quota = { true, 50000 }, .period = { true, 100000 }, .cpus = (char *) "0" };
  struct oci_hugepage_limit huge = { (char *) "2MB", 4 << 20 };
  struct oci_device_rule deny_all = { .allow = false, .type = 'a' };
  struct oci_resources res = { .memory = &mem, .cpu = &cpu, .pids_limit = { true, 32 }, .devices = &deny_all, .n_devices = 1 };
  struct oci_resources upd = { .pids_limit = { true, 64 } };
  cleanup_cgroup struct sk_cgroup *cg = NULL, *again = NULL;
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *saved = NULL, *stats = NULL;
  cleanup_free pid_t *pids = NULL;
  const struct sk_cg_hier *h;
  size_t n = 0, len = 0;
  bool frozen = true;
  int go = -1, status;
  pid_t child;

  snprintf (path, sizeof path, "%s/life", base);
  {
    struct sk_cg_layout probe;
    if (sk_cg_layout_detect (&probe, &err) == 0)
      {
        if (sk_cg_owner (&probe, SK_CG_HUGETLB) != NULL && access ("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0)
          {
            res.hugepage_limits = &huge;
            res.n_hugepage_limits = 1;
          }
        sk_cg_layout_release (&probe);
      }
  }
  if (sk_cgroup_create (path, "ignored", &res, NULL, &cg, &err) < 0)
    {
      printf ("# create: %s\n", sk_error_msg (&err));
      SK_CHECK (0);
      return;
    }
  h = sk_cg_owner (&cg->l, SK_CG_MEMORY);
  printf ("# memory on v%d, hugetlb %s\n", h ? h->version : 0,
          res.n_hugepage_limits ? (sk_cg_owner (&cg->l, SK_CG_HUGETLB)->version == 2 ? "on v2" : "on v1") : "skipped");
  if (h != NULL && h->version == 1)
    {
      CHECK_CG_FILE (h, "memory.limit_in_bytes", "67108864");
      if (sk_cg_has (h->dir, "memory.memsw.limit_in_bytes"))
        CHECK_CG_FILE (h, "memory.memsw.limit_in_bytes", "134217728");
    }
  else if (h != NULL)
    CHECK_CG_FILE (h, "memory.max", "67108864");
  CHECK_CG_FILE (sk_cg_owner (&cg->l, SK_CG_PIDS), "pids.max", "32");
  h = sk_cg_owner (&cg->l, SK_CG_CPU);
  if (h != NULL && h->version == 1)
    {
      CHECK_CG_FILE (h, "cpu.shares", "512");
      CHECK_CG_FILE (h, "cpu.cfs_quota_us", "50000");
      CHECK_CG_FILE (h, "cpu.cfs_period_us", "100000");
    }
  else if (h != NULL)
    CHECK_CG_FILE (h, "cpu.max", "50000 100000");
  CHECK_CG_FILE (sk_cg_owner (&cg->l, SK_CG_CPUSET), "cpuset.cpus", "0");
  if (res.n_hugepage_limits > 0)
    {
      h = sk_cg_owner (&cg->l, SK_CG_HUGETLB);
      CHECK_CG_FILE (h, h->version == 1 ? "hugetlb.2MB.limit_in_bytes" : "hugetlb.2MB.max", "4194304");
    }
  h = sk_cg_owner (&cg->l, SK_CG_DEVICES);
  if (h != NULL && h->version == 1)
    {
      cleanup_free char *list = file_text (h, "devices.list");
      SK_CHECK_CONTAINS (list, "c 1:3 rwm");
      SK_CHECK (list != NULL && strstr (list, "a *:* rwm") == NULL);
    }

  SK_CHECK (sk_cgroup_update (cg, &upd, NULL, &err) == 0);
  CHECK_CG_FILE (sk_cg_owner (&cg->l, SK_CG_PIDS), "pids.max", "64");

  child = spawn_waiting (&go, NULL);
  SK_CHECK (child > 0);
  SK_CHECK (sk_cgroup_enter (cg, child, &err) == 0);
  snprintf (pidstr, sizeof pidstr, "/proc/%d/cgroup", (int) child);
  {
    cleanup_file FILE *f = fopen (pidstr, "re");
    size_t got = f ? fread (self_cg, 1, sizeof self_cg - 1, f) : 0;
    self_cg[got] = '\0';
  }
  SK_CHECK_CONTAINS (self_cg, path);
  SK_CHECK (sk_cgroup_pids (cg, &pids, &n, &err) == 0);
  SK_CHECK (n == 1 && pids != NULL && pids[0] == child);

  SK_CHECK (sk_cgroup_freeze (cg, true, &err) == 0);
  SK_CHECK (sk_cgroup_is_frozen (cg, &frozen, &err) == 0 && frozen);
  SK_CHECK (sk_cgroup_freeze (cg, false, &err) == 0);
  SK_CHECK (sk_cgroup_is_frozen (cg, &frozen, &err) == 0 && !frozen);

  SK_CHECK (sk_cgroup_stats_json (cg, &stats, &len, &err) == 0);
  SK_CHECK_CONTAINS (stats, "\"pids\":{\"current\":1,\"limit\":64}");
  SK_CHECK_CONTAINS (stats, "\"usage\":{\"limit\":67108864,");
  SK_CHECK_CONTAINS (stats, "\"raw\":{");
  printf ("# stats: %.200s...\n", stats ? stats : "(null)");

  saved = sk_cgroup_serialize (cg);
  SK_CHECK_STR (saved, path);
  SK_CHECK (sk_cgroup_open (saved, &again, &err) == 0);
  if (again != NULL)
    {
      /* The child is still blocked on its pipe: destroy has to kill it. */
      SK_CHECK (sk_cgroup_destroy (again, &err) == 0);
      if (err)
        printf ("# destroy: %s\n", sk_error_msg (&err));
    }
  status = reap (child);
  SK_CHECK (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  close (go);
  SK_CHECK (gone_everywhere (cg));
}

static void
test_busy_cgroup_refused (void)
{
  char path[96];
  cleanup_cgroup struct sk_cgroup *cg = NULL, *twin = NULL;
  cleanup_error sk_error_t err = NULL;
  int go = -1;
  pid_t child;

  snprintf (path, sizeof path, "%s/busy", base);
  SK_CHECK (sk_cgroup_create (path, "x", NULL, NULL, &cg, &err) == 0);
  if (cg == NULL)
    return;
  child = spawn_waiting (&go, NULL);
  SK_CHECK (sk_cgroup_enter (cg, child, &err) == 0);
  SK_CHECK (sk_cgroup_create (path, "x", NULL, NULL, &twin, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "already holds processes");
  /* The refused create must not have removed the live cgroup. */
  SK_CHECK (access (cg->l.h[0].dir, F_OK) == 0);
  SK_CHECK (sk_cgroup_destroy (cg, &err) == 0);
  reap (child);
  close (go);
  SK_CHECK (gone_everywhere (cg));
}

static void
test_failed_create_cleans_up (void)
{
  char path[96];
  struct oci_cpu cpu = { .cpus = (char *) "4095" };
  struct oci_resources res = { .cpu = &cpu };
  cleanup_cgroup struct sk_cgroup *cg = NULL, *probe = NULL;
  cleanup_error sk_error_t err = NULL;

  snprintf (path, sizeof path, "%s/bad", base);
  SK_CHECK (sk_cgroup_create (path, "x", &res, NULL, &cg, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.resources.cpu.cpus: write cpuset.cpus: ");
  SK_CHECK (cg == NULL);
  SK_CHECK (sk_cgroup_open (path, &probe, &err) == 0);
  SK_CHECK (probe != NULL && gone_everywhere (probe));
}

static int
try_devices (void)
{
  int null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC), zero_fd = open ("/dev/zero", O_RDONLY | O_CLOEXEC);
  int zero_errno = errno;
  return (null_fd >= 0 ? 1 : 0) | (zero_fd >= 0 ? 2 : 0) | (zero_fd < 0 && zero_errno == EPERM ? 4 : 0);
}

static int
run_in (const char *dir)
{
  char buf[24];
  cleanup_error sk_error_t err = NULL;
  int go = -1, status;
  pid_t child = spawn_waiting (&go, try_devices);

  snprintf (buf, sizeof buf, "%d", (int) child);
  if (sk_cg_write (dir, "cgroup.procs", buf, NULL, &err) < 0)
    printf ("# %s\n", sk_error_msg (&err));
  if (write (go, "x", 1) != 1)
    printf ("# could not release the child\n");
  close (go);
  status = reap (child);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static uint32_t
attached_programs (const char *dir)
{
  union bpf_attr attr;
  uint32_t ids[8];
  cleanup_close int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = (uint32_t) fd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t) (uintptr_t) ids;
  attr.query.prog_cnt = 8;
  if (syscall (SYS_bpf, BPF_PROG_QUERY, &attr, sizeof attr) < 0)
    return 999;
  return attr.query.prog_cnt;
}

static void
test_v2_device_program (void)
{
  struct sk_cg_layout l;
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *dir = NULL;
  const struct oci_device_rule only_null[] = { { .allow = false, .type = 'a' },
                                               { .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 3 }, .access = (char *) "rw" } };
  const struct oci_device_rule only_zero[] = { { .allow = false, .type = 'a' },
                                               { .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 5 }, .access = (char *) "r" } };
  const struct oci_device_rule all[] = { { .allow = true, .type = 'a' } };

  if (sk_cg_layout_detect (&l, &err) < 0 || l.v2 < 0)
    {
      printf ("# no cgroup v2 hierarchy: device program not exercised\n");
      if (err == NULL)
        sk_cg_layout_release (&l);
      return;
    }
  if (asprintf (&dir, "%s%s-bpf", l.h[l.v2].mount, base) < 0 || mkdir (dir, 0755) < 0)
    {
      SK_CHECK (0);
      sk_cg_layout_release (&l);
      return;
    }
  SK_CHECK (run_in (dir) == 3); /* no program yet: both open */
  SK_CHECK (sk_cg_devices_bpf_apply (dir, only_null, 2, &err) == 0);
  if (err)
    printf ("# %s\n", sk_error_msg (&err));
  SK_CHECK (attached_programs (dir) == 1);
  SK_CHECK (run_in (dir) == (1 | 4)); /* null opens, zero gets EPERM */
  /* Replacing the rules swaps the program instead of stacking a second. */
  SK_CHECK (sk_cg_devices_bpf_apply (dir, only_zero, 2, &err) == 0);
  SK_CHECK (attached_programs (dir) == 1);
  SK_CHECK (run_in (dir) == 2);
  SK_CHECK (sk_cg_devices_bpf_apply (dir, all, 1, &err) == 0);
  SK_CHECK (attached_programs (dir) == 0);
  SK_CHECK (run_in (dir) == 3);
  SK_CHECK (sk_cg_rmdir_tree (dir, true, &err) == 0);
  sk_cg_layout_release (&l);
}

static void
remove_base (void)
{
  cleanup_cgroup struct sk_cgroup *cg = NULL;
  cleanup_error sk_error_t err = NULL;

  if (sk_cgroup_open (base, &cg, &err) == 0 && sk_cgroup_destroy (cg, &err) < 0)
    printf ("# cleanup: %s\n", sk_error_msg (&err));
}

int
main (void)
{
  if (geteuid () != 0)
    {
      printf ("1..0 # SKIP creating cgroups needs root\n");
      return 0;
    }
  snprintf (base, sizeof base, "/sk-test-%d", (int) getpid ());
  SK_RUN (test_lifecycle);
  SK_RUN (test_busy_cgroup_refused);
  SK_RUN (test_failed_create_cleans_up);
  SK_RUN (test_v2_device_program);
  remove_base ();
  return sk_test_done ();
}
