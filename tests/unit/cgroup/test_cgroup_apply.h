/* Included by test_cgroup.c: the appliers against regular files in a
 * temporary directory standing in for a cgroup (cgroupfs takes one value
 * per write; a regular file keeps the last one, which is what we check). */

static char *
fake_cgroup (const char *const *files)
{
  char tmpl[] = "/tmp/sk-cgroup-test-XXXXXX";
  char *dir;

  if (mkdtemp (tmpl) == NULL)
    return NULL;
  dir = strdup (tmpl);
  for (size_t i = 0; dir != NULL && files[i] != NULL; i += 2)
    {
      cleanup_free char *path = NULL;
      int fd;
      if (asprintf (&path, "%s/%s", dir, files[i]) < 0)
        continue;
      fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd >= 0)
        {
          if (write (fd, files[i + 1], strlen (files[i + 1])) < 0)
            printf ("# write %s failed\n", path);
          close (fd);
        }
    }
  return dir;
}

static void
fake_remove (const char *dir)
{
  cleanup_free char *cmd = NULL;

  if (dir != NULL && strncmp (dir, "/tmp/sk-cgroup-test-", 20) == 0 && asprintf (&cmd, "rm -rf '%s'", dir) >= 0
      && system (cmd) != 0)
    printf ("# could not remove %s\n", dir);
}

static char *
slurp (const char *dir, const char *file)
{
  cleanup_error sk_error_t err = NULL;
  char *text = NULL;

  if (sk_cg_read (dir, file, &text, &err) < 0)
    return NULL;
  return text;
}

#define CHECK_FILE(dir, file, want)                                                                               \
  do                                                                                                              \
    {                                                                                                             \
      cleanup_free char *got_ = slurp ((dir), (file));                                                            \
      SK_CHECK_STR (got_, (want));                                                                                \
    }                                                                                                             \
  while (0)

