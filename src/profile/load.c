/* Loading a profile: finding the file, following Include= (cycles refused),
 * loading the syscall-group table on demand, and the accessors. */
#include "profile_internal.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stockade-config.h"
#include "stockade/cleanup.h"

/* Includes nest this deep at most: deeper is a mistake, not a design. */
#define MAX_INCLUDE_DEPTH 16

#define GROUPS_FILE "syscall-groups.conf"
#define PROFILE_SUFFIX ".profile"

struct include_frame
{
  const struct include_frame *parent;
  dev_t dev;
  ino_t ino;
  const char *path;
};

const char *const *
sk_profile_default_search_dirs (void)
{
  static const char *const dirs[] = { "/etc/stockade/profiles", STOCKADE_PROFILE_DIR, NULL };
  return dirs;
}

/* "web.profile" names the same profile as "web". */
static bool
has_suffix (const char *name)
{
  size_t n = strlen (name), sn = strlen (PROFILE_SUFFIX);

  return n > sn && strcmp (name + n - sn, PROFILE_SUFFIX) == 0;
}

static char *
dir_of (const char *path)
{
  cleanup_free char *copy = strdup (path);

  return copy != NULL ? strdup (dirname (copy)) : NULL;
}

/* DIR/NAME when it exists, else NULL (and *oom on allocation failure). */
static char *
try_dir (const char *dir, const char *name, bool *oom)
{
  char *path = NULL;

  if (asprintf (&path, "%s/%s", dir, name) < 0)
    {
      *oom = true;
      return NULL;
    }
  if (access (path, F_OK) == 0)
    return path;
  free (path);
  return NULL;
}

/* NAME (already with its suffix) in DIRS, then in LAST_DIR. */
static int
find_in_dirs (const char *name, const char *const *dirs, const char *last_dir, char **out, sk_error_t *err)
{
  cleanup_free char *tried = NULL;
  bool oom = false;

  for (size_t i = 0; dirs != NULL && dirs[i] != NULL && *out == NULL && !oom; i++)
    *out = try_dir (dirs[i], name, &oom);
  if (*out == NULL && last_dir != NULL && !oom)
    *out = try_dir (last_dir, name, &oom);
  if (oom)
    return sk_error_set (err, ENOMEM, "%s", name);
  if (*out != NULL)
    return 0;
  tried = strv_join ((char *const *) dirs, ", ");
  return sk_error_set (err, ENOENT, "%s not found in %s%s%s", name, tried != NULL ? tried : "",
                       last_dir != NULL ? ", " : "", last_dir != NULL ? last_dir : "");
}

int
profile_need_groups (struct parse_state *st, sk_error_t *err)
{
  cleanup_free char *path = NULL;

  if (st->groups != NULL)
    return 0;
  if (find_in_dirs (GROUPS_FILE, st->search_dirs, st->top_dir, &path, err) < 0
      || syscall_groups_load (path, &st->p->groups, err) < 0)
    return -1;
  /* The profile keeps the table: its filter's names are the table's. */
  st->groups = st->p->groups;
  st->p->groups_path = steal_pointer (&path);
  return 0;
}

static int
on_directive (void *ctx, const struct lex_line *l, sk_error_t *err)
{
  return directive_apply (ctx, l, err);
}

/* Parse PATH into st->p; FROM is the Include= line that named it (NULL for
 * the top-level file). */
