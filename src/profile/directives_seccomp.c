/* SystemCall*= and CapabilityBoundingSet=: the directives whose values are
 * sets with systemd's '~' (invert) semantics. */
#include "directives.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"


/* Index = bit number in sk_profile.sc_argf. */
const char *const argf_names[] = { "clone-no-namespaces", "personality-linux-only", "socket-no-vsock" };

size_t
argf_count (void)
{
  return N_ELEM (argf_names);
}

/* Expand the words of one SystemCallFilter= line into a sorted set of names
 * borrowed from the group table (free the array only). */
static int
expand_words (struct parse_state *st, const struct lex_line *l, const char *value, char ***out, sk_error_t *err)
{
  cleanup_strv char **words = NULL;
  cleanup_free char **names = calloc (1, sizeof (char *));

  if (names == NULL || lex_words (value, false, &words, err) < 0)
    return names == NULL ? sk_error_set (err, ENOMEM, "%s", l->file) : -1;
  for (size_t i = 0; words[i] != NULL; i++)
    {
      const char *w = words[i];
      char *one[2] = { NULL, NULL };
      char *const *members = one;

      if (w[0] == '@' && (members = syscall_groups_get (st->groups, w)) == NULL)
        return hint_fail (err, l, "system call group", w, syscall_groups_nearest (st->groups, w));
      /* A name the group table does not know is most likely a typo. */
      if (w[0] != '@' && (one[0] = (char *) syscall_groups_find (st->groups, w)) == NULL)
        return hint_fail (err, l, "system call", w, syscall_groups_nearest (st->groups, w));
      if (strset_union_borrowed (&names, members) < 0)
        return sk_error_set (err, ENOMEM, "%s", l->file);
    }
  *out = steal_pointer (&names);
  return 0;
}

int
set_syscall_filter (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  struct sk_profile *p = st->p;
  cleanup_free char **names = NULL;
  const char *v = l->value;
  bool invert = false;

  (void) d;
  if (*v == '\0')
    {
      p->sc_set = p->sc_deny_list = false;
      free (p->sc_names);
      p->sc_names = NULL;
      return 0;
    }
  if (*v == '~')
    {
      invert = true;
      v++;
    }
  if (profile_need_groups (st, err) < 0)
    return sk_error_wrap (err, "%s:%u: %s", l->file, l->line, l->key);
  if (expand_words (st, l, v, &names, err) < 0)
    return -1;
  /* The first assignment picks the form; later ones of the same form extend
   * it, of the other form subtract from it (systemd.exec(5)). */
  if (!p->sc_set)
    {
      p->sc_set = true;
      p->sc_deny_list = invert;
      free (p->sc_names);
      if ((p->sc_names = calloc (1, sizeof (char *))) == NULL)
        return sk_error_set (err, ENOMEM, "%s", l->file);
    }
  if (invert == p->sc_deny_list)
    return strset_union_borrowed (&p->sc_names, names) < 0 ? sk_error_set (err, ENOMEM, "%s", l->file) : 0;
  for (size_t i = 0; names[i] != NULL; i++)
    strset_remove_borrowed (p->sc_names, names[i]);
  return 0;
}

int
set_syscall_errno (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  uint64_t n;
  int e;

  (void) d;
  if (*l->value == '\0')
    e = SK_UNSET;
  else if (strcmp (l->value, "kill") == 0)
    e = SK_SECCOMP_KILL;
  else if ((e = errno_from_name (l->value)) >= 0)
    ;
  else if (parse_u64 (l->value, false, &n) == 0 && n >= 1 && n <= 4095)
    e = (int) n;
  else
    return hint_fail (err, l, "error number (EPERM, ENOSYS, ... or kill)", l->value, errno_nearest (l->value));
  st->p->sc_errno = e;
  return 0;
}

int
set_syscall_argf (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  cleanup_strv char **words = NULL;
  unsigned bits = 0;

  (void) d;
  if (lex_words (l->value, false, &words, err) < 0)
    return -1;
  for (size_t i = 0; words[i] != NULL; i++)
    {
      size_t k = 0;
      while (k < N_ELEM (argf_names) && strcmp (argf_names[k], words[i]) != 0)
        k++;
      if (k == N_ELEM (argf_names))
        return hint_fail (err, l, "argument filter", words[i],
                          nearest_name (words[i], argf_names, N_ELEM (argf_names), sizeof (char *)));
      bits |= 1u << k;
    }
  st->p->sc_argf = words[0] == NULL ? 0 : st->p->sc_argf | bits;
  return 0;
}

int
set_syscall_archs (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  struct sk_profile *p = st->p;
  cleanup_strv char **words = NULL;

  (void) d;
  if (lex_words (l->value, false, &words, err) < 0)
    return -1;
  if (words[0] == NULL)
    {
      sk_strv_free (p->sc_archs);
      p->sc_archs = NULL;
      return 0;
    }
  for (size_t i = 0; words[i] != NULL; i++)
    {
      const char *scmp = arch_from_name (words[i]);
      if (scmp == NULL)
        return bad_value (err, l, "unknown architecture \"%s\" (native x86-64 x86 x32 arm arm64 ...)", words[i]);
      if (strset_add (&p->sc_archs, scmp) < 0)
        return sk_error_set (err, ENOMEM, "%s", l->file);
    }
  return 0;
}

int
set_caps (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  struct sk_profile *p = st->p;
  const uint64_t all = (UINT64_C (1) << sk_profile_cap_count ()) - 1;
  cleanup_strv char **words = NULL;
  const char *v = l->value;
  bool invert = false;
  uint64_t listed = 0;

  (void) d;
  if (*v == '~')
    {
      invert = true;
      v++;
    }
  if (lex_words (v, false, &words, err) < 0)
    return -1;
  for (size_t i = 0; words[i] != NULL; i++)
    {
      int cap = sk_profile_cap_from_name (words[i]);
      if (cap < 0)
        return hint_fail (err, l, "capability", words[i], sk_profile_cap_nearest (words[i]));
      listed |= UINT64_C (1) << cap;
    }
  /* Empty: no capabilities at all (systemd).  "~LIST": all but LIST;
   * further lines add (LIST) or take away (~LIST). */
  if (*l->value == '\0')
    p->cap_mask = 0;
  else if (invert)
    p->cap_mask = (p->cap_set ? p->cap_mask : all) & ~listed;
  else
    p->cap_mask = (p->cap_set ? p->cap_mask : 0) | listed;
  p->cap_set = true;
  return 0;
}
