/* The profile's own seccomp filter, as an OCI seccomp object the runtime's
 * seccomp module loads as a second filter.  Two stacked filters give the
 * stricter answer, so the config's filter never needs rewriting. */
#include "profile_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

/* CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
 * | CLONE_NEWPID | CLONE_NEWNET: Docker's mask.  clone() cannot take
 * CLONE_NEWTIME (0x80 is part of its exit signal there); unshare() can. */
#define CLONE_NS_FLAGS UINT64_C (0x7E020000)
#define CLONE_NEWTIME_FLAG UINT64_C (0x80)
#define PERSONALITY_QUERY UINT64_C (0xffffffff)
#define AF_VSOCK_FAMILY 40

static const uint64_t ns_flag_bits[] = {
  0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000, 0x80,
};

struct builder
{
  struct oci_seccomp *s;
  const char *deny_action; /* what a denied call gets */
  int errno_ret;           /* -1: none (kill, log) */
  bool oom;
};

/* The names of V, but those SKIP (may be NULL) is true for, as one
 * allocation: the pointers, then the strings.  Every rule's names are built
 * so (an allow-list has hundreds, copied for every create), and
 * sk_profile_seccomp_free frees them with one free(). */
static char **
names_block (char *const *v, bool (*skip) (const void *ctx, const char *name), const void *ctx)
{
  size_t n = 0, bytes = 0;
  char **out, *p;

  for (size_t i = 0; v[i] != NULL; i++)
    if (skip == NULL || !skip (ctx, v[i]))
      {
        n++;
        bytes += strlen (v[i]) + 1;
      }
  if ((out = malloc ((n + 1) * sizeof (char *) + bytes)) == NULL)
    return NULL;
  p = (char *) (out + n + 1);
  n = 0;
  for (size_t i = 0; v[i] != NULL; i++)
    if (skip == NULL || !skip (ctx, v[i]))
      {
        out[n++] = p;
        p = stpcpy (p, v[i]) + 1;
      }
  out[n] = NULL;
  return out;
}

static struct oci_seccomp_syscall *
push_rule (struct builder *b, const char *name, const char *action, int errno_ret)
{
  struct oci_seccomp *s = b->s;
  struct oci_seccomp_syscall *grown, *r;

  if (b->oom)
    return NULL;
  grown = realloc (s->syscalls, (s->n_syscalls + 1) * sizeof (*grown));
  if (grown == NULL)
    {
      b->oom = true;
      return NULL;
    }
  s->syscalls = grown;
  r = &grown[s->n_syscalls++];
  memset (r, 0, sizeof *r);
  r->action = strdup (action);
  if (name != NULL)
    {
      char *const one[] = { (char *) name, NULL };
      r->names = names_block (one, NULL, NULL);
    }
  if (errno_ret >= 0)
    r->errno_ret = (sk_opt_u32){ .set = true, .v = (uint32_t) errno_ret };
  if (r->action == NULL || (name != NULL && r->names == NULL))
    b->oom = true;
  return r;
}

/* One comparison on argument INDEX. */
static void
push_arg (struct builder *b, struct oci_seccomp_syscall *r, uint32_t index, const char *op, uint64_t value,
          uint64_t value_two)
{
  struct oci_seccomp_arg *a;
  char *op_copy;

  if (r == NULL || b->oom)
    return;
  a = calloc (1, sizeof (*a));
  op_copy = strdup (op);
  if (a == NULL || op_copy == NULL)
    {
      free (a);
      free (op_copy);
      b->oom = true;
      return;
    }
  *a = (struct oci_seccomp_arg){ .index = index, .value = value, .value_two = value_two, .op = op_copy };
  r->args = a;
  r->n_args = 1;
}

static void
conditional (struct builder *b, const char *name, const char *action, int errno_ret, const char *op, uint64_t value,
             uint64_t value_two)
{
  push_arg (b, push_rule (b, name, action, errno_ret), 0, op, value, value_two);
}