static void
test_apply_v1_files (void)
{
  static const char *const files[]
      = { "memory.limit_in_bytes", "0", "memory.memsw.limit_in_bytes", "", "memory.soft_limit_in_bytes", "",
          "memory.swappiness", "", "memory.oom_control", "", "cpu.shares", "", "cpu.cfs_period_us", "",
          "cpu.cfs_quota_us", "", "blkio.bfq.weight", "", "blkio.throttle.read_bps_device", "", "devices.allow", "",
          "devices.deny", "", "hugetlb.2MB.limit_in_bytes", "", NULL };
  cleanup_free char *dir = fake_cgroup (files);
  cleanup_error sk_error_t err = NULL;
  struct oci_memory mem = { .limit = { true, 1073741824 }, .swap = { true, 2147483648 },
                            .reservation = { true, 536870912 }, .swappiness = { true, 10 },
                            .disable_oom_killer = { true, true }, .kernel = { true, 1 } };
  struct oci_cpu cpu = { .shares = { true, 512 }, .quota = { true, 50000 }, .period = { true, 100000 } };
  struct oci_throttle_device rb = { 8, 0, 1048576 };
  struct oci_blkio blk = { .weight = { true, 500 }, .throttle_read_bps = { &rb, 1 } };
  struct oci_hugepage_limit huge = { (char *) "2MB", 4194304 }, bad_huge = { (char *) "2XB", 1 };

  SK_CHECK (dir != NULL);
  SK_CHECK (sk_cg_v1_memory (dir, &mem, NULL, &err) == 0);
  CHECK_FILE (dir, "memory.limit_in_bytes", "1073741824");
  CHECK_FILE (dir, "memory.memsw.limit_in_bytes", "2147483648");
  CHECK_FILE (dir, "memory.soft_limit_in_bytes", "536870912");
  CHECK_FILE (dir, "memory.swappiness", "10");
  CHECK_FILE (dir, "memory.oom_control", "1");
  mem.swappiness.v = 200;
  SK_CHECK (sk_cg_v1_memory (dir, &mem, NULL, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.resources.memory.swappiness");

  SK_CHECK (sk_cg_v1_cpu (dir, &cpu, &err) == 0);
  CHECK_FILE (dir, "cpu.shares", "512");
  CHECK_FILE (dir, "cpu.cfs_quota_us", "50000");
  CHECK_FILE (dir, "cpu.cfs_period_us", "100000");
  SK_CHECK (sk_cg_v1_blkio (dir, &blk, &err) == 0);
  CHECK_FILE (dir, "blkio.bfq.weight", "500");
  CHECK_FILE (dir, "blkio.throttle.read_bps_device", "8:0 1048576");
  SK_CHECK (sk_cg_v1_hugetlb (dir, &huge, 1, &err) == 0);
  CHECK_FILE (dir, "hugetlb.2MB.limit_in_bytes", "4194304");
  SK_CHECK (sk_cg_v1_hugetlb (dir, &bad_huge, 1, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.resources.hugepageLimits[0]: invalid pageSize \"2XB\"");
  SK_CHECK (sk_cg_v1_devices (dir, sk_cgroup_default_device_rules, sk_cgroup_n_default_device_rules, &err) == 0);
  CHECK_FILE (dir, "devices.deny", "a");
  CHECK_FILE (dir, "devices.allow", "c 10:200 rwm");

  /* Every error names the field and the file. */
  {
    cleanup_free char *path = NULL;
    struct oci_memory only_limit = { .limit = { true, 4096 } };
    struct oci_cpu rt = { .realtime_runtime = { true, 1000 } };
    SK_CHECK (asprintf (&path, "%s/memory.limit_in_bytes", dir) > 0 && unlink (path) == 0);
    SK_CHECK (sk_cg_v1_memory (dir, &only_limit, NULL, &err) < 0);
    SK_CHECK_STR (sk_error_msg (&err),
                  "linux.resources.memory.limit: write memory.limit_in_bytes: No such file or directory");
    SK_CHECK (sk_cg_v1_cpu (dir, &rt, &err) < 0);
    SK_CHECK_STR (sk_error_msg (&err),
                  "linux.resources.cpu.realtimeRuntime: write cpu.rt_runtime_us: No such file or directory");
    SK_CHECK (sk_cg_v1_memory (dir, &mem, NULL, &err) < 0);
  }
  fake_remove (dir);
}

static void
test_apply_v2_files (void)
{
  static const char *const files[]
      = { "memory.max", "", "memory.swap.max", "", "memory.low", "", "cpu.weight", "", "cpu.max", "max 100000",
          "cpu.max.burst", "", "cpu.idle", "", "io.weight", "", "io.max", "", "hugetlb.2MB.max", "",
          "hugetlb.2MB.rsvd.max", "", "memory.high", "", NULL };
  cleanup_free char *dir = fake_cgroup (files);
  cleanup_error sk_error_t err = NULL;
  struct oci_memory mem = { .limit = { true, 1073741824 }, .swap = { true, 3221225472 }, .reservation = { true, -1 } };
  struct oci_cpu cpu = { .shares = { true, 1024 }, .quota = { true, 50000 }, .period = { true, 100000 },
                         .burst = { true, 1000 }, .idle = { true, 1 } };
  struct oci_cpu period_only = { .period = { true, 200000 } };
  struct oci_throttle_device wi = { 8, 0, 300 };
  struct oci_blkio blk = { .weight = { true, 500 }, .throttle_write_iops = { &wi, 1 } };
  struct oci_hugepage_limit huge = { (char *) "2MB", 2097152 };
  struct oci_kv good = { (char *) "memory.high", (char *) "1073741824" };
  struct oci_kv procs = { (char *) "cgroup.procs", (char *) "1" }, dotdot = { (char *) "../x", (char *) "1" };

  SK_CHECK (dir != NULL);
  SK_CHECK (sk_cg_v2_memory (dir, &mem, NULL, &err) == 0);
  CHECK_FILE (dir, "memory.max", "1073741824");
  CHECK_FILE (dir, "memory.swap.max", "2147483648");
  CHECK_FILE (dir, "memory.low", "max");

  SK_CHECK (sk_cg_v2_cpu (dir, &cpu, NULL, &err) == 0);
  CHECK_FILE (dir, "cpu.weight", "39");
  CHECK_FILE (dir, "cpu.max", "50000 100000");
  CHECK_FILE (dir, "cpu.max.burst", "1000");
  CHECK_FILE (dir, "cpu.idle", "1");
  /* A new period keeps the quota already in place. */
  SK_CHECK (sk_cg_v2_cpu (dir, &period_only, NULL, &err) == 0);
  CHECK_FILE (dir, "cpu.max", "50000 200000");

  SK_CHECK (sk_cg_v2_io (dir, &blk, NULL, &err) == 0);
  CHECK_FILE (dir, "io.weight", "4950");
  CHECK_FILE (dir, "io.max", "8:0 wiops=300");
  SK_CHECK (sk_cg_v2_hugetlb (dir, &huge, 1, &err) == 0);
  CHECK_FILE (dir, "hugetlb.2MB.max", "2097152");
  CHECK_FILE (dir, "hugetlb.2MB.rsvd.max", "2097152");
  SK_CHECK (sk_cg_v2_unified (dir, &good, 1, &err) == 0);
  CHECK_FILE (dir, "memory.high", "1073741824");
  SK_CHECK (sk_cg_v2_unified (dir, &procs, 1, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.resources.unified[\"cgroup.procs\"]: not a resource");
  SK_CHECK (sk_cg_v2_unified (dir, &dotdot, 1, &err) < 0);

  /* No swap accounting: "no swap" holds anyway, a real swap limit does not. */
  {
    cleanup_free char *path = NULL;
    struct oci_memory no_swap = { .limit = { true, 4096 }, .swap = { true, 4096 } };
    SK_CHECK (asprintf (&path, "%s/memory.swap.max", dir) > 0 && unlink (path) == 0);
    SK_CHECK (sk_cg_v2_memory (dir, &no_swap, NULL, &err) == 0);
    SK_CHECK (sk_cg_v2_memory (dir, &mem, NULL, &err) < 0);
    SK_CHECK_STR (sk_error_msg (&err),
                  "linux.resources.memory.swap: write memory.swap.max: No such file or directory");
  }
  fake_remove (dir);
}

/* A hybrid host in miniature: memory on v1, hugetlb on v2. */
static void
test_apply_routing (void)
{
  static const char *const v1_files[] = { "memory.limit_in_bytes", "0", "devices.deny", "", "devices.allow", "", NULL };
  static const char *const v2_files[] = { "hugetlb.2MB.max", "", "memory.max", "", NULL };
  cleanup_free char *d1 = fake_cgroup (v1_files), *d2 = fake_cgroup (v2_files);
  cleanup_error sk_error_t err = NULL;
  struct sk_cg_hier h[2] = { { .version = 1, .dir = d1 }, { .version = 2, .dir = d2 } };
  struct sk_cg_layout l = { .h = h, .n = 2, .v2 = 1 };
  struct oci_memory mem = { .limit = { true, 8192 } };
  struct oci_hugepage_limit huge = { (char *) "2MB", 4194304 };
  struct oci_kv unified = { (char *) "memory.max", (char *) "1" };
  struct oci_resources r = { .memory = &mem, .hugepage_limits = &huge, .n_hugepage_limits = 1 };
  struct oci_resources pids = { .pids_limit = { true, 10 } };
  struct oci_resources uni = { .unified = &unified, .n_unified = 1 };

  for (int c = 0; c < SK_CG__COUNT; c++)
    l.owner[c] = -1;
  l.owner[SK_CG_MEMORY] = 0;
  l.owner[SK_CG_DEVICES] = 0;
  l.owner[SK_CG_HUGETLB] = 1;
  SK_CHECK (sk_cg_apply (&l, &r, true, NULL, &err) == 0);
  CHECK_FILE (d1, "memory.limit_in_bytes", "8192");
  CHECK_FILE (d2, "memory.max", "");
  CHECK_FILE (d2, "hugetlb.2MB.max", "4194304");
  CHECK_FILE (d1, "devices.deny", "a");
  SK_CHECK (sk_cg_apply (&l, &pids, false, NULL, &err) < 0);
  SK_CHECK_STR (sk_error_msg (&err),
                "linux.resources.pids.limit: the pids controller is not available on this host: Operation not "
                "supported");
  SK_CHECK (sk_cg_apply (&l, &uni, false, NULL, &err) == 0);
  CHECK_FILE (d2, "memory.max", "1");
  l.v2 = -1;
  SK_CHECK (sk_cg_apply (&l, &uni, false, NULL, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.resources.unified: needs cgroup v2");
  /* Devices with no device controller at all: refuse, never run open. */
  l.owner[SK_CG_DEVICES] = -1;
  SK_CHECK (sk_cg_apply (&l, NULL, true, NULL, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.resources.devices: the devices controller is not available");
  fake_remove (d1);
  fake_remove (d2);
}
