/* An overlay rootfs under a user namespace: overlayfs mounts cannot be
 * idmapped, but overlayfs accepts idmapped layers.  Read the layers of the
 * overlay at the rootfs from mountinfo, idmap each one, and build a fresh
 * detached overlay over them (as containerd does for user-namespace pods). */
#include "stockade/linux/idmap.h"
#include "stockade/cleanup.h"
#include "stockade/linux/fd_pass.h"
#include "stockade/overlay_opts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <linux/securebits.h>
#include <sched.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

bool
sk_path_on_overlay (const char *path)
{
  struct statfs sf;
  return statfs (path, &sf) == 0 && sf.f_type == OVERLAYFS_SUPER_MAGIC;
}

/* The last (topmost) mount at `rootfs`, which must be an overlay. */
static int
read_layers (const char *rootfs, struct sk_overlay_layers *l, sk_error_t *err)
{
  cleanup_file FILE *mi = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL, *found = NULL;
  char mnt_opts[4096], fstype[64], super[8192];
  size_t cap = 0;
  char *sep;

  if (mi == NULL)
    return sk_error_set (err, errno, "root.path: read mountinfo");
  while (getline (&line, &cap, mi) > 0)
    {
      char point[4096];
      if (sscanf (line, "%*s %*s %*s %*s %4095s", point) != 1)
        continue;
      sk_mountinfo_unescape (point);
      if (strcmp (point, rootfs) == 0)
        {
          free (found);
          found = strdup (line);
        }
    }
  if (found == NULL)
    return sk_error_set (err, 0,
                         "root.path: `%s` lies inside an overlay but is not its mount point: an idmapped rootfs "
                         "cannot be built from it",
                         rootfs);
  sep = strstr (found, " - ");
  if (sep == NULL || sscanf (found, "%*s %*s %*s %*s %*s %4095s", mnt_opts) != 1
      || sscanf (sep + 3, "%63s %*s %8191s", fstype, super) != 2)
    return sk_error_set (err, EINVAL, "root.path: cannot parse mountinfo for `%s`", rootfs);
  if (strcmp (fstype, "overlay") != 0)
    return sk_error_set (err, 0, "root.path: `%s` is a %s mount inside an overlay", rootfs, fstype);
  return sk_overlay_layers_parse (mnt_opts, super, l, err);
}

/* Runs in a child with a private mount namespace: overlayfs takes its layers
 * only from paths in the mounter's namespace (and upperdir and workdir must
 * share one mount), so idmapped clones of the layers are stacked over their
 * own paths there; the new overlay is returned detached.  Every clone is
 * taken before any is attached: a clone taken below an attached idmapped
 * mount would be idmapped already, and the kernel refuses to idmap twice. */