/* NAME gets rules of its own under the argument filters *AF (the first
 * letter spares hundreds of string compares per create). */
static bool
has_own_rule (const void *argf, const char *name)
{
  const unsigned af = *(const unsigned *) argf;

  switch (name[0])
    {
    case 'c':
      return (af & SK_ARGF_CLONE_NO_NS) && (strcmp (name, "clone") == 0 || strcmp (name, "clone3") == 0);
    case 'u':
      return (af & SK_ARGF_CLONE_NO_NS) && strcmp (name, "unshare") == 0;
    case 'p':
      return (af & SK_ARGF_PERSONALITY_LINUX) && strcmp (name, "personality") == 0;
    case 's':
      return (af & SK_ARGF_SOCKET_NO_VSOCK) && strcmp (name, "socket") == 0;
    default:
      return false;
    }
}

/* Allow-list form: everything not allowed gets the default action. */
static void
allow_list (struct builder *b, const struct sk_profile *p, bool complain)
{
  const unsigned af = p->sc_argf;
  bool has_clone3 = strset_has (p->sc_names, "clone3") && !(af & SK_ARGF_CLONE_NO_NS);
  /* sc_names is a sorted set: what is left of it, in order, is one too. */
  cleanup_free char **plain = names_block (p->sc_names, has_own_rule, &af);

  if (plain == NULL)
    b->oom = true;
  /* The spec wants at least one name per rule: an empty allow-list is the
   * default action alone. */
  if (plain != NULL && plain[0] != NULL)
    {
      struct oci_seccomp_syscall *r = push_rule (b, NULL, "SCMP_ACT_ALLOW", -1);
      if (r != NULL)
        r->names = steal_pointer (&plain);
    }
  if ((af & SK_ARGF_CLONE_NO_NS) && strset_has (p->sc_names, "clone"))
    conditional (b, "clone", "SCMP_ACT_ALLOW", -1, "SCMP_CMP_MASKED_EQ", CLONE_NS_FLAGS, 0);
  if ((af & SK_ARGF_CLONE_NO_NS) && strset_has (p->sc_names, "unshare"))
    conditional (b, "unshare", "SCMP_ACT_ALLOW", -1, "SCMP_CMP_MASKED_EQ", CLONE_NS_FLAGS | CLONE_NEWTIME_FLAG, 0);
  /* clone3's flags live in memory seccomp cannot read.  ENOSYS makes libc
   * fall back to clone(), which the rule above can check; any other error
   * would break thread and process creation.  In complain mode the
   * fallback is harmless, so there is nothing to log. */
  if (!has_clone3)
    push_rule (b, "clone3", complain ? "SCMP_ACT_ALLOW" : "SCMP_ACT_ERRNO", complain ? -1 : ENOSYS);
  if ((af & SK_ARGF_PERSONALITY_LINUX) && strset_has (p->sc_names, "personality"))
    {
      conditional (b, "personality", "SCMP_ACT_ALLOW", -1, "SCMP_CMP_EQ", 0, 0);
      conditional (b, "personality", "SCMP_ACT_ALLOW", -1, "SCMP_CMP_EQ", PERSONALITY_QUERY, 0);
    }
  if ((af & SK_ARGF_SOCKET_NO_VSOCK) && strset_has (p->sc_names, "socket"))
    conditional (b, "socket", "SCMP_ACT_ALLOW", -1, "SCMP_CMP_NE", AF_VSOCK_FAMILY, 0);
}

/* Deny-list form (or no list, only argument filters): everything else is
 * allowed.  Conditions become one denying rule per namespace flag, since a
 * rule's comparisons are ANDed. */
