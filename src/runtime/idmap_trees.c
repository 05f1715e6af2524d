#include "idmap_trees.h"
#include "stockade/cleanup.h"
#include "stockade/linux/idmap.h"
#include "stockade/mount_opts.h"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
plan_mounts (const struct oci_config *c, bool has_userns, struct sk_idmap_plan *p, sk_error_t *err)
{
  p->n_mounts = c->n_mounts;
  p->mounts = calloc (c->n_mounts ? c->n_mounts : 1, sizeof *p->mounts);
  if (p->mounts == NULL)
    return sk_error_set (err, ENOMEM, "mounts");
  for (size_t i = 0; i < c->n_mounts; i++)
    {
      const struct oci_mount *m = &c->mounts[i];
      struct sk_mount_opts o = { 0 };
      char where[48];
      bool is_bind;
      int r;

      snprintf (where, sizeof where, "mounts[%zu]", i);
      for (size_t k = 0; m->options != NULL && m->options[k] != NULL; k++)
        if (strncmp (m->options[k], "idmap=", 6) == 0 || strncmp (m->options[k], "ridmap=", 7) == 0)
          return sk_error_set (err, 0,
                               "%s.options[%zu]: `%s`: mappings inside the option are not supported, use "
                               "%s.uidMappings/gidMappings",
                               where, k, m->options[k], where);
      if (sk_mount_opts_parse (m->options, where, &o, err) < 0)
        return -1;
      is_bind = o.bind || (m->type != NULL && strcmp (m->type, "bind") == 0);
      r = sk_mount_idmap_decide (m, i, is_bind, o.idmap && !o.ridmap, o.ridmap, has_userns, &p->mounts[i], err);
      sk_mount_opts_clear (&o);
      if (r < 0)
        return -1;
      p->mounts[i].parent_clones = p->mounts[i].wanted || (is_bind && has_userns);
      p->any |= p->mounts[i].parent_clones;
    }
  return 0;
}

int
sk_idmap_plan_make (const struct oci_config *c, const char *rootfs, int new_ns_flags, bool joins_userns,
                    const struct sk_log *log, struct sk_idmap_plan *p, sk_error_t *err)
{
  const struct oci_linux *l = c->linux_cfg;
  bool new_userns = (new_ns_flags & CLONE_NEWUSER) != 0;
  struct stat st;

  memset (p, 0, sizeof *p);
  p->has_userns = new_userns || joins_userns;
  if (new_userns
      && (sk_idmap_check (l->uid_mappings, l->n_uid_mappings, "linux.uidMappings", err) < 0
          || sk_idmap_check (l->gid_mappings, l->n_gid_mappings, "linux.gidMappings", err) < 0))
    return -1;
  if (new_userns && (l->n_uid_mappings == 0 || l->n_gid_mappings == 0))
    return sk_error_set (err, 0, "linux.%s: required with a new user namespace",
                         l->n_uid_mappings == 0 ? "uidMappings" : "gidMappings");
  if (plan_mounts (c, new_userns || joins_userns, p, err) < 0)
    return -1;
  if (stat (rootfs, &st) < 0)
    return sk_error_set (err, errno, "root.path: `%s`", rootfs);
  p->rootfs = sk_rootfs_wants_idmap (l, new_userns, st.st_uid);
  if (p->rootfs)
    {
      p->rootfs_overlay = sk_path_on_overlay (rootfs);
      sk_log_debug (log, "root.path: owned by host uid %u, container root is host uid %lld: idmapped%s", st.st_uid,
                    (long long) sk_idmap_host_root (l->uid_mappings, l->n_uid_mappings),
                    p->rootfs_overlay ? " (overlay rebuilt over idmapped layers)" : "");
    }
  p->any |= p->rootfs;
  return 0;
}

void
sk_idmap_plan_clear (struct sk_idmap_plan *p)
{
  free (p->mounts);
  memset (p, 0, sizeof *p);
}

static int
send_tree (int sync_fd, int index, int tree, sk_error_t *err)
{
  cleanup_close int fd = tree;

  if (sk_sync_send_fd_num (sync_fd, SK_SYNC_IDMAP_TREE, index, fd) < 0)
    return sk_error_set (err, errno, "hand idmapped mounts to the container");
  return 0;
}

