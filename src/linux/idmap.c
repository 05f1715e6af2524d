#include "stockade/linux/idmap.h"
#include "stockade/cleanup.h"
#include "stockade/linux/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int
sk_idmap_userns_open (const struct oci_id_mapping *uid, size_t n_uid, const struct oci_id_mapping *gid,
                      size_t n_gid, const char *where, sk_error_t *err)
{
  cleanup_close int hold_r = -1, hold_w = -1;
  int pipefd[2], fd = -1;
  char path[64];
  pid_t pid;

  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return sk_error_set (err, errno, "%s: helper user namespace", where);
  hold_r = pipefd[0];
  hold_w = pipefd[1];
  /* A child born in the new namespace holds it while we write its maps and
   * take an fd; it exits as soon as the pipe closes. */
  pid = (pid_t) syscall (SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0)
    return sk_error_set (err, errno, "%s: create helper user namespace", where);
  if (pid == 0)
    {
      char b;
      close (hold_w);
      while (read (hold_r, &b, 1) < 0 && errno == EINTR)
        ;
      _exit (0);
    }
  sk_closep (&hold_r);
  if (sk_userns_write_id_maps (pid, uid, n_uid, gid, n_gid, false, where, err) == 0)
    {
      snprintf (path, sizeof path, "/proc/%d/ns/user", pid);
      fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        sk_error_set (err, errno, "%s: open helper user namespace", where);
    }
  sk_closep (&hold_w);
  kill (pid, SIGKILL);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return fd;
}

int
sk_idmap_clone_tree (int dirfd, const char *path, const struct sk_idmap_tree_opts *o, const char *where,
                     sk_error_t *err)
{
  struct mount_attr attrs = { .attr_set = o->attr_set, .attr_clr = o->attr_clr };
  struct mount_attr idmap = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) o->userns_fd };
  cleanup_close int tree = -1;

  tree = open_tree (dirfd, path,
                    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->clone_recursive ? AT_RECURSIVE : 0)
                        | (*path == '\0' ? AT_EMPTY_PATH : 0));
  if (tree < 0)
    return sk_error_set (err, errno, "%s: `%s`", where, path);
  if ((attrs.attr_set || attrs.attr_clr)
      && mount_setattr (tree, "", AT_EMPTY_PATH | (o->clone_recursive ? AT_RECURSIVE : 0), &attrs, sizeof attrs) < 0)
    return sk_error_set (err, errno, "%s: set mount options on `%s`", where, path);
  if (o->userns_fd >= 0
      && mount_setattr (tree, "", AT_EMPTY_PATH | (o->idmap_recursive ? AT_RECURSIVE : 0), &idmap, sizeof idmap) < 0)
    return sk_error_set (err, errno, "%s: idmap `%s` (does its filesystem support idmapped mounts?)", where,
                         path);
  return steal_fd (&tree);
}