static int
parse_path (struct parse_state *st, const char *path, const struct lex_line *from, sk_error_t *err)
{
  cleanup_free char *text = NULL;
  struct include_frame frame = { .parent = st->stack, .path = path };
  struct stat sb;
  int r;

  if (lex_read_file (path, &text, &sb, err) < 0)
    return from != NULL ? sk_error_wrap (err, "%s:%u: Include=%s", from->file, from->line, from->value) : -1;
  frame.dev = sb.st_dev;
  frame.ino = sb.st_ino;
  for (const struct include_frame *f = st->stack; f != NULL; f = f->parent)
    if (f->dev == frame.dev && f->ino == frame.ino)
      {
        const char *loop[MAX_INCLUDE_DEPTH + 1];
        cleanup_sbuf struct sbuf chain = { 0 };
        cleanup_free char *msg = NULL;
        size_t n = 0;

        /* Print the loop from the file that started it: a -> b -> a. */
        for (const struct include_frame *g = st->stack; g != f->parent && n < MAX_INCLUDE_DEPTH; g = g->parent)
          loop[n++] = g->path;
        while (n > 0)
          sbuf_printf (&chain, "%s -> ", loop[--n]);
        sbuf_printf (&chain, "%s", path);
        sbuf_finish (&chain, &msg, NULL, err);
        return lex_fail (err, from, "Include=%s: include cycle: %s", from->value, msg != NULL ? msg : path);
      }
  if (st->depth >= MAX_INCLUDE_DEPTH)
    return lex_fail (err, from, "Include=%s: includes nested deeper than %d", from->value, MAX_INCLUDE_DEPTH);
  if (strv_add_unique (&st->p->files, path) < 0)
    return sk_error_set (err, ENOMEM, "%s", path);
  st->stack = &frame;
  st->depth++;
  r = lex_text (path, text, "Profile", on_directive, st, err);
  st->depth--;
  st->stack = frame.parent;
  return r;
}

int
profile_include (struct parse_state *st, const struct lex_line *l, const char *name, sk_error_t *err)
{
  cleanup_free char *path = NULL, *here = dir_of (l->file), *file = NULL;

  if (here == NULL)
    return sk_error_set (err, ENOMEM, "%s", l->file);
  if (strchr (name, '/') != NULL)
    {
      /* A path: relative ones are relative to the including file. */
      if (name[0] == '/' ? (path = strdup (name)) == NULL : asprintf (&path, "%s/%s", here, name) < 0)
        return sk_error_set (err, ENOMEM, "%s", l->file);
    }
  else
    {
      if (asprintf (&file, "%s%s", name, has_suffix (name) ? "" : PROFILE_SUFFIX) < 0)
        return sk_error_set (err, ENOMEM, "%s", l->file);
      if (find_in_dirs (file, st->search_dirs, here, &path, err) < 0)
        return sk_error_wrap (err, "%s:%u: Include=%s", l->file, l->line, name);
    }
  return parse_path (st, path, l, err);
}

static struct sk_profile *
profile_new (const char *path)
{
  struct sk_profile *p = calloc (1, sizeof (*p));
  cleanup_free char *copy = strdup (path);
  char *base, *dot;

  if (p == NULL || copy == NULL)
    {
      free (p);
      return NULL;
    }
  base = basename (copy);
  dot = strrchr (base, '.');
  if (dot != NULL && strcmp (dot, PROFILE_SUFFIX) == 0)
    *dot = '\0';
  p->name = strdup (base);
  p->path = strdup (path);
  p->mode = p->sc_errno = p->ambient = p->no_new_privs = SK_UNSET;
  p->private_users = p->readonly_rootfs = p->allow_hooks = SK_UNSET;
  p->pids_max = SK_UNSET;
  if (p->name == NULL || p->path == NULL)
    {
      sk_profile_free (p);
      return NULL;
    }
  return p;
}

/* Settings that only make sense together. */
static int
check_profile (const struct sk_profile *p, sk_error_t *err)
{
  if ((p->selinux_level != NULL || p->selinux_mount_type != NULL) && p->selinux_type == NULL)
    return sk_error_set (err, 0, "%s: SELinuxLevel= and SELinuxMountContext= need SELinuxContext=", p->path);
  if (p->userns_range_set && p->private_users != SK_PRIVATE_USERS_REQUIRE)
    return sk_error_set (err, 0, "%s: PrivateUsersRange= needs PrivateUsers=require", p->path);
  return 0;
}

