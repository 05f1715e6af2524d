/* The directive table: every Key= a profile may use, and how its value is
 * read into struct sk_profile.  Semantics follow systemd.exec(5): list
 * directives accumulate across lines and an empty assignment clears them. */
#include "directives.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

#define FIELD(p, d, type) ((type *) ((char *) (p) + (d)->offset))

int
bad_value (sk_error_t *err, const struct lex_line *l, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  /* Long values (syscall lists) are not repeated; MSG names the bad word. */
  if (strlen (l->value) <= 48)
    return lex_fail (err, l, "%s=%s: %s", l->key, l->value, msg != NULL ? msg : "bad value");
  return lex_fail (err, l, "%s=: %s", l->key, msg != NULL ? msg : "bad value");
}

int
hint_fail (sk_error_t *err, const struct lex_line *l, const char *what, const char *word, const char *hint)
{
  if (hint != NULL)
    return bad_value (err, l, "unknown %s \"%s\"; did you mean \"%s\"?", what, word, hint);
  return bad_value (err, l, "unknown %s \"%s\"", what, word);
}

/* ---- generic value kinds ---- */

static const struct
{
  const char *name;
  int value;
} bools[] = {
  { "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 }, { "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 },
};

int
parse_bool (const struct lex_line *l, int *out, sk_error_t *err)
{
  for (size_t i = 0; i < N_ELEM (bools); i++)
    if (strcmp (bools[i].name, l->value) == 0)
      {
        *out = bools[i].value;
        return 0;
      }
  return bad_value (err, l, "expected yes or no");
}

static int
set_bool (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  return parse_bool (l, FIELD (st->p, d, int), err);
}

static int
set_enum (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  const char *const *names = d->arg;
  size_t n = 0;

  for (; names[n] != NULL; n++)
    if (strcmp (names[n], l->value) == 0)
      {
        *FIELD (st->p, d, int) = (int) n;
        return 0;
      }
  {
    cleanup_free char *all = strv_join ((char *const *) names, ", ");
    const char *hint = nearest_name (l->value, names, n, sizeof names[0]);
    return bad_value (err, l, "expected one of: %s%s%s%s", all ? all : "", hint ? "; did you mean \"" : "",
                      hint ? hint : "", hint ? "\"?" : "");
  }
}

/* Absolute paths, normalised, appended in order (duplicates dropped). */
static int
set_paths (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  char ***list = FIELD (st->p, d, char **);
  cleanup_strv char **words = NULL;

  if (lex_list_words (l, list, &words, err) < 0)
    return -1;
  for (size_t i = 0; words != NULL && words[i] != NULL; i++)
    {
      cleanup_free char *norm = NULL;

      if (words[i][0] != '/')
        return bad_value (err, l, "\"%s\": expected an absolute path", words[i]);
      if ((norm = path_normalize (words[i])) == NULL || strv_add_unique (list, norm) < 0)
        return sk_error_set (err, ENOMEM, "%s", l->file);
    }
  return 0;
}

/* An SELinux type: "container_t". */
static int
set_word (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  char **field = FIELD (st->p, d, char *);

  for (const char *s = l->value; *s != '\0'; s++)
    if (!(isalnum ((unsigned char) *s) || *s == '_'))
      return bad_value (err, l, "expected an SELinux type such as container_t");
  free (*field);
  *field = NULL;
  if (*l->value != '\0' && (*field = strdup (l->value)) == NULL)
    return sk_error_set (err, ENOMEM, "%s", l->file);
  return 0;
}

static int
set_include (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  (void) d;
  if (*l->value == '\0')
    return bad_value (err, l, "expected a profile name or path");
  return profile_include (st, l, l->value, err);
}

static const char *const mode_names[] = { "enforce", "strict", "complain", NULL };
/* Order matches enum sk_private_users. */
static const char *const private_users_names[] = { "allow", "no", "require", NULL };

/* ---- namespaces ---- */