static int
build_overlay (const struct sk_overlay_layers *l, int userns_fd, uid_t mounter_uid, gid_t mounter_gid,
               sk_error_t *err)
{
  struct sk_idmap_tree_opts o = { .userns_fd = userns_fd };
  const char *paths[SK_OVERLAY_MAX_LAYERS + 1];
  int trees[SK_OVERLAY_MAX_LAYERS + 1];
  cleanup_close int fsfd = -1;
  size_t n = 0;
  int mnt = -1;

  if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) < 0)
    return sk_error_set (err, errno, "root.path: private mount namespace for the overlay");
  if (l->upper_parent != NULL)
    paths[n++] = l->upper_parent;
  for (size_t i = 0; i < l->n_lower; i++)
    paths[n++] = l->lower[i];
  for (size_t i = 0; i < n; i++)
    trees[i] = -1;
  for (size_t i = 0; i < n; i++)
    {
      trees[i] = sk_idmap_clone_tree (AT_FDCWD, paths[i], &o, "root.path: overlay layer", err);
      if (trees[i] < 0)
        goto out;
    }
  for (size_t i = 0; i < n; i++)
    {
      /* Layer paths may be symlinks (Docker's l/ links): follow them, as
       * overlayfs will when it looks the paths up. */
      cleanup_close int target = open (paths[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (target < 0
          || move_mount (trees[i], "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        {
          sk_error_set (err, errno, "root.path: attach idmapped overlay layer `%s`", paths[i]);
          goto out;
        }
    }
  /* overlayfs creates its work directories and copies up with the
   * mounter's credentials: host root is not mapped through the idmapped
   * layers (EOVERFLOW), the container's root is.  Keep the capabilities
   * across the fsuid change (this process only builds the mount). */
  if (prctl (PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP, 0, 0, 0) < 0)
    {
      sk_error_set (err, errno, "root.path: overlay mounter credentials");
      goto out;
    }
  setfsgid (mounter_gid);
  setfsuid (mounter_uid);
  if ((uid_t) setfsuid ((uid_t) -1) != mounter_uid || (gid_t) setfsgid ((gid_t) -1) != mounter_gid)
    {
      sk_error_set (err, EPERM, "root.path: overlay mounter credentials");
      goto out;
    }
  fsfd = fsopen ("overlay", FSOPEN_CLOEXEC);
  if (fsfd < 0)
    {
      sk_error_set (err, errno, "root.path: fsopen overlay");
      goto out;
    }
  for (size_t i = 0; i < l->n_lower; i++)
    if (fsconfig (fsfd, FSCONFIG_SET_STRING, "lowerdir+", l->lower[i], 0) < 0)
      {
        sk_error_set (err, errno, "root.path: overlay lowerdir `%s`", l->lower[i]);
        goto out;
      }
  if (l->upper != NULL
      && (fsconfig (fsfd, FSCONFIG_SET_STRING, "upperdir", l->upper, 0) < 0
          || fsconfig (fsfd, FSCONFIG_SET_STRING, "workdir", l->work, 0) < 0))
    {
      sk_error_set (err, errno, "root.path: overlay upperdir/workdir");
      goto out;
    }
  /* The engine's overlay stays mounted on the same upperdir: with an index
   * the kernel would refuse the second mount. */
  if (fsconfig (fsfd, FSCONFIG_SET_STRING, "index", "off", 0) < 0
      || fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    {
      sk_error_set (err, errno, "root.path: create overlay over idmapped layers");
      goto out;
    }
  mnt = fsmount (fsfd, FSMOUNT_CLOEXEC, (unsigned int) l->attrs);
  if (mnt < 0)
    sk_error_set (err, errno, "root.path: mount overlay over idmapped layers");
out:
  for (size_t i = 0; i < n; i++)
    sk_closep (&trees[i]);
  return mnt;
}

struct helper_reply
{
  int errnum;
  char msg[1024];
};

static void
helper_send (int sock, int fd, const sk_error_t *err)
{
  struct helper_reply r = { 0 };

  if (fd < 0)
    {
      r.errnum = (err && *err) ? (*err)->status : 0;
      snprintf (r.msg, sizeof r.msg, "%s", sk_error_msg (err));
    }
  (void) sk_send_with_fd (sock, &r, sizeof r, fd);
}

static int
helper_receive (int sock, sk_error_t *err)
{
  struct helper_reply r;
  char cbuf[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = &r, .iov_len = sizeof r };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  ssize_t n;
  int fd = -1;

  do
    n = recvmsg (sock, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t) sizeof r)
    return sk_error_set (err, n < 0 ? errno : EPROTO, "root.path: overlay helper exited");
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy (&fd, CMSG_DATA (c), sizeof fd);
  if (fd < 0)
    {
      r.msg[sizeof r.msg - 1] = '\0';
      sk_error_set (err, 0, "%s", r.msg);
      if (err != NULL && *err != NULL)
        (*err)->status = r.errnum;
      return -1;
    }
  return fd;
}

int
sk_idmap_overlay_tree (const char *rootfs, int userns_fd, uid_t mounter_uid, gid_t mounter_gid, sk_error_t *err)
{
  struct sk_overlay_layers l = { 0 };
  int sock[2] = { -1, -1 }, fd = -1;
  pid_t pid;

  if (read_layers (rootfs, &l, err) < 0)
    goto out;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
    {
      sk_error_set (err, errno, "root.path: overlay helper");
      goto out;
    }
  pid = fork ();
  if (pid < 0)
    {
      sk_error_set (err, errno, "root.path: overlay helper");
      goto out;
    }
  if (pid == 0)
    {
      cleanup_error sk_error_t child_err = NULL;
      int mnt = build_overlay (&l, userns_fd, mounter_uid, mounter_gid, &child_err);
      helper_send (sock[1], mnt, &child_err);
      _exit (mnt < 0);
    }
  sk_closep (&sock[1]);
  fd = helper_receive (sock[0], err);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  if (fd < 0)
    sk_error_wrap (err, "idmapped overlay rootfs `%s`", rootfs);
out:
  sk_closep (&sock[0]);
  sk_closep (&sock[1]);
  sk_overlay_layers_clear (&l);
  return fd;
}
