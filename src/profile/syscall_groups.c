/* syscall-groups.conf: "@name = call call @other ..." per line, groups may
 * name groups.  The table is data so operators can read and extend it; this
 * file only loads it and expands every group to a sorted set of names. */
#include "profile_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

enum expand_state
{
  NOT_EXPANDED,
  EXPANDING, /* on the DFS stack: meeting it again is a cycle */
  EXPANDED,
};

struct group
{
  char *name; /* "@mount" */
  unsigned line;
  char **members; /* as written */
  char **expanded;
  enum expand_state state;
};

struct sk_syscall_groups
{
  char *path;
  struct group *g;
  size_t n;
  char **known; /* every syscall name the file mentions, sorted */
};

static bool
valid_name (const char *s, const char *extra)
{
  if (*s == '\0')
    return false;
  for (; *s != '\0'; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr (extra, *s) != NULL))
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

static int
on_line (void *ctx, const struct lex_line *l, sk_error_t *err)
{
  struct sk_syscall_groups *g = ctx;
  cleanup_strv char **words = NULL;
  struct group *grown;

  if (l->key[0] != '@' || !valid_name (l->key + 1, "-"))
    return lex_fail (err, l, "\"%s\": a group name is '@' followed by [a-z0-9-]", l->key);
  if (find_group (g, l->key) != NULL)
    return lex_fail (err, l, "%s defined twice", l->key);
  if (lex_words (l->value, false, &words, err) < 0)
    return -1;
  for (size_t i = 0; words[i] != NULL; i++)
    {
      const char *w = words[i];
      if (w[0] == '@' ? !valid_name (w + 1, "-") : !valid_name (w, "_"))
        return lex_fail (err, l, "%s: \"%s\" is neither a system call nor a @group", l->key, w);
      if (w[0] != '@' && strset_add (&g->known, w) < 0)
        return sk_error_set (err, ENOMEM, "%s", l->file);
    }
  grown = realloc (g->g, (g->n + 1) * sizeof (*grown));
  if (grown == NULL)
    return sk_error_set (err, ENOMEM, "%s", l->file);
  g->g = grown;
  grown[g->n] = (struct group){ .name = strdup (l->key), .line = l->line, .members = steal_pointer (&words) };
  if (grown[g->n++].name == NULL)
    return sk_error_set (err, ENOMEM, "%s", l->file);
  return 0;
}

static int
expand (struct sk_syscall_groups *g, struct group *grp, sk_error_t *err)
{
  struct lex_line l = { .file = g->path, .line = grp->line };

  if (grp->state == EXPANDED)
    return 0;
  grp->state = EXPANDING;
  grp->expanded = calloc (1, sizeof (char *));
  if (grp->expanded == NULL)
    return sk_error_set (err, ENOMEM, "%s", g->path);
  for (size_t i = 0; grp->members[i] != NULL; i++)
    {
      const char *m = grp->members[i];
      struct group *sub;

      if (m[0] != '@')
        {
          if (strset_add (&grp->expanded, m) < 0)
            return sk_error_set (err, ENOMEM, "%s", g->path);
          continue;
        }
      sub = find_group (g, m);
      if (sub == NULL)
        {
          const char *hint = nearest_name (m, g->g, g->n, sizeof g->g[0]);
          return lex_fail (err, &l, "%s: unknown group %s%s%s%s", grp->name, m, hint ? "; did you mean " : "",
                           hint ? hint : "", hint ? "?" : "");
        }
      if (sub->state == EXPANDING)
        return lex_fail (err, &l, "%s: including %s makes a cycle of groups", grp->name, sub->name);
      if (expand (g, sub, err) < 0)
        return -1;
      if (strset_union (&grp->expanded, sub->expanded) < 0)
        return sk_error_set (err, ENOMEM, "%s", g->path);
    }
  grp->state = EXPANDED;
  return 0;
}

int
syscall_groups_load (const char *path, struct sk_syscall_groups **out, sk_error_t *err)
{
  cleanup_free char *text = NULL;
  struct sk_syscall_groups *g = calloc (1, sizeof (*g));

  if (g == NULL)
    return sk_error_set (err, ENOMEM, "%s", path);
  if ((g->path = strdup (path)) == NULL)
    {
      syscall_groups_free (g);
      return sk_error_set (err, ENOMEM, "%s", path);
    }
  if (lex_read_file (path, &text, NULL, err) < 0 || lex_text (path, text, NULL, on_line, g, err) < 0)
    goto fail;
  for (size_t i = 0; i < g->n; i++)
    if (expand (g, &g->g[i], err) < 0)
      goto fail;
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
    {
      free (g->g[i].name);
      sk_strv_free (g->g[i].members);
      sk_strv_free (g->g[i].expanded);
    }
  free (g->g);
  sk_strv_free (g->known);
  free (g->path);
  free (g);
}

char *const *
syscall_groups_get (const struct sk_syscall_groups *g, const char *name)
{
  const struct group *grp = find_group (g, name);

  return grp != NULL ? grp->expanded : NULL;
}

bool
syscall_groups_known (const struct sk_syscall_groups *g, const char *syscall)
{
  return strset_has (g->known, syscall);
}

const char *
syscall_groups_nearest (const struct sk_syscall_groups *g, const char *word)
{
  if (word[0] == '@')
    return nearest_name (word, g->g, g->n, sizeof g->g[0]);
  return nearest_name (word, g->known, sk_strv_len (g->known), sizeof (char *));
}