static int
ns_words (const struct lex_line *l, unsigned *mask, bool allow_user, sk_error_t *err)
{
  cleanup_strv char **words = NULL;

  if (lex_words (l->value, false, &words, err) < 0)
    return -1;
  for (size_t i = 0; words[i] != NULL; i++)
    {
      int t = ns_from_name (words[i]);
      if (t < 0)
        return bad_value (err, l, "unknown namespace \"%s\" (pid net ipc uts mnt cgroup user time)", words[i]);
      if (t == OCI_NS_USER && !allow_user)
        return bad_value (err, l, "the user namespace is set with PrivateUsers=require");
      *mask |= 1u << t;
    }
  return 0;
}

static int
set_private_ns (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  (void) d;
  if (*l->value == '\0')
    {
      st->p->private_ns = 0;
      return 0;
    }
  return ns_words (l, &st->p->private_ns, false, err);
}

static int
set_join_ns (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  struct sk_profile *p = st->p;
  int b = 0;

  (void) d;
  p->join_set = true;
  if (*l->value == '\0')
    {
      p->join_ns = 0;
      return 0;
    }
  if (ns_from_name (l->value) < 0 && strchr (l->value, ' ') == NULL)
    {
      if (parse_bool (l, &b, err) < 0)
        return bad_value (err, l, "expected yes, no or a list of namespaces (e.g. net)");
      p->join_ns = b ? (1u << OCI_NS__COUNT) - 1 : 0;
      return 0;
    }
  return ns_words (l, &p->join_ns, true, err);
}

/* ---- users ---- */

static int
set_userns_range (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  struct sk_profile *p = st->p;
  uint64_t start, count;
  cleanup_free char *copy = strdup (l->value);
  char *colon;

  (void) d;
  if (copy == NULL)
    return sk_error_set (err, ENOMEM, "%s", l->file);
  if (*l->value == '\0')
    {
      /* Back to the built-in range, so a profile that includes one with a
       * range can turn PrivateUsers=require off again. */
      p->userns_range_set = false;
      return 0;
    }
  colon = strchr (copy, ':');
  if (colon == NULL)
    return bad_value (err, l, "expected START:COUNT (host uids)");
  *colon = '\0';
  if (parse_u64 (copy, false, &start) < 0 || parse_u64 (colon + 1, false, &count) < 0)
    return bad_value (err, l, "expected START:COUNT (host uids)");
  /* uid 0 must stay outside; (uid_t) -1 is not a uid. */
  if (start == 0)
    return bad_value (err, l, "the range must not contain host uid 0");
  if (count < SK_USERNS_SLICE)
    return bad_value (err, l, "COUNT must hold at least one slice of %u ids", SK_USERNS_SLICE);
  if (start + count > UINT32_MAX)
    return bad_value (err, l, "the range ends past the last host uid 4294967294");
  p->userns_range_set = true;
  p->userns_start = (uint32_t) start;
  p->userns_count = (uint32_t) count;
  return 0;
}

/* ---- filesystem ---- */

static const char *const bind_flag_names[] = { "nosuid", "nodev", "noexec", "ro", "nosymfollow" };

static int
set_bind_flags (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  cleanup_strv char **words = NULL;

  (void) d;
  if (*l->value == '\0')
    {
      sk_strv_free (st->p->bind_flags);
      st->p->bind_flags = NULL;
      return 0;
    }
  if (lex_words (l->value, true, &words, err) < 0)
    return -1;
  for (size_t i = 0; words[i] != NULL; i++)
    {
      bool ok = false;
      for (size_t j = 0; j < N_ELEM (bind_flag_names); j++)
        ok |= strcmp (bind_flag_names[j], words[i]) == 0;
      if (!ok)
        return hint_fail (err, l, "bind mount flag", words[i],
                          nearest_name (words[i], bind_flag_names, N_ELEM (bind_flag_names), sizeof (char *)));
      if (strv_add_unique (&st->p->bind_flags, words[i]) < 0)
        return sk_error_set (err, ENOMEM, "%s", l->file);
    }
  return 0;
}

