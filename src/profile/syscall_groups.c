/* syscall-groups.conf: "@name = call call @other ..." per line, groups may
 * name groups.  The table is data so operators can read and extend it; this
 * file only loads it and expands every group to a sorted set of names.
 *
 * Every profile with a SystemCallFilter= loads the table, on the path of
 * every `create`, so loading is kept to a few passes: the words stay in the
 * file's buffer (split in place), every system call name is ranked once by
 * one sort of all its occurrences, and a group's expansion is a bitset over
 * those ranks (a nested group is one OR), read out in sorted order. */
#include "profile_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

#define NOT_A_CALL UINT32_MAX /* the rank of a "@group" member */

enum expand_state
{
  NOT_EXPANDED,
  EXPANDING, /* on the DFS stack: meeting it again is a cycle */
  EXPANDED,
};

struct member
{
  char *word;    /* as written, in the table's text */
  uint32_t rank; /* index in known, NOT_A_CALL for a @group */
};

struct group
{
  char *name; /* "@mount" (first: nearest_name reads it), in the text */
  unsigned line;
  struct member *members;
  size_t n_members;
  uint64_t *bits;  /* the expansion: bit R = known[R] */
  char **expanded; /* the same, sorted names, in `expanded_block` */
  enum expand_state state;
};

struct sk_syscall_groups
{
  char *path;
  char *text; /* the file; every name points into it */
  struct group *g;
  size_t n;
  char **known;   /* every syscall name the file mentions, sorted */
  size_t n_known;
  size_t words;   /* uint64_t per bitset */
  uint64_t *bits; /* n * words */
  char **expanded_block;
};

/* [a-z0-9] and EXTRA, at least one. */
static bool
valid_name (const char *s, char extra)
{
  if (*s == '\0')
    return false;
  for (; *s != '\0'; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == extra))
      return false;
  return true;
}

static struct group *
find_group (const struct sk_syscall_groups *g, const char *name)
{
  for (size_t i = 0; i < g->n; i++)
    if (strcmp (g->g[i].name, name) == 0)
      return &g->g[i];
  return NULL;
}

static bool
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* Split VALUE on blanks in place, as lex_words does (one pass; VALUE's
 * length bounds the number of words). */
static struct member *
split_members (char *value, size_t *n)
{
  struct member *m = malloc ((strlen (value) / 2 + 1) * sizeof (*m));
  size_t k = 0;

  if (m == NULL)
    return NULL;
  for (char *s = value; *s != '\0';)
    {
      if (is_blank (*s))
        {
          *s++ = '\0';
          continue;
        }
      m[k++] = (struct member){ .word = s, .rank = NOT_A_CALL };
      while (*s != '\0' && !is_blank (*s))
        s++;
    }
  *n = k;
  return m;
}

static int
on_line (void *ctx, const struct lex_line *l, sk_error_t *err)
{
  struct sk_syscall_groups *g = ctx;
  cleanup_free struct member *members = NULL;
  struct group *grown;
  size_t n = 0;

  if (l->key[0] != '@' || !valid_name (l->key + 1, '-'))
    return lex_fail (err, l, "\"%s\": a group name is '@' followed by [a-z0-9-]", l->key);
  if (find_group (g, l->key) != NULL)
    return lex_fail (err, l, "%s defined twice", l->key);
  if ((members = split_members (l->value, &n)) == NULL)
    return sk_error_set (err, ENOMEM, "%s", l->file);
  for (size_t i = 0; i < n; i++)
    {
      const char *w = members[i].word;
      if (w[0] == '@' ? !valid_name (w + 1, '-') : !valid_name (w, '_'))
        return lex_fail (err, l, "%s: \"%s\" is neither a system call nor a @group", l->key, w);
    }
  grown = realloc (g->g, (g->n + 1) * sizeof (*grown));
  if (grown == NULL)
    return sk_error_set (err, ENOMEM, "%s", l->file);
  g->g = grown;
  grown[g->n++] = (struct group){ .name = l->key, .line = l->line, .members = steal_pointer (&members), .n_members = n };
  return 0;
}

static int
cmp_word (const struct member *a, const struct member *b)
{
  /* Most names differ in the first letter: no call for those. */
  if (a->word[0] != b->word[0])
    return (unsigned char) a->word[0] < (unsigned char) b->word[0] ? -1 : 1;
  return strcmp (a->word, b->word);
}

/* Sort N member pointers by word (a bottom-up merge sort through TMP): the
 * table's ~500 names are sorted for every create, where qsort's indirect
 * compares cost more than the compares themselves. */
static void
sort_members (struct member **a, struct member **tmp, size_t n)
{
  struct member **from = a, **to = tmp;

  for (size_t width = 1; width < n; width *= 2)
    {
      for (size_t lo = 0; lo < n; lo += 2 * width)
        {
          size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
          size_t i = lo, j = mid, k = lo;

          while (i < mid && j < hi)
            to[k++] = cmp_word (from[j], from[i]) < 0 ? from[j++] : from[i++];
          while (i < mid)
            to[k++] = from[i++];
          while (j < hi)
            to[k++] = from[j++];
        }
      struct member **t = from;
      from = to;
      to = t;
    }
  if (from != a)
    memcpy (a, from, n * sizeof (*a));
}

/* Rank every system call member (its index in the sorted, unique known)
 * with one sort of all of them. */
