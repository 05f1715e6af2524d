/* Included by test_cgroup.c (sk_test.h keeps its counters per translation
 * unit, so the cgroup tests stay one executable): device rules, the v2
 * device program and the stats JSON. */

/* Just the instructions cgroup_devices_bpf.c emits. */
static int
bpf_run (const struct bpf_insn *p, size_t n, uint32_t access_type, uint32_t major, uint32_t minor)
{
  uint64_t r[11] = { 0 };
  const uint32_t ctx[3] = { access_type, major, minor };

  for (size_t pc = 0; pc < n; pc++)
    {
      const struct bpf_insn *i = &p[pc];
      uint64_t imm = (uint64_t) (int64_t) i->imm;
      switch (i->code)
        {
        case BPF_LDX | BPF_MEM | BPF_W:
          if (i->src_reg != BPF_REG_1 || i->off < 0 || i->off > 8 || i->off % 4)
            return -10;
          r[i->dst_reg] = ctx[i->off / 4];
          break;
        case BPF_ALU | BPF_AND | BPF_K:
          r[i->dst_reg] = (uint32_t) r[i->dst_reg] & (uint32_t) i->imm;
          break;
        case BPF_ALU | BPF_RSH | BPF_K:
          r[i->dst_reg] = (uint32_t) r[i->dst_reg] >> i->imm;
          break;
        case BPF_ALU | BPF_MOV | BPF_X:
          r[i->dst_reg] = (uint32_t) r[i->src_reg];
          break;
        case BPF_ALU64 | BPF_MOV | BPF_K:
          r[i->dst_reg] = imm;
          break;
        case BPF_JMP | BPF_JNE | BPF_K:
          if (r[i->dst_reg] != imm)
            pc += (size_t) (int64_t) i->off;
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          if (r[i->dst_reg] == imm)
            pc += (size_t) (int64_t) i->off;
          break;
        case BPF_JMP | BPF_JA:
          pc += (size_t) (int64_t) i->off;
          break;
        case BPF_JMP | BPF_EXIT:
          return (int) r[0];
        default:
          return -11;
        }
      if (i->off < 0 && (i->code & 0x07) == BPF_JMP)
        return -12; /* the builder only jumps forward */
    }
  return -13;
}

static bool
rule_has (const struct oci_device_rule *r, char c)
{
  return r->access == NULL || strchr (r->access, c) != NULL;
}

/* Last matching rule wins, per access bit, from deny-all. */
static bool
ref_allows (const struct oci_device_rule *rules, size_t n, char type, uint32_t major, uint32_t minor,
            const char *access)
{
  for (const char *a = access; *a; a++)
    {
      bool allowed = false;
      for (size_t i = 0; i < n; i++)
        {
          const struct oci_device_rule *r = &rules[i];
          if (r->type == 'a' || r->type == 0)
            {
              allowed = r->allow;
              continue;
            }
          if (r->type != type || (r->major.set && r->major.v != major) || (r->minor.set && r->minor.v != minor)
              || !rule_has (r, *a))
            continue;
          allowed = r->allow;
        }
      if (!allowed)
        return false;
    }
  return true;
}