/* ---- devices, resources, sysctls, SELinux ---- */

static int
set_devices (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  struct sk_profile *p = st->p;
  cleanup_strv char **words = NULL;

  (void) d;
  p->devices_set = true;
  if (*l->value == '\0')
    {
      p->n_devices = 0;
      return 0;
    }
  if (lex_words (l->value, false, &words, err) < 0)
    return -1;
  for (size_t i = 0; words[i] != NULL; i++)
    {
      cleanup_free char *spec = NULL;
      struct sk_devallow dev, *grown;
      const char *why = NULL;

      /* "c 10:229" is two words: join the type letter with its numbers. */
      if ((strcmp (words[i], "c") == 0 || strcmp (words[i], "b") == 0) && words[i + 1] != NULL)
        {
          if (asprintf (&spec, "%s %s", words[i], words[i + 1]) < 0)
            return sk_error_set (err, ENOMEM, "%s", l->file);
          i++;
        }
      else if ((spec = strdup (words[i])) == NULL)
        return sk_error_set (err, ENOMEM, "%s", l->file);
      if (devallow_parse (spec, &dev, &why) < 0)
        return bad_value (err, l, "\"%s\": %s", spec, why);
      grown = realloc (p->devices, (p->n_devices + 1) * sizeof (*grown));
      if (grown == NULL)
        return sk_error_set (err, ENOMEM, "%s", l->file);
      p->devices = grown;
      grown[p->n_devices++] = dev;
    }
  return 0;
}

static int
set_pids (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  uint64_t v;

  (void) d;
  if (parse_u64 (l->value, false, &v) < 0 || v == 0 || v > INT64_MAX)
    return bad_value (err, l, "expected a positive number of tasks");
  st->p->pids_max = (int64_t) v;
  return 0;
}

static int
set_rlimit (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  struct sk_rlimit_floor *r = &st->p->rlimits[(intptr_t) d->arg];
  cleanup_free char *copy = strdup (l->value);
  char *colon;

  if (copy == NULL)
    return sk_error_set (err, ENOMEM, "%s", l->file);
  colon = strchr (copy, ':');
  if (colon != NULL)
    *colon = '\0';
  if (parse_u64 (copy, true, &r->soft) < 0 || (colon != NULL && parse_u64 (colon + 1, true, &r->hard) < 0))
    return bad_value (err, l, "expected SOFT[:HARD], numbers or \"infinity\"");
  if (colon == NULL)
    r->hard = r->soft;
  if (r->soft > r->hard)
    return bad_value (err, l, "the soft limit is above the hard limit");
  r->set = true;
  return 0;
}

static int
set_sysctls (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  cleanup_strv char **words = NULL;

  (void) d;
  st->p->sysctl_set = true;
  if (*l->value == '\0')
    {
      sk_strv_free (st->p->sysctl_allow);
      st->p->sysctl_allow = NULL;
      return 0;
    }
  if (lex_words (l->value, false, &words, err) < 0)
    return -1;
  for (size_t i = 0; words[i] != NULL; i++)
    {
      const char *w = words[i];
      size_t len = strspn (w, "abcdefghijklmnopqrstuvwxyz0123456789_.-");
      if (len == 0 || (w[len] != '\0' && strcmp (w + len, "*") != 0) || strstr (w, "..") != NULL)
        return bad_value (err, l, "\"%s\": expected a sysctl key, or a prefix ending in '.' or '*'", w);
      if (strv_add_unique (&st->p->sysctl_allow, w) < 0)
        return sk_error_set (err, ENOMEM, "%s", l->file);
    }
  return 0;
}

static int
set_selinux_level (struct parse_state *st, const struct directive *d, const struct lex_line *l, sk_error_t *err)
{
  (void) d;
  if (strcmp (l->value, "auto") != 0 && !mcs_level_valid (l->value))
    return bad_value (err, l, "expected auto or s0:cA,cB with A < B < 1024");
  free (st->p->selinux_level);
  if ((st->p->selinux_level = strdup (l->value)) == NULL)
    return sk_error_set (err, ENOMEM, "%s", l->file);
  return 0;
}

