/* Which cgroup hierarchies exist, where they are mounted, and which one
 * drives each controller.  The parsing is pure (texts in, struct out) so the
 * v1, v2 and hybrid layouts are unit-tested from canned mountinfo. */
#include "cgroup_internal.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct
{
  const char *v1;
  const char *v2;
} ctrl_names[SK_CG__COUNT] = {
  [SK_CG_CPU] = { "cpu", "cpu" },
  [SK_CG_CPUACCT] = { "cpuacct", NULL },
  [SK_CG_CPUSET] = { "cpuset", "cpuset" },
  [SK_CG_MEMORY] = { "memory", "memory" },
  [SK_CG_DEVICES] = { "devices", NULL },
  [SK_CG_FREEZER] = { "freezer", NULL },
  [SK_CG_BLKIO] = { "blkio", "io" },
  [SK_CG_PIDS] = { "pids", "pids" },
  [SK_CG_HUGETLB] = { "hugetlb", "hugetlb" },
  [SK_CG_NET_CLS] = { "net_cls", NULL },
  [SK_CG_NET_PRIO] = { "net_prio", NULL },
  [SK_CG_PERF_EVENT] = { "perf_event", "perf_event" },
  [SK_CG_RDMA] = { "rdma", "rdma" },
  [SK_CG_MISC] = { "misc", "misc" },
};

/* On v2 these are built into every cgroup rather than listed in
 * cgroup.controllers: cpu.stat (cpuacct), cgroup.freeze (freezer) and the
 * device BPF hook (devices). */
static const uint32_t v2_implicit = SK_CG_BIT (SK_CG_CPUACCT) | SK_CG_BIT (SK_CG_FREEZER) | SK_CG_BIT (SK_CG_DEVICES);

const char *
sk_cg_ctrl_v1_name (enum sk_cg_ctrl c)
{
  return c < SK_CG__COUNT ? ctrl_names[c].v1 : NULL;
}

const char *
sk_cg_ctrl_v2_name (enum sk_cg_ctrl c)
{
  return c < SK_CG__COUNT ? ctrl_names[c].v2 : NULL;
}

static int
ctrl_from_v1_name (const char *s, size_t len)
{
  for (int c = 0; c < SK_CG__COUNT; c++)
    if (strlen (ctrl_names[c].v1) == len && memcmp (ctrl_names[c].v1, s, len) == 0)
      return c;
  return -1;
}

static int
ctrl_from_v2_name (const char *s, size_t len)
{
  for (int c = 0; c < SK_CG__COUNT; c++)
    if (ctrl_names[c].v2 != NULL && strlen (ctrl_names[c].v2) == len && memcmp (ctrl_names[c].v2, s, len) == 0)
      return c;
  return -1;
}

static void
hier_release (struct sk_cg_hier *h)
{
  free (h->mount);
  free (h->root);
  free (h->name);
  free (h->self);
  free (h->path);
  free (h->dir);
  memset (h, 0, sizeof *h);
}