int
sk_profile_parse_file (const char *path, const char *const *search_dirs, struct sk_profile **out, sk_error_t *err)
{
  cleanup_profile struct sk_profile *p = profile_new (path);
  cleanup_free char *top_dir = dir_of (path);
  struct parse_state st = { 0 };
  int r;

  if (p == NULL || top_dir == NULL)
    return sk_error_set (err, ENOMEM, "%s", path);
  st.p = p;
  st.search_dirs = search_dirs != NULL ? search_dirs : sk_profile_default_search_dirs ();
  st.top_dir = top_dir;
  r = parse_path (&st, path, NULL, err);
  if (r < 0 || check_profile (p, err) < 0)
    return -1;
  *out = steal_pointer (&p);
  return 0;
}

int
sk_profile_load (const char *name_or_path, const char *const *search_dirs, struct sk_profile **out,
                 sk_error_t *err)
{
  cleanup_free char *file = NULL, *path = NULL;

  if (search_dirs == NULL)
    search_dirs = sk_profile_default_search_dirs ();
  if (strchr (name_or_path, '/') != NULL)
    return sk_profile_parse_file (name_or_path, search_dirs, out, err);
  if (*name_or_path == '\0' || name_or_path[0] == '.')
    return sk_error_set (err, EINVAL, "profile name \"%s\": expected a name or a path", name_or_path);
  if (asprintf (&file, "%s%s", name_or_path, has_suffix (name_or_path) ? "" : PROFILE_SUFFIX) < 0)
    return sk_error_set (err, ENOMEM, "profile %s", name_or_path);
  if (find_in_dirs (file, search_dirs, NULL, &path, err) < 0)
    return sk_error_wrap (err, "profile %s", name_or_path);
  return sk_profile_parse_file (path, search_dirs, out, err);
}

void
sk_profile_free (struct sk_profile *p)
{
  if (p == NULL)
    return;
  free (p->name);
  free (p->path);
  sk_strv_free (p->files);
  free (p->groups_path);
  free (p->sc_names); /* borrowed names */
  syscall_groups_free (p->groups);
  sk_strv_free (p->sc_archs);
  sk_strv_free (p->writable_paths);
  sk_strv_free (p->masked_paths);
  sk_strv_free (p->readonly_paths);
  sk_strv_free (p->deny_bind_sources);
  sk_strv_free (p->bind_flags);
  free (p->devices);
  free (p->selinux_type);
  free (p->selinux_level);
  free (p->selinux_mount_type);
  sk_strv_free (p->landlock_ro);
  sk_strv_free (p->landlock_rw);
  sk_strv_free (p->sysctl_allow);
  free (p);
}

const char *
sk_profile_name (const struct sk_profile *p)
{
  return p->name;
}

enum sk_profile_mode
sk_profile_mode (const struct sk_profile *p)
{
  return p->mode == SK_UNSET ? SK_PROFILE_ENFORCE : (enum sk_profile_mode) p->mode;
}

const char *
sk_profile_mode_name (enum sk_profile_mode m)
{
  static const char *const names[] = { "enforce", "strict", "complain" };
  return (unsigned) m < 3 ? names[m] : "unknown";
}

bool
sk_profile_landlock (const struct sk_profile *p, const char *const **read_only, const char *const **read_write)
{
  *read_only = *read_write = NULL;
  if (sk_profile_mode (p) == SK_PROFILE_COMPLAIN || (p->landlock_ro == NULL && p->landlock_rw == NULL))
    return false;
  *read_only = (const char *const *) p->landlock_ro;
  *read_write = (const char *const *) p->landlock_rw;
  return true;
}

enum sk_private_users
sk_profile_private_users (const struct sk_profile *p)
{
  return p->private_users == SK_UNSET ? SK_PRIVATE_USERS_ALLOW : (enum sk_private_users) p->private_users;
}

unsigned
sk_profile_private_namespaces (const struct sk_profile *p)
{
  return sk_profile_mode (p) == SK_PROFILE_COMPLAIN ? 0 : p->private_ns;
}