#define OFF(member) offsetof (struct sk_profile, member)
#define RLIMIT(name, index) { "Rlimit" name, set_rlimit, 0, (const void *) (intptr_t) (index) }

/* In the order `stockade profile show` prints them. */
static const struct directive directives[] = {
  { "Include", set_include, 0, NULL },
  { "Mode", set_enum, OFF (mode), mode_names },
  { "SystemCallFilter", set_syscall_filter, 0, NULL },
  { "SystemCallErrorNumber", set_syscall_errno, 0, NULL },
  { "SystemCallArgumentFilter", set_syscall_argf, 0, NULL },
  { "SystemCallArchitectures", set_syscall_archs, 0, NULL },
  { "CapabilityBoundingSet", set_caps, 0, NULL },
  { "AmbientCapabilities", set_bool, OFF (ambient), NULL },
  { "NoNewPrivileges", set_bool, OFF (no_new_privs), NULL },
  { "PrivateUsers", set_enum, OFF (private_users), private_users_names },
  { "PrivateUsersRange", set_userns_range, 0, NULL },
  { "ReadOnlyRootfs", set_bool, OFF (readonly_rootfs), NULL },
  { "WritablePaths", set_paths, OFF (writable_paths), NULL },
  { "MaskedPaths", set_paths, OFF (masked_paths), NULL },
  { "ReadOnlyPaths", set_paths, OFF (readonly_paths), NULL },
  { "DenyBindSources", set_paths, OFF (deny_bind_sources), NULL },
  { "BindMountFlags", set_bind_flags, 0, NULL },
  { "PrivateNamespaces", set_private_ns, 0, NULL },
  { "JoinNamespaces", set_join_ns, 0, NULL },
  { "DeviceAllow", set_devices, 0, NULL },
  { "SELinuxContext", set_word, OFF (selinux_type), NULL },
  { "SELinuxLevel", set_selinux_level, 0, NULL },
  { "SELinuxMountContext", set_word, OFF (selinux_mount_type), NULL },
  { "LandlockReadOnly", set_paths, OFF (landlock_ro), NULL },
  { "LandlockReadWrite", set_paths, OFF (landlock_rw), NULL },
  { "PidsMax", set_pids, 0, NULL },
  RLIMIT ("CPU", 0),     RLIMIT ("FSIZE", 1),   RLIMIT ("DATA", 2),      RLIMIT ("STACK", 3),
  RLIMIT ("CORE", 4),    RLIMIT ("RSS", 5),     RLIMIT ("NPROC", 6),     RLIMIT ("NOFILE", 7),
  RLIMIT ("MEMLOCK", 8), RLIMIT ("AS", 9),      RLIMIT ("LOCKS", 10),    RLIMIT ("SIGPENDING", 11),
  RLIMIT ("MSGQUEUE", 12), RLIMIT ("NICE", 13), RLIMIT ("RTPRIO", 14),   RLIMIT ("RTTIME", 15),
  { "SysctlAllow", set_sysctls, 0, NULL },
  { "AllowHooks", set_bool, OFF (allow_hooks), NULL },
};

int
directive_apply (struct parse_state *st, const struct lex_line *l, sk_error_t *err)
{
  const char *hint;

  for (size_t i = 0; i < N_ELEM (directives); i++)
    if (strcmp (directives[i].name, l->key) == 0)
      return directives[i].parse (st, &directives[i], l, err);
  hint = nearest_name (l->key, directives, N_ELEM (directives), sizeof directives[0]);
  if (hint != NULL)
    return lex_fail (err, l, "unknown directive \"%s\"; did you mean \"%s\"?", l->key, hint);
  return lex_fail (err, l, "unknown directive \"%s\" (see stockade-profile(5))", l->key);
}

size_t
directive_count (void)
{
  return N_ELEM (directives);
}

const char *
directive_name (size_t i)
{
  return i < N_ELEM (directives) ? directives[i].name : NULL;
}