static void
check_rule_set (const char *name, const struct oci_device_rule *cfg, size_t n_cfg)
{
  static const uint32_t majors[] = { 1, 5, 7, 8, 10, 136, 4095 };
  static const uint32_t minors[] = { 0, 2, 3, 5, 8, 9, 200, 1048575 };
  static const char *const accesses[] = { "r", "w", "m", "rw", "rm", "wm", "rwm" };
  size_t n = n_cfg + sk_cgroup_n_default_device_rules, n_insns = 0, mismatches = 0;
  cleanup_free struct oci_device_rule *all = calloc (n, sizeof *all);
  cleanup_free struct bpf_insn *insns = NULL;
  cleanup_error sk_error_t err = NULL;
  bool allow_all = true;

  if (n_cfg > 0)
    memcpy (all, cfg, n_cfg * sizeof *all);
  memcpy (all + n_cfg, sk_cgroup_default_device_rules, sk_cgroup_n_default_device_rules * sizeof *all);
  if (sk_cg_devices_bpf_build (all, n, &insns, &n_insns, &allow_all, &err) < 0)
    {
      printf ("# %s: %s\n", name, sk_error_msg (&err));
      SK_CHECK (0);
      return;
    }
  SK_CHECK (!allow_all && n_insns > 0);
  for (int t = 0; t < 2; t++)
    for (size_t ma = 0; ma < sizeof majors / sizeof majors[0]; ma++)
      for (size_t mi = 0; mi < sizeof minors / sizeof minors[0]; mi++)
        for (size_t ac = 0; ac < sizeof accesses / sizeof accesses[0]; ac++)
          {
            char type = t ? 'b' : 'c';
            uint32_t acc = 0;
            int got;
            bool want = ref_allows (all, n, type, majors[ma], minors[mi], accesses[ac]);
            for (const char *a = accesses[ac]; *a; a++)
              acc |= *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE : BPF_DEVCG_ACC_MKNOD;
            got = bpf_run (insns, n_insns, (acc << 16) | (t ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR), majors[ma],
                           minors[mi]);
            if (got != (want ? 1 : 0) && mismatches++ < 5)
              printf ("# %s: %c %u:%u %s: program %d, model %d\n", name, type, majors[ma], minors[mi], accesses[ac],
                      got, want);
          }
  SK_CHECK (mismatches == 0);
}

#define RULE(al, ty, ma, mi, ac)                                                                                  \
  {                                                                                                               \
    .allow = (al), .type = (ty), .major = { (ma) >= 0, (ma) }, .minor = { (mi) >= 0, (mi) }, .access = (char *) (ac) \
  }

static void
test_bpf_semantics (void)
{
  const struct oci_device_rule deny_all[] = { RULE (false, 'a', -1, -1, "rwm") };
  const struct oci_device_rule mixed[] = {
    RULE (false, 'a', -1, -1, NULL),    RULE (true, 'c', 1, 3, "rwm"),  RULE (false, 'c', 1, 3, "w"),
    RULE (true, 'c', -1, -1, "r"),      RULE (false, 'b', 7, -1, "rwm"), RULE (true, 'b', 7, 0, "m"),
    RULE (true, 'c', 10, 200, "r"),     RULE (true, 'c', 10, 200, "w"),
  };
  const struct oci_device_rule open_then_close[] = {
    RULE (true, 'a', -1, -1, "rwm"), RULE (false, 'c', 1, 5, "rw"), RULE (true, 'c', 1, 5, "r"),
    RULE (false, 'b', -1, -1, "w"),
  };
  const struct oci_device_rule impossible[] = { RULE (true, 'c', 4294967295, -1, "rwm"), RULE (false, 'c', 1, 3, "w") };

  check_rule_set ("defaults only", NULL, 0);
  check_rule_set ("deny all", deny_all, 1);
  check_rule_set ("mixed", mixed, sizeof mixed / sizeof mixed[0]);
  /* The defaults come after the config: the last word on 1:5 r is theirs. */
  check_rule_set ("allow all then deny", open_then_close, sizeof open_then_close / sizeof open_then_close[0]);
  check_rule_set ("impossible numbers", impossible, 2);
}

static void
test_bpf_allow_all (void)
{
  const struct oci_device_rule rules[] = { RULE (false, 'a', -1, -1, NULL), RULE (true, 'a', -1, -1, "rwm"),
                                           RULE (true, 'c', 1, 3, "rwm") };
  cleanup_free struct bpf_insn *insns = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t n = 99;
  bool allow_all = false;

  SK_CHECK (sk_cg_devices_bpf_build (rules, 3, &insns, &n, &allow_all, &err) == 0);
  SK_CHECK (allow_all && insns == NULL && n == 0);
}