static void
deny_list (struct builder *b, const struct sk_profile *p, bool complain)
{
  const unsigned af = p->sc_argf;
  char *const *denied = p->sc_deny_list ? p->sc_names : NULL;

  if (sk_strv_len (denied) > 0)
    {
      struct oci_seccomp_syscall *r = push_rule (b, NULL, b->deny_action, b->errno_ret);
      if (r != NULL && (r->names = names_block (denied, NULL, NULL)) == NULL)
        b->oom = true;
    }
  if (af & SK_ARGF_CLONE_NO_NS)
    {
      for (size_t i = 0; i < sizeof ns_flag_bits / sizeof ns_flag_bits[0]; i++)
        {
          if (ns_flag_bits[i] != CLONE_NEWTIME_FLAG && !strset_has (denied, "clone"))
            conditional (b, "clone", b->deny_action, b->errno_ret, "SCMP_CMP_MASKED_EQ", ns_flag_bits[i],
                         ns_flag_bits[i]);
          if (!strset_has (denied, "unshare"))
            conditional (b, "unshare", b->deny_action, b->errno_ret, "SCMP_CMP_MASKED_EQ", ns_flag_bits[i],
                         ns_flag_bits[i]);
        }
      if (!complain && !strset_has (denied, "clone3"))
        push_rule (b, "clone3", "SCMP_ACT_ERRNO", ENOSYS);
    }
  /* One argument cannot carry two comparisons in a rule, so this form also
   * denies the 0xffffffff query: only PER_LINUX itself passes. */
  if ((af & SK_ARGF_PERSONALITY_LINUX) && !strset_has (denied, "personality"))
    conditional (b, "personality", b->deny_action, b->errno_ret, "SCMP_CMP_NE", 0, 0);
  if ((af & SK_ARGF_SOCKET_NO_VSOCK) && !strset_has (denied, "socket"))
    conditional (b, "socket", b->deny_action, b->errno_ret, "SCMP_CMP_EQ", AF_VSOCK_FAMILY, 0);
}

struct oci_seccomp *
sk_profile_seccomp (const struct sk_profile *p, sk_error_t *err)
{
  bool complain = sk_profile_mode (p) == SK_PROFILE_COMPLAIN;
  int e = p->sc_errno == SK_UNSET ? EPERM : p->sc_errno;
  struct builder b = { 0 };

  if (!p->sc_set && p->sc_argf == 0)
    return NULL;
  if ((b.s = calloc (1, sizeof (*b.s))) == NULL)
    {
      sk_error_set (err, ENOMEM, "profile %s: seccomp filter", p->name);
      return NULL;
    }
  b.deny_action = complain ? "SCMP_ACT_LOG" : e == SK_SECCOMP_KILL ? "SCMP_ACT_KILL_PROCESS" : "SCMP_ACT_ERRNO";
  b.errno_ret = complain || e == SK_SECCOMP_KILL ? -1 : e;
  if (p->sc_set && !p->sc_deny_list)
    {
      b.s->default_action = strdup (b.deny_action);
      if (b.errno_ret >= 0)
        b.s->default_errno_ret = (sk_opt_u32){ .set = true, .v = (uint32_t) b.errno_ret };
      allow_list (&b, p, complain);
    }
  else
    {
      b.s->default_action = strdup ("SCMP_ACT_ALLOW");
      deny_list (&b, p, complain);
    }
  if (p->sc_archs != NULL && (b.s->architectures = strv_dup (p->sc_archs)) == NULL)
    b.oom = true;
  if (b.oom || b.s->default_action == NULL)
    {
      sk_profile_seccomp_free (b.s);
      sk_error_set (err, ENOMEM, "profile %s: seccomp filter", p->name);
      return NULL;
    }
  return b.s;
}

void
sk_profile_seccomp_free (struct oci_seccomp *s)
{
  if (s == NULL)
    return;
  free (s->default_action);
  sk_strv_free (s->architectures);
  sk_strv_free (s->flags);
  free (s->listener_path);
  free (s->listener_metadata);
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      free (s->syscalls[i].names); /* one block: names_block */
      free (s->syscalls[i].action);
      for (size_t j = 0; j < s->syscalls[i].n_args; j++)
        free (s->syscalls[i].args[j].op);
      free (s->syscalls[i].args);
    }
  free (s->syscalls);
  free (s);
}