static int
rank_calls (struct sk_syscall_groups *g)
{
  cleanup_free struct member **all = NULL;
  size_t total = 0, k = 0;

  for (size_t i = 0; i < g->n; i++)
    total += g->g[i].n_members;
  if ((all = calloc (2 * total + 1, sizeof (*all))) == NULL || (g->known = calloc (total + 1, sizeof (char *))) == NULL)
    return -1;
  for (size_t i = 0; i < g->n; i++)
    for (size_t j = 0; j < g->g[i].n_members; j++)
      if (g->g[i].members[j].word[0] != '@')
        all[k++] = &g->g[i].members[j];
  sort_members (all, all + total, k);
  for (size_t i = 0; i < k; i++)
    {
      if (g->n_known == 0 || strcmp (g->known[g->n_known - 1], all[i]->word) != 0)
        g->known[g->n_known++] = all[i]->word;
      all[i]->rank = (uint32_t) (g->n_known - 1);
    }
  g->words = (g->n_known + 63) / 64;
  if ((g->bits = calloc (g->n * g->words + 1, sizeof (uint64_t))) == NULL)
    return -1;
  for (size_t i = 0; i < g->n; i++)
    g->g[i].bits = g->bits + i * g->words;
  return 0;
}

static int
expand (struct sk_syscall_groups *g, struct group *grp, sk_error_t *err)
{
  struct lex_line l = { .file = g->path, .line = grp->line };

  if (grp->state == EXPANDED)
    return 0;
  grp->state = EXPANDING;
  for (size_t i = 0; i < grp->n_members; i++)
    {
      const struct member *m = &grp->members[i];
      struct group *sub;

      if (m->rank != NOT_A_CALL)
        {
          grp->bits[m->rank / 64] |= UINT64_C (1) << (m->rank % 64);
          continue;
        }
      sub = find_group (g, m->word);
      if (sub == NULL)
        {
          const char *hint = nearest_name (m->word, g->g, g->n, sizeof g->g[0]);
          return lex_fail (err, &l, "%s: unknown group %s%s%s%s", grp->name, m->word, hint ? "; did you mean " : "",
                           hint ? hint : "", hint ? "?" : "");
        }
      if (sub->state == EXPANDING)
        return lex_fail (err, &l, "%s: including %s makes a cycle of groups", grp->name, sub->name);
      if (expand (g, sub, err) < 0)
        return -1;
      for (size_t w = 0; w < g->words; w++)
        grp->bits[w] |= sub->bits[w];
    }
  grp->state = EXPANDED;
  return 0;
}

/* Read every group's bitset out as a sorted list of names. */
static int
list_expansions (struct sk_syscall_groups *g)
{
  size_t total = 0;
  char **out;

  for (size_t i = 0; i < g->n * g->words; i++)
    total += (size_t) __builtin_popcountll (g->bits[i]);
  if ((g->expanded_block = out = calloc (total + g->n, sizeof (char *))) == NULL)
    return -1;
  for (size_t i = 0; i < g->n; i++)
    {
      g->g[i].expanded = out;
      for (size_t w = 0; w < g->words; w++)
        for (uint64_t b = g->g[i].bits[w]; b != 0; b &= b - 1)
          *out++ = g->known[w * 64 + (size_t) __builtin_ctzll (b)];
      *out++ = NULL;
    }
  return 0;
}

int
syscall_groups_load (const char *path, struct sk_syscall_groups **out, sk_error_t *err)
{
  struct sk_syscall_groups *g = calloc (1, sizeof (*g));

  if (g == NULL)
    return sk_error_set (err, ENOMEM, "%s", path);
  if ((g->path = strdup (path)) == NULL)
    {
      syscall_groups_free (g);
      return sk_error_set (err, ENOMEM, "%s", path);
    }
  if (lex_read_file (path, &g->text, NULL, err) < 0 || lex_text (path, g->text, NULL, on_line, g, err) < 0)
    goto fail;
  if (rank_calls (g) < 0)
    {
      sk_error_set (err, ENOMEM, "%s", path);
      goto fail;
    }
  for (size_t i = 0; i < g->n; i++)
    if (expand (g, &g->g[i], err) < 0)
      goto fail;
  if (list_expansions (g) < 0)
    {
      sk_error_set (err, ENOMEM, "%s", path);
      goto fail;
    }
  *out = g;
  return 0;
fail:
  syscall_groups_free (g);
  return -1;
}

void
syscall_groups_free (struct sk_syscall_groups *g)
{
  if (g == NULL)
    return;
  for (size_t i = 0; i < g->n; i++)
    free (g->g[i].members);
  free (g->g);
  free (g->known);
  free (g->bits);
  free (g->expanded_block);
  free (g->text);
  free (g->path);
  free (g);
}

char *const *
syscall_groups_get (const struct sk_syscall_groups *g, const char *name)
{
  const struct group *grp = find_group (g, name);

  return grp != NULL ? grp->expanded : NULL;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

const char *
syscall_groups_find (const struct sk_syscall_groups *g, const char *syscall)
{
  char *const *hit = g->n_known > 0 ? bsearch (&syscall, g->known, g->n_known, sizeof (char *), cmp_str) : NULL;

  return hit != NULL ? *hit : NULL;
}

bool
syscall_groups_known (const struct sk_syscall_groups *g, const char *syscall)
{
  return syscall_groups_find (g, syscall) != NULL;
}

const char *
syscall_groups_nearest (const struct sk_syscall_groups *g, const char *word)
{
  if (word[0] == '@')
    return nearest_name (word, g->g, g->n, sizeof g->g[0]);
  return nearest_name (word, g->known, g->n_known, sizeof (char *));
}
