/* Unit tests for the pure parts of src/linux/cgroup*.c: layout detection from
 * canned texts, cgroupsPath handling, conversions, file contents, the device
 * BPF program (run in a small interpreter against a reference model) and the
 * stats JSON.  The appliers are run against regular files in a temporary
 * directory standing in for a cgroup.  No root needed. */
#include "sk_test.h"
#include "src/linux/cgroup_internal.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- layout ---- */

static const char hybrid_mountinfo[]
    = "24 1 0:22 / / rw,relatime - overlay overlay rw\n"
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
      "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
      "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
      "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
      "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
      "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
      "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
      "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
static const char hybrid_self[] = "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
                                  "4:memory:/process_api/a91c\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n";

static const struct sk_cg_hier *
hier_at (const struct sk_cg_layout *l, const char *mount)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp (l->h[i].mount, mount) == 0)
      return &l->h[i];
  return NULL;
}

static const char *
owner_mount (const struct sk_cg_layout *l, enum sk_cg_ctrl c)
{
  const struct sk_cg_hier *h = sk_cg_owner (l, c);
  return h ? h->mount : NULL;
}

static void
test_layout_hybrid (void)
{
  struct sk_cg_layout l;
  cleanup_error sk_error_t err = NULL;

  SK_CHECK (sk_cg_layout_parse (hybrid_mountinfo, hybrid_self, &l, &err) == 0);
  sk_cg_layout_set_v2_controllers (&l, "hugetlb\n");
  SK_CHECK (l.n == 10);
  SK_CHECK (l.v2 >= 0 && l.h[l.v2].version == 2);
  SK_CHECK_STR (owner_mount (&l, SK_CG_MEMORY), "/sys/fs/cgroup/memory");
  SK_CHECK_STR (owner_mount (&l, SK_CG_CPUACCT), "/sys/fs/cgroup/cpuacct");
  SK_CHECK_STR (owner_mount (&l, SK_CG_DEVICES), "/sys/fs/cgroup/devices");
  SK_CHECK_STR (owner_mount (&l, SK_CG_FREEZER), "/sys/fs/cgroup/freezer");
  SK_CHECK_STR (owner_mount (&l, SK_CG_HUGETLB), "/sys/fs/cgroup/unified");
  SK_CHECK (sk_cg_owner (&l, SK_CG_NET_CLS) == NULL);
  SK_CHECK (sk_cg_owner (&l, SK_CG_MISC) == NULL);
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/memory")->self, "/process_api/a91c");
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/cpu")->self, "");
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/unified")->self, "");
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/systemd")->name, "systemd");
  sk_cg_layout_release (&l);
}

static void
test_layout_v2 (void)
{
  struct sk_cg_layout l;
  cleanup_error sk_error_t err = NULL;
  const char *mi = "30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
                   "rw,nsdelegate,memory_recursiveprot\n";

  SK_CHECK (sk_cg_layout_parse (mi, "0::/user.slice/session-1.scope\n", &l, &err) == 0);
  sk_cg_layout_set_v2_controllers (&l, "cpuset cpu io memory hugetlb pids rdma misc");
  SK_CHECK (l.n == 1 && l.v2 == 0);
  for (int c = 0; c < SK_CG__COUNT; c++)
    if (c != SK_CG_NET_CLS && c != SK_CG_NET_PRIO && c != SK_CG_PERF_EVENT)
      SK_CHECK (l.owner[c] == 0);
  SK_CHECK (l.owner[SK_CG_NET_CLS] == -1);
  SK_CHECK_STR (l.h[0].self, "/user.slice/session-1.scope");
  sk_cg_layout_release (&l);

  /* Without cgroup.controllers: only the built-in features. */
  SK_CHECK (sk_cg_layout_parse (mi, "0::/\n", &l, &err) == 0);
  SK_CHECK (l.owner[SK_CG_FREEZER] == 0 && l.owner[SK_CG_DEVICES] == 0 && l.owner[SK_CG_CPUACCT] == 0);
  SK_CHECK (l.owner[SK_CG_MEMORY] == -1);
  sk_cg_layout_release (&l);
}