static int
mount_tree (const struct oci_config *c, size_t i, const char *bundle, int container_userns,
            const struct sk_mount_idmap *plan, sk_error_t *err)
{
  const struct oci_mount *m = &c->mounts[i];
  const struct oci_linux *l = c->linux_cfg;
  struct sk_mount_opts o = { 0 };
  struct sk_idmap_tree_opts t = { .userns_fd = container_userns };
  cleanup_close int own_userns = -1;
  cleanup_free char *source = NULL;
  char where[48];

  snprintf (where, sizeof where, "mounts[%zu]", i);
  if (m->source == NULL)
    return sk_error_set (err, 0, "%s.source: required for a bind mount", where);
  if (sk_mount_opts_parse (m->options, where, &o, err) < 0)
    return -1;
  t.clone_recursive = o.recursive;
  t.attr_set = o.attr_set;
  t.attr_clr = o.attr_clr;
  t.idmap_recursive = plan->recursive;
  sk_mount_opts_clear (&o);
  if (!plan->wanted)
    t.userns_fd = -1; /* a plain bind, cloned here only because the container's root may not reach it */
  /* Mappings of its own, unless they are the container's. */
  else if (!plan->container_maps
      && (container_userns < 0 || l == NULL
          || !sk_idmap_equal (m->uid_mappings, m->n_uid_mappings, l->uid_mappings, l->n_uid_mappings)
          || !sk_idmap_equal (m->gid_mappings, m->n_gid_mappings, l->gid_mappings, l->n_gid_mappings)))
    {
      own_userns = sk_idmap_userns_open (m->uid_mappings, m->n_uid_mappings, m->gid_mappings, m->n_gid_mappings,
                                         where, err);
      if (own_userns < 0)
        return -1;
      t.userns_fd = own_userns;
    }
  if (plan->wanted && t.userns_fd < 0)
    return sk_error_set (err, EINVAL, "%s: no user namespace to take the idmap from", where);
  if (m->source[0] == '/')
    source = strdup (m->source);
  else if (asprintf (&source, "%s/%s", bundle, m->source) < 0)
    source = NULL;
  if (source == NULL)
    return sk_error_set (err, ENOMEM, "%s", where);
  strncat (where, ".source", sizeof where - strlen (where) - 1);
  return sk_idmap_clone_tree (AT_FDCWD, source, &t, where, err);
}

int
sk_idmap_send_trees (int sync_fd, pid_t stage1, const struct oci_config *c, const char *bundle, const char *rootfs,
                     const struct sk_idmap_plan *p, sk_error_t *err)
{
  cleanup_close int userns = -1;
  char path[64];

  /* Without a user namespace of its own, stage 1's is the host's: never
   * an idmap (mounts with mappings of their own get a helper namespace). */
  snprintf (path, sizeof path, "/proc/%d/ns/user", stage1);
  if (p->has_userns && (userns = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return sk_error_set (err, errno, "open the container's user namespace");
  if (p->rootfs)
    {
      struct sk_idmap_tree_opts t = { .clone_recursive = true, .idmap_recursive = true, .userns_fd = userns };
      const struct oci_linux *l = c->linux_cfg;
      uid_t root_uid = (uid_t) sk_idmap_host_root (l->uid_mappings, l->n_uid_mappings);
      gid_t root_gid = (gid_t) sk_idmap_host_root (l->gid_mappings, l->n_gid_mappings);
      int tree = p->rootfs_overlay ? sk_idmap_overlay_tree (rootfs, userns, root_uid, root_gid, err)
                                   : sk_idmap_clone_tree (AT_FDCWD, rootfs, &t, "root.path", err);
      if (tree < 0 || send_tree (sync_fd, -1, tree, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < p->n_mounts; i++)
    {
      int tree;
      if (!p->mounts[i].parent_clones)
        continue;
      tree = mount_tree (c, i, bundle, userns, &p->mounts[i], err);
      if (tree < 0 || send_tree (sync_fd, (int) i, tree, err) < 0)
        return -1;
    }
  if (sk_sync_send (sync_fd, SK_SYNC_IDMAP_DONE, 0, NULL) < 0)
    return sk_error_set (err, errno, "hand idmapped mounts to the container");
  return 0;
}

int
sk_idmap_receive_trees (int sync_fd, int *rootfs_tree, int *mount_trees, size_t n_mounts, sk_error_t *err)
{
  if (sk_sync_send (sync_fd, SK_SYNC_IDMAP_REQ, 0, NULL) < 0)
    return sk_error_set (err, errno, "ask for idmapped mounts");
  for (;;)
    {
      struct sk_sync_msg m;
      int fd = -1;

      if (sk_sync_recv (sync_fd, &m, NULL, &fd, err) < 0)
        return -1;
      if (m.type == SK_SYNC_IDMAP_DONE)
        return 0;
      if (m.type != SK_SYNC_IDMAP_TREE || fd < 0 || m.errnum < -1 || (m.errnum >= 0 && (size_t) m.errnum >= n_mounts))
        {
          if (fd >= 0)
            close (fd);
          return sk_error_set (err, EPROTO, "unexpected message %u while receiving idmapped mounts", m.type);
        }
      if (m.errnum < 0)
        *rootfs_tree = fd;
      else
        mount_trees[m.errnum] = fd;
    }
}
