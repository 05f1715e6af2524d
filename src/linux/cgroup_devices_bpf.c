/* Device rules on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program.
 *
 * Meaning (the same as v1's exception list gives for well-formed rules):
 * the last "a" rule (or deny-all at the start) sets the default, and each
 * requested access bit (r, w, m) is decided by the last later rule that
 * matches the device and names that bit.  A request passes when every bit
 * it asks for passes.  Deciding per bit is what makes "allow c 1:3 rwm"
 * followed by "deny c 1:3 w" refuse an "rw" open, as on v1. */
#include "cgroup_internal.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(dst, src, o) INSN (BPF_LDX | BPF_MEM | BPF_W, dst, src, o, 0)
#define ALU32_K(op, dst, imm) INSN (BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV32_X(dst, src) INSN (BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_K(dst, imm) INSN (BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JMP_K(op, dst, imm) INSN (BPF_JMP | (op) | BPF_K, dst, 0, 0, imm) /* off patched later */
#define JA() INSN (BPF_JMP | BPF_JA, 0, 0, 0, 0)
#define EXIT() INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static const char field[] = "linux.resources.devices";

static bool
access_has (const struct oci_device_rule *r, char c)
{
  return r->access == NULL || *r->access == '\0' || strchr (r->access, c) != NULL;
}

int
sk_cg_device_rules_check (const struct oci_device_rule *rules, size_t n, sk_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      const struct oci_device_rule *r = &rules[i];
      char type = r->type ? r->type : 'a';
      if (type != 'a' && type != 'b' && type != 'c')
        return sk_error_set (err, EINVAL, "%s[%zu].type: \"%c\" is not a, b or c", field, i, type);
      if (r->access != NULL && (r->access[0] == '\0' || r->access[strspn (r->access, "rwm")] != '\0'))
        return sk_error_set (err, EINVAL, "%s[%zu].access: must be a non-empty subset of \"rwm\"", field, i);
      /* The kernel reads any "a" rule as every device with rwm: an allow
       * that looks narrower would silently open everything. */
      if (type == 'a' && r->allow
          && (r->major.set || r->minor.set || !(access_has (r, 'r') && access_has (r, 'w') && access_has (r, 'm'))))
        return sk_error_set (err, EINVAL,
                             "%s[%zu]: type \"a\" allows every device; major, minor and a partial access cannot "
                             "narrow it",
                             field, i);
    }
  return 0;
}

struct prog
{
  struct bpf_insn *v;
  size_t n, cap;
  bool oom;
};

static size_t
emit (struct prog *p, struct bpf_insn insn)
{
  if (p->n == p->cap)
    {
      size_t cap = p->cap ? p->cap * 2 : 64;
      struct bpf_insn *grown = p->oom ? NULL : realloc (p->v, cap * sizeof *grown);
      if (grown == NULL)
        {
          p->oom = true;
          return 0;
        }
      p->v = grown;
      p->cap = cap;
    }
  p->v[p->n] = insn;
  return p->n++;
}

static void
patch_to (struct prog *p, size_t at, size_t target)
{
  if (!p->oom)
    p->v[at].off = (int16_t) (target - at - 1);
}

/* A device number the kernel can never produce cannot match. */
static bool
matchable (const struct oci_device_rule *r)
{
  return (!r->major.set || r->major.v <= INT32_MAX) && (!r->minor.set || r->minor.v <= INT32_MAX);
}