static void
test_layout_v1 (void)
{
  struct sk_cg_layout l;
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *key = NULL;
  const char *mi
      = "20 19 0:18 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
        "21 19 0:19 / /sys/fs/cgroup/net_cls,net_prio rw - cgroup cgroup rw,net_cls,net_prio\n"
        "22 19 0:20 /docker/abc /mnt/mem rw - cgroup cgroup rw,memory\n"
        "23 19 0:20 / /mnt/my\\040cg rw - cgroup cgroup rw,memory\n"
        "24 19 0:21 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,release_agent=/x,name=systemd\n"
        "25 19 0:22 / /sys/fs/cgroup/foo rw - cgroup cgroup rw,name=foo\n"
        "26 19 0:23 / /sys/fs/cgroup/pids rw shared:9 master:2 - cgroup cgroup rw,pids\n";
  const char *self = "5:pids:/x\n4:name=systemd:/a\n3:memory:/m\n2:net_cls,net_prio:/\n1:cpu,cpuacct:/c\n";

  SK_CHECK (sk_cg_layout_parse (mi, self, &l, &err) == 0);
  SK_CHECK (l.v2 == -1);
  SK_CHECK (l.n == 5);
  SK_CHECK_STR (owner_mount (&l, SK_CG_CPU), "/sys/fs/cgroup/cpu,cpuacct");
  SK_CHECK_STR (owner_mount (&l, SK_CG_CPUACCT), "/sys/fs/cgroup/cpu,cpuacct");
  SK_CHECK_STR (owner_mount (&l, SK_CG_NET_PRIO), "/sys/fs/cgroup/net_cls,net_prio");
  /* The mount showing the whole hierarchy wins, escapes decoded. */
  SK_CHECK_STR (owner_mount (&l, SK_CG_MEMORY), "/mnt/my cg");
  SK_CHECK_STR (owner_mount (&l, SK_CG_PIDS), "/sys/fs/cgroup/pids");
  SK_CHECK (sk_cg_owner (&l, SK_CG_DEVICES) == NULL && sk_cg_owner (&l, SK_CG_FREEZER) == NULL);
  SK_CHECK (hier_at (&l, "/sys/fs/cgroup/foo") == NULL);
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/cpu,cpuacct")->self, "/c");
  key = sk_cg_hier_key (hier_at (&l, "/sys/fs/cgroup/cpu,cpuacct"));
  SK_CHECK_STR (key, "cpu,cpuacct");
  free (key);
  key = sk_cg_hier_key (hier_at (&l, "/sys/fs/cgroup/systemd"));
  SK_CHECK_STR (key, "name=systemd");
  sk_cg_layout_release (&l);

  SK_CHECK (sk_cg_layout_parse ("1 0 0:1 / / rw - ext4 /dev/sda rw\n", "", &l, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "no cgroup hierarchy");
}

static void
test_layout_mount_root (void)
{
  struct sk_cg_layout l;
  cleanup_error sk_error_t err = NULL;
  const char *mi = "22 19 0:20 /kubepods/pod1 /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                   "23 19 0:21 /kubepods/pod1 /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n";

  SK_CHECK (sk_cg_layout_parse (mi, "2:pids:/elsewhere\n1:memory:/kubepods/pod1/ctr\n", &l, &err) == 0);
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/memory")->self, "/ctr");
  SK_CHECK (hier_at (&l, "/sys/fs/cgroup/pids")->self == NULL);
  /* A relative cgroupsPath needs our cgroup to be visible everywhere. */
  SK_CHECK (sk_cg_layout_place (&l, "sub", &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "pids hierarchy is not visible");
  SK_CHECK (sk_cg_layout_place (&l, "/abs", &err) == 0);
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/pids")->dir, "/sys/fs/cgroup/pids/abs");
  sk_cg_layout_release (&l);
}

/* ---- cgroupsPath ---- */

static void
check_resolve (const char *in, const char *want)
{
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;

  if (sk_cg_path_resolve (in, "ctr1", &out, &err) < 0)
    printf ("# resolve \"%s\": %s\n", in ? in : "(null)", sk_error_msg (&err));
  SK_CHECK_STR (out, want);
}

static void
check_resolve_fails (const char *in, const char *want_msg)
{
  cleanup_free char *out = NULL;
  cleanup_error sk_error_t err = NULL;

  SK_CHECK (sk_cg_path_resolve (in, "ctr1", &out, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), want_msg);
}

static void
test_path_resolve (void)
{
  check_resolve (NULL, "/stockade/ctr1");
  check_resolve ("", "/stockade/ctr1");
  check_resolve ("/a/b", "/a/b");
  check_resolve ("//a///b/./c/", "/a/b/c");
  check_resolve ("a/b", "a/b");
  check_resolve ("./a/", "a");
  check_resolve ("/kubepods/burstable/pod:1", "/kubepods/burstable/pod:1");
  check_resolve ("/a:b:c", "/a:b:c");
  check_resolve_fails ("system.slice:docker:abc", "systemd cgroup paths need --systemd-cgroup");
  check_resolve_fails (":crio:abc", "systemd cgroup paths need --systemd-cgroup");
  check_resolve_fails ("/a/../b", "\"..\" components are not allowed");
  check_resolve_fails ("..", "\"..\" components are not allowed");
  check_resolve_fails ("/", "not the root itself");
  check_resolve_fails ("./", "not the root itself");
  check_resolve_fails ("/a\nb", "control characters");
  check_resolve_fails ("/a\nb", "linux.cgroupsPath");
  {
    cleanup_free char *out = NULL;
    cleanup_error sk_error_t err = NULL;
    SK_CHECK (sk_cg_path_resolve (NULL, "..", &out, &err) < 0);
    SK_CHECK (sk_cg_path_resolve ("", "a/b", &out, &err) < 0);
  }
}

static void
test_place_serialize (void)
{
  struct sk_cg_layout l;
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *s = NULL;

  SK_CHECK (sk_cg_layout_parse (hybrid_mountinfo, hybrid_self, &l, &err) == 0);
  SK_CHECK (sk_cg_layout_place (&l, "/stockade/x", &err) == 0);
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/memory")->dir, "/sys/fs/cgroup/memory/stockade/x");
  s = sk_cg_layout_serialize (&l);
  SK_CHECK_STR (s, "/stockade/x");
  free (s);

  /* Relative: below our own cgroup, which differs in the memory hierarchy. */
  SK_CHECK (sk_cg_layout_place (&l, "ctr", &err) == 0);
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/memory")->dir, "/sys/fs/cgroup/memory/process_api/a91c/ctr");
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/pids")->path, "/ctr");
  s = sk_cg_layout_serialize (&l);
  SK_CHECK_CONTAINS (s, "memory:/process_api/a91c/ctr\n");
  SK_CHECK_CONTAINS (s, "name=systemd:/ctr\n");
  SK_CHECK_CONTAINS (s, "\n:/ctr\n");
  sk_cg_layout_release (&l);

  SK_CHECK (sk_cg_layout_parse (hybrid_mountinfo, hybrid_self, &l, &err) == 0);
  SK_CHECK (sk_cg_layout_place_saved (&l, s, &err) == 0);
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/memory")->path, "/process_api/a91c/ctr");
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/unified")->dir, "/sys/fs/cgroup/unified/ctr");
  SK_CHECK (sk_cg_layout_place_saved (&l, "/stockade/y", &err) == 0);
  SK_CHECK_STR (hier_at (&l, "/sys/fs/cgroup/cpu")->dir, "/sys/fs/cgroup/cpu/stockade/y");
  SK_CHECK (sk_cg_layout_place_saved (&l, "/stockade/../etc", &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "\"..\"");
  SK_CHECK (sk_cg_layout_place_saved (&l, "memory:/a\n", &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "no entry for the cpu hierarchy");
  SK_CHECK (sk_cg_layout_place_saved (&l, "", &err) < 0);
  sk_cg_layout_release (&l);
}

/* ---- conversions ---- */

static void
test_convert (void)
{
  cleanup_error sk_error_t err = NULL;
  int64_t v = 0;
  char buf[64];
  sk_opt_i64 q_none = { 0 }, q_half = { true, 50000 }, q_unl = { true, -1 };
  sk_opt_u64 p_none = { 0 }, p_100k = { true, 100000 };

  SK_CHECK (sk_cg_shares_to_weight (0) == 0);
  SK_CHECK (sk_cg_shares_to_weight (2) == 1);
  SK_CHECK (sk_cg_shares_to_weight (1) == 1);
  SK_CHECK (sk_cg_shares_to_weight (1024) == 39);
  SK_CHECK (sk_cg_shares_to_weight (262144) == 10000);
  SK_CHECK (sk_cg_shares_to_weight (1000000) == 10000);
  SK_CHECK (sk_cg_blkio_weight_to_io_weight (0) == 0);
  SK_CHECK (sk_cg_blkio_weight_to_io_weight (10) == 1);
  SK_CHECK (sk_cg_blkio_weight_to_io_weight (500) == 4950);
  SK_CHECK (sk_cg_blkio_weight_to_io_weight (1000) == 10000);

  SK_CHECK (sk_cg_swap_to_v2 (0, -1, &v, &err) == 0 && v == -1);
  SK_CHECK (sk_cg_swap_to_v2 (-1, 100, &v, &err) == 0 && v == -1);
  SK_CHECK (sk_cg_swap_to_v2 (0, 100, &v, &err) == 0 && v == 0);
  SK_CHECK (sk_cg_swap_to_v2 (300, 100, &v, &err) == 0 && v == 200);
  SK_CHECK (sk_cg_swap_to_v2 (100, 100, &v, &err) == 0 && v == 0);
  SK_CHECK (sk_cg_swap_to_v2 (50, 100, &v, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.resources.memory.swap");
  SK_CHECK (sk_cg_swap_to_v2 (300, 0, &v, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "needs a memory limit");

  SK_CHECK (sk_cg_limit_str (0, buf, sizeof buf) == NULL);
  SK_CHECK_STR (sk_cg_limit_str (-1, buf, sizeof buf), "max");
  SK_CHECK_STR (sk_cg_limit_str (4096, buf, sizeof buf), "4096");

  SK_CHECK (sk_cg_cpu_max (&q_half, &p_100k, NULL, buf, sizeof buf) == 0);
  SK_CHECK_STR (buf, "50000 100000");
  SK_CHECK (sk_cg_cpu_max (&q_unl, &p_none, NULL, buf, sizeof buf) == 0);
  SK_CHECK_STR (buf, "max");
  SK_CHECK (sk_cg_cpu_max (&q_none, &p_100k, "20000", buf, sizeof buf) == 0);
  SK_CHECK_STR (buf, "20000 100000");
  SK_CHECK (sk_cg_cpu_max (&q_none, &p_100k, NULL, buf, sizeof buf) == 0);
  SK_CHECK_STR (buf, "max 100000");
}

static void
test_io_max (void)
{
  struct oci_throttle_device rb[] = { { 8, 0, 1048576 }, { 8, 16, 0 } };
  struct oci_throttle_device wb[] = { { 8, 0, 2097152 } };
  struct oci_throttle_device wi[] = { { 8, 16, 100 } };
  struct oci_blkio b = { .throttle_read_bps = { rb, 2 }, .throttle_write_bps = { wb, 1 }, .throttle_write_iops = { wi, 1 } };
  cleanup_strv char **lines = NULL;
  cleanup_error sk_error_t err = NULL;

  SK_CHECK (sk_cg_io_max_lines (&b, &lines, &err) == 0);
  SK_CHECK (sk_strv_len (lines) == 2);
  SK_CHECK_STR (lines[0], "8:0 rbps=1048576 wbps=2097152");
  SK_CHECK_STR (lines[1], "8:16 rbps=max wiops=100");
}

static void
test_device_rule_v1 (void)
{
  struct oci_device_rule null_rw = { .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 3 }, .access = (char *) "rw" };
  struct oci_device_rule any_blk = { .allow = false, .type = 'b', .major = { true, 8 } };
  struct oci_device_rule all = { .allow = false, .type = 'a', .access = (char *) "r" };
  struct oci_device_rule bad = { .allow = true, .type = 'x' };
  char buf[64];

  SK_CHECK (sk_cg_device_rule_v1 (&null_rw, buf, sizeof buf) == 0);
  SK_CHECK_STR (buf, "c 1:3 rw");
  SK_CHECK (sk_cg_device_rule_v1 (&any_blk, buf, sizeof buf) == 0);
  SK_CHECK_STR (buf, "b 8:* rwm");
  SK_CHECK (sk_cg_device_rule_v1 (&all, buf, sizeof buf) == 0);
  SK_CHECK_STR (buf, "a *:* rwm");
  SK_CHECK (sk_cg_device_rule_v1 (&bad, buf, sizeof buf) < 0);
  SK_CHECK (sk_cg_device_rule_v1 (&null_rw, buf, 4) < 0);
}

static void
test_hugepage_sizes (void)
{
  char buf[16];

  SK_CHECK (sk_cg_hugepage_size_valid ("2MB"));
  SK_CHECK (sk_cg_hugepage_size_valid ("1GB"));
  SK_CHECK (sk_cg_hugepage_size_valid ("64KB"));
  SK_CHECK (!sk_cg_hugepage_size_valid ("2mb"));
  SK_CHECK (!sk_cg_hugepage_size_valid ("MB"));
  SK_CHECK (!sk_cg_hugepage_size_valid ("2MB/../x"));
  SK_CHECK (!sk_cg_hugepage_size_valid ("02MB"));
  SK_CHECK (sk_cg_hugepage_dir_to_size ("hugepages-2048kB", buf, sizeof buf) == 0);
  SK_CHECK_STR (buf, "2MB");
  SK_CHECK (sk_cg_hugepage_dir_to_size ("hugepages-1048576kB", buf, sizeof buf) == 0);
  SK_CHECK_STR (buf, "1GB");
  SK_CHECK (sk_cg_hugepage_dir_to_size ("hugepages-64kB", buf, sizeof buf) == 0);
  SK_CHECK_STR (buf, "64KB");
  SK_CHECK (sk_cg_hugepage_dir_to_size ("hugepages-32768kB", buf, sizeof buf) == 0);
  SK_CHECK_STR (buf, "32MB");
  SK_CHECK (sk_cg_hugepage_dir_to_size ("notes", buf, sizeof buf) < 0);
  SK_CHECK (sk_cg_hugepage_dir_to_size ("hugepages-2048", buf, sizeof buf) < 0);
}

static void
test_kv (void)
{
  uint64_t v = 0;
  const char *t = "usage_usec 123\nuser_usec 100\nnr_periods 7\nfrozen 1";

  SK_CHECK (sk_cg_kv_u64 (t, "usage_usec", &v) && v == 123);
  SK_CHECK (sk_cg_kv_u64 (t, "frozen", &v) && v == 1);
  SK_CHECK (sk_cg_kv_u64 (t, "user_usec", &v) && v == 100);
  SK_CHECK (!sk_cg_kv_u64 (t, "user", &v));
  SK_CHECK (!sk_cg_kv_u64 (t, "periods", &v));
}

#include "test_cgroup_bpf.h"
#include "test_cgroup_apply.h"

int
main (void)
{
  SK_RUN (test_layout_hybrid);
  SK_RUN (test_layout_v2);
  SK_RUN (test_layout_v1);
  SK_RUN (test_layout_mount_root);
  SK_RUN (test_path_resolve);
  SK_RUN (test_place_serialize);
  SK_RUN (test_convert);
  SK_RUN (test_io_max);
  SK_RUN (test_device_rule_v1);
  SK_RUN (test_hugepage_sizes);
  SK_RUN (test_kv);
  SK_RUN (test_rules_check);
  SK_RUN (test_bpf_semantics);
  SK_RUN (test_bpf_allow_all);
  SK_RUN (test_stats_json);
  SK_RUN (test_apply_v1_files);
  SK_RUN (test_apply_v2_files);
  SK_RUN (test_apply_routing);
  return sk_test_done ();
}
