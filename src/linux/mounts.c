#include "stockade/linux/mounts.h"
#include "stockade/cleanup.h"
#include "stockade/linux/safe_path.h"
#include "stockade/mount_opts.h"
#include "stockade/selinux_label.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static void
mount_opts_cleanup (struct sk_mount_opts *o)
{
  sk_mount_opts_clear (o);
}
#define cleanup_mount_opts __attribute__ ((cleanup (mount_opts_cleanup)))

static int
set_propagation (int mntfd, const struct sk_mount_opts *o, const char *where, sk_error_t *err)
{
  struct mount_attr attr = { .propagation = o->propagation };

  if (o->propagation == 0)
    return 0;
  if (mount_setattr (mntfd, "", AT_EMPTY_PATH | (o->propagation_recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    return sk_error_set (err, errno, "%s: set propagation", where);
  return 0;
}

/* A bind mount is cloned from the host, given its flags while still detached
 * (so "ro" applies on the first mount, unlike classic bind mounts), then
 * attached. */
static int
bind_mount_tree (const struct oci_mount *m, const struct sk_mount_opts *o, const char *where, sk_error_t *err)
{
  struct mount_attr attr = { .attr_set = o->attr_set, .attr_clr = o->attr_clr };
  int tree;

  if (m->source == NULL)
    return sk_error_set (err, 0, "%s.source: required for a bind mount", where);
  tree = open_tree (AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->recursive ? AT_RECURSIVE : 0));
  if (tree < 0)
    return sk_error_set (err, errno, "%s.source: `%s`", where, m->source);
  if ((attr.attr_set || attr.attr_clr)
      && mount_setattr (tree, "", AT_EMPTY_PATH | (o->recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    {
      int saved = errno;
      close (tree);
      return sk_error_set (err, saved, "%s: set mount options on `%s`", where, m->source);
    }
  return tree;
}

static int
fs_mount_tree (const char *type, const char *source, char *const *fs_options, const char *mount_label,
               uint64_t attrs, const char *where, sk_error_t *err)
{
  cleanup_close int fsfd = fsopen (type, FSOPEN_CLOEXEC);
  int mnt;

  if (fsfd < 0)
    return sk_error_set (err, errno, "%s.type: filesystem `%s`", where, type);
  if (source != NULL && *source != '\0' && fsconfig (fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
    return sk_error_set (err, errno, "%s.source: `%s`", where, source);
  for (size_t i = 0; fs_options != NULL && fs_options[i] != NULL; i++)
    {
      cleanup_free char *key = strdup (fs_options[i]);
      char *eq;
      int r;

      if (key == NULL)
        return sk_error_set (err, ENOMEM, "%s", where);
      eq = strchr (key, '=');
      if (eq != NULL)
        {
          *eq = '\0';
          r = fsconfig (fsfd, FSCONFIG_SET_STRING, key, eq + 1, 0);
        }
      else
        r = fsconfig (fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
      if (r < 0)
        return sk_error_set (err, errno, "%s.options: `%s` not accepted by %s", where, fs_options[i], type);
    }
  /* As a key of its own, the label is not split at its commas: no quotes. */
  if (mount_label != NULL && fsconfig (fsfd, FSCONFIG_SET_STRING, "context", mount_label, 0) < 0)
    return sk_error_set (err, errno, "%s: mount label `%s`", where, mount_label);
  if (fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return sk_error_set (err, errno, "%s: create %s filesystem", where, type);
  mnt = fsmount (fsfd, FSMOUNT_CLOEXEC, (unsigned int) attrs);
  if (mnt < 0)
    return sk_error_set (err, errno, "%s: mount %s", where, type);
  return mnt;
}

static int
attach (int tree, int target, const char *dest, const char *where, sk_error_t *err)
{
  if (move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return sk_error_set (err, errno, "%s: attach mount on `%s`", where, dest);
  return 0;
}

static bool
host_has_cgroup_v1 (void)
{
  struct stat st;
  /* A pure v2 host has cgroup.controllers at the top of /sys/fs/cgroup. */
  return stat ("/sys/fs/cgroup/cgroup.controllers", &st) < 0;
}

/* Whether the names of a /proc/self/cgroup line ("cpu,cpuacct",
 * "name=systemd") are all among a v1 superblock's options. */
static bool
names_in_opts (const char *names, const char *super_opts)
{
  cleanup_free char *copy = strdup (names);
  char *save = NULL;
  size_t n = 0;

  if (copy == NULL)
    return false;
  for (char *c = strtok_r (copy, ",", &save); c != NULL; c = strtok_r (NULL, ",", &save), n++)
    {
      const char *o = super_opts;
      size_t len = strlen (c);
      bool found = false;

      while (!found && (o = strstr (o, c)) != NULL)
        {
          found = (o == super_opts || o[-1] == ',') && (o[len] == ',' || o[len] == '\0');
          o += len;
        }
      if (!found)
        return false;
    }
  return n > 0;
}

/* /proc/self/cgroup as one string (read once for all hierarchies), or
 * NULL when it cannot be read. */
static char *
read_self_cgroup (void)
{
  cleanup_file FILE *f = fopen ("/proc/self/cgroup", "re");
  char *text = NULL;
  size_t cap = 0;

  if (f == NULL || getdelim (&text, &cap, '\0', f) < 0)
    {
      free (text);
      return NULL;
    }
  return text;
}

/* This process's cgroup in the hierarchy mounted with FSTYPE and SUPER_OPTS,
 * looked up in SELF_CGROUP (/proc/self/cgroup: "/" inside a cgroup
 * namespace, the host path without one), or NULL when it is not listed. */
static char *
own_cgroup_path (const char *self_cgroup, const char *fstype, const char *super_opts)
{
  const char *next;

  for (const char *l = self_cgroup; l != NULL && *l != '\0'; l = next)
    {
      size_t len = strcspn (l, "\n");
      cleanup_free char *line = strndup (l, len);
      char *names, *path;

      next = l[len] == '\n' ? l + len + 1 : l + len;
      if (line == NULL || (names = strchr (line, ':')) == NULL || (path = strchr (++names, ':')) == NULL)
        continue;
      *path++ = '\0';
      if (strcmp (fstype, "cgroup2") == 0 ? *names == '\0' : names_in_opts (names, super_opts))
        return strdup (path);
    }
  return NULL;
}

/* A fresh cgroup mount shows the whole hierarchy unless the container has a
 * cgroup namespace.  Without one, show only the container's own cgroup, as
 * runc does: a detached clone of that subdirectory replaces the mount (the
 * host's other cgroups stay out of sight, and memory.limit_in_bytes at the
 * top is the container's limit). */
static int
own_cgroup_subtree (int mnt, const char *self_cgroup, const char *fstype, const char *super_opts, const char *where,
                    sk_error_t *err)
{
  cleanup_free char *path = own_cgroup_path (self_cgroup, fstype, super_opts);
  int sub;

  if (path == NULL || strcmp (path, "/") == 0)
    return mnt;
  sub = open_tree (mnt, path + 1, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (sub < 0)
    sk_error_set (err, errno, "%s: the container's cgroup `%s`", where, path);
  close (mnt);
  return sub;
}

/* cgroup v1 (and the hybrid layout): a tmpfs with one fresh cgroup mount per
 * host hierarchy, each showing only the container's cgroup. */
static int
mount_cgroup_v1_tree (const char *dest, int target, uint64_t attrs, const char *where, sk_error_t *err)
{
  cleanup_file FILE *mi = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL, *self_cgroup = read_self_cgroup ();
  cleanup_close int tmpfs = -1;
  size_t cap = 0;

  if (mi == NULL)
    return sk_error_set (err, errno, "%s: read mountinfo", where);
  {
    char *const tmpfs_opts[] = { "mode=755", NULL };
    tmpfs = fs_mount_tree ("tmpfs", "cgroup", tmpfs_opts, NULL, attrs & ~(uint64_t) MOUNT_ATTR_RDONLY, where, err);
  }
  if (tmpfs < 0 || attach (tmpfs, target, dest, where, err) < 0)
    return -1;
  while (getline (&line, &cap, mi) > 0)
    {
      char mnt_point[4096], fstype[64], super_opts[1024];
      cleanup_close int sub = -1, subdir = -1;
      cleanup_free char *subpath = NULL;
      char *sep = strstr (line, " - ");
      const char *name;
      char *const *opts = NULL;
      char *v1opts[4] = { NULL, NULL, NULL, NULL };

      if (sep == NULL || sscanf (line, "%*s %*s %*s %*s %4095s", mnt_point) != 1
          || sscanf (sep + 3, "%63s %*s %1023s", fstype, super_opts) != 2)
        continue;
      if (strncmp (mnt_point, "/sys/fs/cgroup/", 15) != 0 || strchr (mnt_point + 15, '/') != NULL)
        continue;
      name = mnt_point + 15;
      if (strcmp (fstype, "cgroup") == 0)
        {
          /* Controllers (or name=...) are the superblock options minus rw/ro. */
          cleanup_free char *copy = strdup (super_opts);
          size_t k = 0;
          char *save = NULL;
          for (char *o = strtok_r (copy, ",", &save); o && k < 3; o = strtok_r (NULL, ",", &save))
            if (strcmp (o, "rw") != 0 && strcmp (o, "ro") != 0)
              v1opts[k++] = strdup (o);
          opts = v1opts;
          sub = fs_mount_tree ("cgroup", "cgroup", opts, NULL, attrs, where, err);
          for (size_t j = 0; j < k; j++)
            free (v1opts[j]);
        }
      else if (strcmp (fstype, "cgroup2") == 0)
        sub = fs_mount_tree ("cgroup2", "cgroup2", NULL, NULL, attrs, where, err);
      else
        continue;
      if (sub >= 0)
        sub = own_cgroup_subtree (sub, self_cgroup, fstype, super_opts, where, err);
      if (sub < 0)
        {
          /* Without a cgroup namespace a fresh v1 mount may be refused for a
           * hierarchy shared with other controllers; say which. */
          return sk_error_wrap (err, "cgroup hierarchy `%s`", name);
        }
      if (asprintf (&subpath, "%s/%s", dest, name) < 0)
        return sk_error_set (err, ENOMEM, "%s", where);
      /* The mount point goes into the tmpfs made above, reached through
       * its own fd: nothing in the rootfs is looked up again. */
      subdir = sk_mkdir_beneath (tmpfs, name, 0755, where, err);
      if (subdir < 0 || attach (sub, subdir, subpath, where, err) < 0)
        return -1;
    }
  /* The holding tmpfs had to be writable for the mount points; now seal it. */
  if (attrs & MOUNT_ATTR_RDONLY)
    {
      struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
      if (mount_setattr (tmpfs, "", AT_EMPTY_PATH, &ro, sizeof ro) < 0)
        return sk_error_set (err, errno, "%s: make %s read-only", where, dest);
    }
  return 0;
}

static int
mount_cgroup (const char *dest, int target, const struct sk_mount_opts *o, const char *where, sk_error_t *err)
{
  cleanup_free char *self_cgroup = NULL;
  int tree;

  if (host_has_cgroup_v1 ())
    return mount_cgroup_v1_tree (dest, target, o->attr_set, where, err);
  tree = fs_mount_tree ("cgroup2", "cgroup2", NULL, NULL, o->attr_set, where, err);
  if (tree >= 0)
    tree = own_cgroup_subtree (tree, self_cgroup = read_self_cgroup (), "cgroup2", "", where, err);
  if (tree < 0)
    return -1;
  {
    cleanup_close int t = tree;
    return attach (t, target, dest, where, err);
  }
}

/* A tree the runtime prepared says what it is; the source path may not be
 * reachable from here. */
static bool
source_is_dir (const char *source, int tree)
{
  struct stat st;
  if (tree >= 0)
    return fstat (tree, &st) < 0 || S_ISDIR (st.st_mode);
  return source == NULL || stat (source, &st) < 0 || S_ISDIR (st.st_mode);
}

int
sk_mount_entry (const struct sk_mount_env *env, const struct oci_mount *m, size_t index, sk_error_t *err)
{
  cleanup_mount_opts struct sk_mount_opts o = { 0 };
  cleanup_close int target = -1, tree = -1;
  const char *type = m->type;
  char where[48];

  snprintf (where, sizeof where, "mounts[%zu]", index);
  if (sk_mount_opts_parse (m->options, where, &o, err) < 0)
    return -1;
  if (type == NULL || strcmp (type, "none") == 0 || strcmp (type, "bind") == 0)
    {
      if (!o.bind)
        {
          if (type == NULL || strcmp (type, "bind") != 0)
            return sk_error_set (err, 0, "%s.type: required unless options hold bind/rbind", where);
          o.bind = true;
        }
    }
  if ((o.idmap || m->n_uid_mappings > 0 || m->n_gid_mappings > 0) && (env->trees == NULL || env->trees[index] < 0))
    return sk_error_set (err, EPROTO, "%s: idmapped mount was not prepared by the runtime", where);

  if (o.bind && !source_is_dir (m->source, env->trees != NULL ? env->trees[index] : -1))
    target = sk_mkfile_in_root (env->rootfd, m->destination, 0644, where, err);
  else
    target = sk_mkdir_in_root (env->rootfd, m->destination, 0755, where, err);
  if (target < 0)
    return sk_error_wrap (err, "%s.destination", where);

  if (env->trees != NULL && env->trees[index] >= 0)
    tree = steal_fd (&env->trees[index]); /* cloned by the runtime, flags already set */
  else if (o.bind)
    tree = bind_mount_tree (m, &o, where, err);
  else if (strcmp (type, "cgroup") == 0)
    return mount_cgroup (m->destination, target, &o, where, err);
  else
    {
      /* Labels only apply to filesystems that take a context= option. */
      const char *label = sk_selinux_fs_takes_context (type) ? env->mount_label : NULL;
      bool copy_up = o.tmpcopyup && strcmp (type, "tmpfs") == 0;
      /* A read-only tmpfs is filled first, then made read-only. */
      uint64_t attrs = copy_up ? o.attr_set & ~(uint64_t) MOUNT_ATTR_RDONLY : o.attr_set;

      tree = fs_mount_tree (type, m->source, o.fs_options, label, attrs, where, err);
      if (tree >= 0 && copy_up)
        {
          struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

          if (sk_mount_copy_up (target, tree, where, err) < 0)
            return -1;
          if (attrs != o.attr_set && mount_setattr (tree, "", AT_EMPTY_PATH, &ro, sizeof ro) < 0)
            return sk_error_set (err, errno, "%s: make the tmpfs read-only", where);
        }
    }
  if (tree < 0)
    return -1;
  if (attach (tree, target, m->destination, where, err) < 0)
    return -1;
  return set_propagation (tree, &o, where, err);
}