static void
test_rules_check (void)
{
  const struct oci_device_rule narrow_all[] = { RULE (true, 'a', 1, -1, "rwm") };
  const struct oci_device_rule partial_all[] = { RULE (true, 'a', -1, -1, "r") };
  const struct oci_device_rule deny_partial_all[] = { RULE (false, 'a', -1, -1, "r") };
  const struct oci_device_rule bad_type[] = { RULE (true, 'p', -1, -1, "r") };
  const struct oci_device_rule bad_access[] = { RULE (true, 'c', -1, -1, "rx") };
  cleanup_error sk_error_t err = NULL;

  SK_CHECK (sk_cg_device_rules_check (narrow_all, 1, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.resources.devices[0]: type \"a\" allows every device");
  SK_CHECK (sk_cg_device_rules_check (partial_all, 1, &err) < 0);
  SK_CHECK (sk_cg_device_rules_check (deny_partial_all, 1, &err) == 0);
  SK_CHECK (sk_cg_device_rules_check (bad_type, 1, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.resources.devices[0].type");
  SK_CHECK (sk_cg_device_rules_check (bad_access, 1, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.resources.devices[0].access");
}

static void
test_stats_json (void)
{
  uint64_t percpu[] = { 10, 20 };
  struct oci_kv raw[] = { { (char *) "rss", (char *) "4096" }, { (char *) "cache", (char *) "8192" },
                          { (char *) "weird", (char *) "1 2" } };
  struct sk_cg_blkio_entry bytes[] = { { 8, 0, "Read", 512 }, { 8, 0, "Write", 0 } };
  struct sk_cg_hugetlb_stat huge[] = { { "2MB", 0, 0, 0 }, { "1GB", 1073741824, 0, 3 } };
  struct sk_cg_stats s = { 0 };
  cleanup_free char *json = NULL;
  cleanup_error sk_error_t err = NULL;
  size_t len = 0;

  s.cpu.total = 30;
  s.cpu.percpu = percpu;
  s.cpu.n_percpu = 2;
  s.cpu.user = 5;
  s.cpu.throttled_periods = 2;
  s.memory.cache = 8192;
  s.memory.usage = (struct sk_cg_mem_entry){ .limit = 67108864, .usage = 12288, .max = 0, .failcnt = 0 };
  s.memory.raw = raw;
  s.memory.n_raw = 3;
  s.pids.current = 1;
  s.pids.limit = 32;
  s.blkio.service_bytes = bytes;
  s.blkio.n_service_bytes = 2;
  s.hugetlb = huge;
  s.n_hugetlb = 2;
  SK_CHECK (sk_cg_stats_to_json (&s, &json, &len, &err) == 0);
  SK_CHECK_STR (json, "{\"cpu\":{\"usage\":{\"total\":30,\"percpu\":[10,20],\"kernel\":0,\"user\":5},"
                      "\"throttling\":{\"throttledPeriods\":2}},"
                      "\"memory\":{\"cache\":8192,\"usage\":{\"limit\":67108864,\"usage\":12288,\"failcnt\":0},"
                      "\"swap\":{\"limit\":0,\"failcnt\":0},\"kernel\":{\"limit\":0,\"failcnt\":0},"
                      "\"kernelTCP\":{\"limit\":0,\"failcnt\":0},\"raw\":{\"cache\":8192,\"rss\":4096}},"
                      "\"pids\":{\"current\":1,\"limit\":32},"
                      "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":512},"
                      "{\"major\":8,\"op\":\"Write\"}]},"
                      "\"hugetlb\":{\"1GB\":{\"usage\":1073741824,\"failcnt\":3},\"2MB\":{\"failcnt\":0}}}");
  SK_CHECK (json != NULL && len == strlen (json));

  /* Nothing known: every section still present, as runc prints it. */
  free (json);
  json = NULL;
  memset (&s, 0, sizeof s);
  SK_CHECK (sk_cg_stats_to_json (&s, &json, &len, &err) == 0);
  SK_CHECK_CONTAINS (json, "\"pids\":{},\"blkio\":{},\"hugetlb\":{}}");
}
