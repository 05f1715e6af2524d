/* Name -> value tables for `linux.seccomp`.  The OCI parser already checked
 * the names against the runtime-spec; these tables say what each one means to
 * libseccomp and to seccomp(2), and which ones this build cannot honour. */
#include "stockade/linux/seccomp.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>

/* One row shape for every table, so the lookup lives in one place. */
struct entry
{
  const char *name;
  uint32_t value;       /* action, operator, arch token or seccomp(2) flag */
  int attr;             /* flags only: libseccomp filter attribute, -1 none */
  bool takes_ret;       /* actions only: errnoRet fills the action's data */
};

#define N_ELEMS(t) (sizeof (t) / sizeof ((t)[0]))

static const struct entry *
lookup (const struct entry *t, size_t n, const char *name)
{
  if (name == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    if (strcmp (t[i].name, name) == 0)
      return &t[i];
  return NULL;
}

static const struct entry actions[] = {
  /* runc and crun map the legacy SCMP_ACT_KILL to KILL_THREAD, as
   * libseccomp does. */
  { "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, -1, false },
  { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, -1, false },
  { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, -1, false },
  { "SCMP_ACT_TRAP", SCMP_ACT_TRAP, -1, false },
  { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO (0), -1, true },
  { "SCMP_ACT_TRACE", SCMP_ACT_TRACE (0), -1, true },
  { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, -1, false },
  { "SCMP_ACT_LOG", SCMP_ACT_LOG, -1, false },
  { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, -1, false },
};

static const struct entry ops[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE, -1, false },
  { "SCMP_CMP_LT", SCMP_CMP_LT, -1, false },
  { "SCMP_CMP_LE", SCMP_CMP_LE, -1, false },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ, -1, false },
  { "SCMP_CMP_GE", SCMP_CMP_GE, -1, false },
  { "SCMP_CMP_GT", SCMP_CMP_GT, -1, false },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ, -1, false },
};

/* Tokens are macros, so a libseccomp that lacks an architecture leaves 0
 * (SCMP_ARCH_NATIVE, never a valid answer here) and the build refuses it. */
#define ARCH(sym, tok) { sym, tok, -1, false }
#ifndef SCMP_ARCH_LOONGARCH64
#define SCMP_ARCH_LOONGARCH64 0
#endif
#ifndef SCMP_ARCH_M68K
#define SCMP_ARCH_M68K 0
#endif
#ifndef SCMP_ARCH_SH
#define SCMP_ARCH_SH 0
#endif
#ifndef SCMP_ARCH_SHEB
#define SCMP_ARCH_SHEB 0
#endif
static const struct entry archs[] = {
  ARCH ("SCMP_ARCH_X86", SCMP_ARCH_X86),
  ARCH ("SCMP_ARCH_X86_64", SCMP_ARCH_X86_64),
  ARCH ("SCMP_ARCH_X32", SCMP_ARCH_X32),
  ARCH ("SCMP_ARCH_ARM", SCMP_ARCH_ARM),
  ARCH ("SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64),
  ARCH ("SCMP_ARCH_MIPS", SCMP_ARCH_MIPS),
  ARCH ("SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64),
  ARCH ("SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32),
  ARCH ("SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL),
  ARCH ("SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64),
  ARCH ("SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32),
  ARCH ("SCMP_ARCH_PPC", SCMP_ARCH_PPC),
  ARCH ("SCMP_ARCH_PPC64", SCMP_ARCH_PPC64),
  ARCH ("SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE),
  ARCH ("SCMP_ARCH_S390", SCMP_ARCH_S390),
  ARCH ("SCMP_ARCH_S390X", SCMP_ARCH_S390X),
  ARCH ("SCMP_ARCH_PARISC", SCMP_ARCH_PARISC),
  ARCH ("SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64),
  ARCH ("SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64),
  ARCH ("SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64),
  ARCH ("SCMP_ARCH_M68K", SCMP_ARCH_M68K),
  ARCH ("SCMP_ARCH_SH", SCMP_ARCH_SH),
  ARCH ("SCMP_ARCH_SHEB", SCMP_ARCH_SHEB),
};

/* The filter is loaded with seccomp(2) directly, so the kernel flag is what
 * takes effect; the libseccomp attribute is still set on the context because
 * setting it makes libseccomp check, in the parent, that the running kernel
 * supports the flag, instead of the child failing later. */
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV 0
#endif
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
#define WAITKILL_ATTR SCMP_FLTATR_CTL_WAITKILL
#else
#define WAITKILL_ATTR -1
#endif
static const struct entry flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC, SCMP_FLTATR_CTL_TSYNC, false },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG, SCMP_FLTATR_CTL_LOG, false },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW, SCMP_FLTATR_CTL_SSB, false },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, WAITKILL_ATTR, false },
};

bool
sk_seccomp_action_lookup (const char *name, uint32_t *action, bool *takes_ret)
{
  const struct entry *e = lookup (actions, N_ELEMS (actions), name);

  if (e == NULL)
    return false;
  *action = e->value;
  *takes_ret = e->takes_ret;
  return true;
}

bool
sk_seccomp_op_lookup (const char *name, int *op)
{
  const struct entry *e = lookup (ops, N_ELEMS (ops), name);

  if (e == NULL)
    return false;
  *op = (int) e->value;
  return true;
}

bool
sk_seccomp_arch_lookup (const char *name, uint32_t *token)
{
  const struct entry *e = lookup (archs, N_ELEMS (archs), name);

  if (e == NULL)
    return false;
  *token = e->value;
  return true;
}

bool
sk_seccomp_flag_lookup (const char *name, int *attr, unsigned int *kernel_flag)
{
  const struct entry *e = lookup (flags, N_ELEMS (flags), name);

  if (e == NULL)
    return false;
  *attr = e->attr;
  *kernel_flag = e->value;
  return true;
}