void
sk_cg_layout_release (struct sk_cg_layout *l)
{
  for (size_t i = 0; i < l->n; i++)
    hier_release (&l->h[i]);
  free (l->h);
  l->h = NULL;
  l->n = 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *
unescape_octal (const char *s, size_t len)
{
  char *out = malloc (len + 1), *o = out;

  if (out == NULL)
    return NULL;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7'
          && s[i + 3] >= '0' && s[i + 3] <= '7')
        {
          *o++ = (char) (((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
          i += 3;
        }
      else
        *o++ = s[i];
    }
  *o = '\0';
  return out;
}

/* Split one line into at most max space-separated fields (pointers into a
 * copy owned by the caller). */
static size_t
split_fields (char *line, char **f, size_t max)
{
  size_t n = 0;
  char *save = NULL;

  for (char *t = strtok_r (line, " ", &save); t != NULL && n < max; t = strtok_r (NULL, " ", &save))
    f[n++] = t;
  return n;
}

/* v1 super options: "rw,cpu,cpuacct" or "rw,name=systemd". */
static void
v1_super_opts (const char *opts, uint32_t *ctrls, char **name)
{
  const char *p = opts;

  *ctrls = 0;
  *name = NULL;
  while (*p)
    {
      size_t len = strcspn (p, ",");
      int c = ctrl_from_v1_name (p, len);
      if (c >= 0)
        *ctrls |= SK_CG_BIT (c);
      else if (len > 5 && strncmp (p, "name=", 5) == 0 && *name == NULL)
        *name = strndup (p + 5, len - 5);
      p += len;
      if (*p == ',')
        p++;
    }
}

static int
find_same (const struct sk_cg_layout *l, int version, uint32_t ctrls, const char *name)
{
  for (size_t i = 0; i < l->n; i++)
    if (l->h[i].version == version && (version == 2
                                       || (l->h[i].ctrls == ctrls
                                           && (l->h[i].name == NULL ? name == NULL
                                                                    : name != NULL && strcmp (l->h[i].name, name) == 0))))
      return (int) i;
  return -1;
}

/* One mountinfo line: "id parent maj:min root mnt opts [optional...] - type source superopts". */
static int
parse_mount_line (struct sk_cg_layout *l, char *line, sk_error_t *err)
{
  char *f[64];
  size_t n = split_fields (line, f, 64), dash;
  int version, same;
  uint32_t ctrls = 0;
  cleanup_free char *name = NULL, *mnt = NULL, *root = NULL;
  struct sk_cg_hier *grown;

  for (dash = 6; dash < n && strcmp (f[dash], "-") != 0; dash++)
    ;
  if (n < 5 || dash + 1 >= n)
    return 0;
  if (strcmp (f[dash + 1], "cgroup2") == 0)
    version = 2;
  else if (strcmp (f[dash + 1], "cgroup") == 0 && dash + 3 < n)
    {
      version = 1;
      v1_super_opts (f[dash + 3], &ctrls, &name);
      /* Other named hierarchies belong to whoever made them. */
      if (ctrls == 0 && (name == NULL || strcmp (name, "systemd") != 0))
        return 0;
    }
  else
    return 0;

  mnt = unescape_octal (f[4], strlen (f[4]));
  root = unescape_octal (f[3], strlen (f[3]));
  if (mnt == NULL || root == NULL)
    return sk_error_set (err, ENOMEM, "cgroup layout");
  same = find_same (l, version, ctrls, name);
  if (same >= 0)
    {
      /* Mounted twice: prefer the mount that shows the whole hierarchy. */
      if (strlen (root) < strlen (l->h[same].root))
        {
          free (l->h[same].mount);
          free (l->h[same].root);
          l->h[same].mount = steal_pointer (&mnt);
          l->h[same].root = steal_pointer (&root);
        }
      return 0;
    }
  grown = realloc (l->h, (l->n + 1) * sizeof *l->h);
  if (grown == NULL)
    return sk_error_set (err, ENOMEM, "cgroup layout");
  l->h = grown;
  l->h[l->n] = (struct sk_cg_hier){ .version = version, .ctrls = ctrls };
  l->h[l->n].mount = steal_pointer (&mnt);
  l->h[l->n].root = steal_pointer (&root);
  l->h[l->n].name = steal_pointer (&name);
  l->n++;
  return 0;
}

/* The caller's cgroup as seen below the mount: strip the mount's root. */
static char *
below_root (const char *root, const char *path)
{
  size_t rl = strcmp (root, "/") == 0 ? 0 : strlen (root);

  if (rl > 0 && (strncmp (path, root, rl) != 0 || (path[rl] != '\0' && path[rl] != '/')))
    return NULL; /* our cgroup is outside what this mount shows */
  path += rl;
  return strdup (strcmp (path, "/") == 0 ? "" : path);
}

/* /proc/self/cgroup: "4:memory:/a/b", "1:name=systemd:/", "0::/". */
static int
parse_self_line (struct sk_cg_layout *l, const char *line, sk_error_t *err)
{
  const char *c1 = strchr (line, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  cleanup_free char *list = NULL, *name = NULL;
  uint32_t ctrls = 0;
  int idx;

  if (c2 == NULL || c2[1] != '/')
    return 0;
  list = strndup (c1 + 1, (size_t) (c2 - c1 - 1));
  if (list == NULL)
    return sk_error_set (err, ENOMEM, "cgroup layout");
  if (strncmp (line, "0::", 3) == 0)
    idx = find_same (l, 2, 0, NULL);
  else
    {
      v1_super_opts (list, &ctrls, &name);
      idx = find_same (l, 1, ctrls, name);
    }
  if (idx < 0 || l->h[idx].self != NULL)
    return 0;
  l->h[idx].self = below_root (l->h[idx].root, c2 + 1);
  return 0;
}

static int
for_each_line (const char *text, struct sk_cg_layout *l, int (*fn) (struct sk_cg_layout *, char *, sk_error_t *),
               sk_error_t *err)
{
  while (text != NULL && *text)
    {
      size_t len = strcspn (text, "\n");
      cleanup_free char *line = strndup (text, len);
      if (line == NULL)
        return sk_error_set (err, ENOMEM, "cgroup layout");
      if (fn (l, line, err) < 0)
        return -1;
      text += len;
      if (*text == '\n')
        text++;
    }
  return 0;
}

static int
self_line_cb (struct sk_cg_layout *l, char *line, sk_error_t *err)
{
  return parse_self_line (l, line, err);
}

/* Decide who drives each controller: a v1 mount wins (the kernel binds a
 * controller to one hierarchy at a time), else v2 if it lists it. */
static void
compute_owners (struct sk_cg_layout *l)
{
  l->v2 = -1;
  for (size_t i = 0; i < l->n; i++)
    if (l->h[i].version == 2)
      l->v2 = (int) i;
  for (int c = 0; c < SK_CG__COUNT; c++)
    {
      l->owner[c] = -1;
      for (size_t i = 0; i < l->n && l->owner[c] < 0; i++)
        if (l->h[i].version == 1 && (l->h[i].ctrls & SK_CG_BIT (c)))
          l->owner[c] = (int) i;
      if (l->owner[c] < 0 && l->v2 >= 0
          && ((l->h[l->v2].ctrls & SK_CG_BIT (c)) || (v2_implicit & SK_CG_BIT (c))))
        l->owner[c] = l->v2;
    }
}

int
sk_cg_layout_parse (const char *mountinfo, const char *proc_cgroup, struct sk_cg_layout *l, sk_error_t *err)
{
  *l = (struct sk_cg_layout){ .v2 = -1 };
  if (for_each_line (mountinfo, l, parse_mount_line, err) < 0
      || for_each_line (proc_cgroup, l, self_line_cb, err) < 0)
    {
      sk_cg_layout_release (l);
      return -1;
    }
  if (l->n == 0)
    return sk_error_set (err, ENOENT, "cgroup: no cgroup hierarchy is mounted");
  compute_owners (l);
  return 0;
}

void
sk_cg_layout_set_v2_controllers (struct sk_cg_layout *l, const char *v2_controllers)
{
  const char *p = v2_controllers;

  if (l->v2 < 0)
    return;
  l->h[l->v2].ctrls = 0;
  while (p != NULL && *p)
    {
      size_t len = strcspn (p, " \n");
      int c = ctrl_from_v2_name (p, len);
      if (c >= 0)
        l->h[l->v2].ctrls |= SK_CG_BIT (c);
      p += len;
      p += strspn (p, " \n");
    }
  compute_owners (l);
}

static int
read_text (const char *path, char **out, sk_error_t *err)
{
  cleanup_file FILE *f = fopen (path, "re");
  cleanup_free char *buf = NULL;
  size_t size = 0;
  FILE *mem;
  char chunk[4096];
  size_t got;

  if (f == NULL)
    return sk_error_set (err, errno, "cgroup: open %s", path);
  mem = open_memstream (&buf, &size);
  if (mem == NULL)
    return sk_error_set (err, errno, "cgroup: read %s", path);
  while ((got = fread (chunk, 1, sizeof chunk, f)) > 0)
    fwrite (chunk, 1, got, mem);
  if (ferror (f) || fclose (mem) != 0)
    return sk_error_set (err, errno ? errno : EIO, "cgroup: read %s", path);
  *out = steal_pointer (&buf);
  return 0;
}

int
sk_cg_layout_detect (struct sk_cg_layout *l, sk_error_t *err)
{
  cleanup_free char *mountinfo = NULL, *self = NULL, *ctrls = NULL;

  if (read_text ("/proc/self/mountinfo", &mountinfo, err) < 0 || read_text ("/proc/self/cgroup", &self, err) < 0)
    return -1;
  if (sk_cg_layout_parse (mountinfo, self, l, err) < 0)
    return -1;
  if (l->v2 >= 0)
    {
      cleanup_error sk_error_t ignored = NULL;
      if (sk_cg_read (l->h[l->v2].mount, "cgroup.controllers", &ctrls, &ignored) == 0)
        sk_cg_layout_set_v2_controllers (l, ctrls);
      else
        sk_cg_layout_set_v2_controllers (l, "");
    }
  return 0;
}

char *
sk_cg_hier_key (const struct sk_cg_hier *h)
{
  char *out = NULL;
  size_t size = 0;
  FILE *f;
  bool first = true;

  f = open_memstream (&out, &size);
  if (f == NULL)
    return NULL;
  if (h->version == 1)
    {
      for (int c = 0; c < SK_CG__COUNT; c++)
        if (h->ctrls & SK_CG_BIT (c))
          {
            fprintf (f, "%s%s", first ? "" : ",", ctrl_names[c].v1);
            first = false;
          }
      if (h->name != NULL)
        fprintf (f, "%sname=%s", first ? "" : ",", h->name);
    }
  if (fclose (f) != 0)
    {
      free (out);
      return NULL;
    }
  return out;
}

const struct sk_cg_hier *
sk_cg_owner (const struct sk_cg_layout *l, enum sk_cg_ctrl c)
{
  return l->owner[c] >= 0 ? &l->h[l->owner[c]] : NULL;
}