static void
emit_bit (struct prog *p, const struct oci_device_rule *rules, size_t first, size_t n, bool default_allow,
          int bit, char letter)
{
  size_t *to_end = calloc (n - first + 1, sizeof *to_end), n_end = 0, at;

  if (to_end == NULL)
    {
      p->oom = true;
      return;
    }
  /* Not requested: nothing to decide for this bit. */
  emit (p, MOV32_X (BPF_REG_1, BPF_REG_3));
  emit (p, ALU32_K (BPF_AND, BPF_REG_1, bit));
  to_end[n_end++] = emit (p, JMP_K (BPF_JEQ, BPF_REG_1, 0));
  for (size_t i = n; i-- > first;)
    {
      const struct oci_device_rule *r = &rules[i];
      size_t next[3], n_next = 0;
      if (!access_has (r, letter) || !matchable (r))
        continue;
      next[n_next++] = emit (p, JMP_K (BPF_JNE, BPF_REG_2, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
      if (r->major.set)
        next[n_next++] = emit (p, JMP_K (BPF_JNE, BPF_REG_4, (int32_t) r->major.v));
      if (r->minor.set)
        next[n_next++] = emit (p, JMP_K (BPF_JNE, BPF_REG_5, (int32_t) r->minor.v));
      if (r->allow)
        to_end[n_end++] = emit (p, JA ());
      else
        {
          emit (p, MOV64_K (BPF_REG_0, 0));
          emit (p, EXIT ());
        }
      for (size_t k = 0; k < n_next; k++)
        patch_to (p, next[k], p->n);
    }
  if (!default_allow)
    {
      emit (p, MOV64_K (BPF_REG_0, 0));
      emit (p, EXIT ());
    }
  at = p->n;
  for (size_t k = 0; k < n_end; k++)
    patch_to (p, to_end[k], at);
  free (to_end);
}

int
sk_cg_devices_bpf_build (const struct oci_device_rule *rules, size_t n, struct bpf_insn **insns, size_t *n_insns,
                         bool *allow_all, sk_error_t *err)
{
  struct prog p = { 0 };
  size_t first = 0;
  bool default_allow = false, any_deny = false;

  if (sk_cg_device_rules_check (rules, n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (rules[i].type == 'a' || rules[i].type == '\0')
      {
        first = i + 1;
        default_allow = rules[i].allow;
      }
  for (size_t i = first; i < n; i++)
    any_deny |= !rules[i].allow;
  *allow_all = default_allow && !any_deny;
  *insns = NULL;
  *n_insns = 0;
  if (*allow_all)
    return 0;

  /* ctx: access_type = (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_*, major, minor */
  emit (&p, LDX_W (BPF_REG_2, BPF_REG_1, 0));
  emit (&p, ALU32_K (BPF_AND, BPF_REG_2, 0xffff));
  emit (&p, LDX_W (BPF_REG_3, BPF_REG_1, 0));
  emit (&p, ALU32_K (BPF_RSH, BPF_REG_3, 16));
  emit (&p, LDX_W (BPF_REG_4, BPF_REG_1, 4));
  emit (&p, LDX_W (BPF_REG_5, BPF_REG_1, 8));
  emit_bit (&p, rules, first, n, default_allow, BPF_DEVCG_ACC_READ, 'r');
  emit_bit (&p, rules, first, n, default_allow, BPF_DEVCG_ACC_WRITE, 'w');
  emit_bit (&p, rules, first, n, default_allow, BPF_DEVCG_ACC_MKNOD, 'm');
  emit (&p, MOV64_K (BPF_REG_0, 1));
  emit (&p, EXIT ());
  if (p.oom)
    {
      free (p.v);
      return sk_error_set (err, ENOMEM, "%s", field);
    }
  /* Jump offsets are 16 bits; thousands of rules would overflow them. */
  if (p.n > 32767)
    {
      free (p.v);
      return sk_error_set (err, E2BIG, "%s: too many rules for one device program", field);
    }
  *insns = p.v;
  *n_insns = p.n;
  return 0;
}

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int) syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

static int
prog_load (const struct bpf_insn *insns, size_t n, sk_error_t *err)
{
  union bpf_attr attr;
  cleanup_free char *log = NULL;
  int fd;

  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t) (uintptr_t) insns;
  attr.insn_cnt = (uint32_t) n;
  attr.license = (uint64_t) (uintptr_t) "Apache";
  fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  if (errno != EINVAL && errno != EACCES)
    return sk_error_set (err, errno, "%s: load the cgroup v2 device program", field);
  /* Verifier refusal: load again with its log for the message. */
  log = calloc (1, 65536);
  if (log != NULL)
    {
      attr.log_buf = (uint64_t) (uintptr_t) log;
      attr.log_size = 65536;
      attr.log_level = 1;
      fd = sys_bpf (BPF_PROG_LOAD, &attr);
      if (fd >= 0)
        return fd;
      while (*log && log[strlen (log) - 1] == '\n')
        log[strlen (log) - 1] = '\0';
    }
  return sk_error_set (err, errno, "%s: the kernel refused the device program (%s)", field,
                       log && *log ? (strrchr (log, '\n') ? strrchr (log, '\n') + 1 : log) : "no verifier log");
}

int
sk_cg_devices_bpf_apply (const char *dir, const struct oci_device_rule *rules, size_t n, sk_error_t *err)
{
  cleanup_free struct bpf_insn *insns = NULL;
  cleanup_close int cgfd = -1, progfd = -1;
  uint32_t old[64], n_old = 0, old_flags = 0;
  union bpf_attr attr;
  size_t n_insns;
  bool allow_all;

  if (sk_cg_devices_bpf_build (rules, n, &insns, &n_insns, &allow_all, err) < 0)
    return -1;
  cgfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0)
    return sk_error_set (err, errno, "%s: open %s", field, dir);

  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = (uint32_t) cgfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t) (uintptr_t) old;
  attr.query.prog_cnt = 64;
  if (sys_bpf (BPF_PROG_QUERY, &attr) == 0)
    {
      n_old = attr.query.prog_cnt < 64 ? attr.query.prog_cnt : 64;
      old_flags = attr.query.attach_flags;
    }

  if (!allow_all)
    {
      progfd = prog_load (insns, n_insns, err);
      if (progfd < 0)
        return -1;
      memset (&attr, 0, sizeof attr);
      attr.target_fd = (uint32_t) cgfd;
      attr.attach_bpf_fd = (uint32_t) progfd;
      attr.attach_type = BPF_CGROUP_DEVICE;
      /* A lone non-multi program is replaced by attaching without the flag. */
      attr.attach_flags = n_old > 0 && !(old_flags & BPF_F_ALLOW_MULTI) ? 0 : BPF_F_ALLOW_MULTI;
      if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
        return sk_error_set (err, errno, "%s: attach the device program to %s", field, dir);
      if (attr.attach_flags == 0)
        return 0;
    }
  /* The new program is in place: only now drop the old ones, so the
   * container is never without a filter. */
  for (uint32_t i = 0; i < n_old; i++)
    {
      cleanup_close int fd = -1;
      memset (&attr, 0, sizeof attr);
      attr.prog_id = old[i];
      fd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
      if (fd < 0)
        continue;
      memset (&attr, 0, sizeof attr);
      attr.target_fd = (uint32_t) cgfd;
      attr.attach_bpf_fd = (uint32_t) fd;
      attr.attach_type = BPF_CGROUP_DEVICE;
      if (sys_bpf (BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
        return sk_error_set (err, errno, "%s: detach the previous device program from %s", field, dir);
    }
  return 0;
}
