#include "stockade/linux/terminal.h"
#include "stockade/cleanup.h"
#include "stockade/linux/fd_pass.h"
#include "stockade/linux/safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

/* /dev/console becomes a bind of the pty.  Whatever the image put there is
 * removed, never followed: the target is a fresh empty file created with
 * O_EXCL|O_NOFOLLOW in the container's /dev (CVE-2025-52565). */
static int
mount_console_on (const char *peer_path, sk_error_t *err)
{
  cleanup_close int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int dev = -1, created = -1, target = -1, tree = -1;
  struct stat st;

  if (root < 0)
    return sk_error_set (err, errno, "open container root");
  dev = sk_mkdir_in_root (root, "/dev", 0755, "process.terminal", err);
  if (dev < 0)
    return -1;
  if (unlinkat (dev, "console", 0) < 0 && errno != ENOENT)
    return sk_error_set (err, errno, "process.terminal: remove the image's /dev/console");
  created = openat (dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (created < 0)
    return sk_error_set (err, errno, "process.terminal: create /dev/console");
  target = openat (dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0 || fstat (target, &st) < 0 || !S_ISREG (st.st_mode))
    return sk_error_set (err, EPERM, "process.terminal: /dev/console is not the file we created");
  tree = open_tree (AT_FDCWD, peer_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return sk_error_set (err, errno, "process.terminal: clone `%s`", peer_path);
  if (move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return sk_error_set (err, errno, "process.terminal: mount /dev/console");
  return 0;
}

int
sk_terminal_setup (const struct oci_process *p, bool mount_console, sk_error_t *err)
{
  cleanup_close int master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  cleanup_close int peer = -1;
  char name[64];
  int unlock = 0;

  if (master < 0)
    return sk_error_set (err, errno, "process.terminal: open /dev/ptmx (is /dev/pts mounted?)");
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return sk_error_set (err, errno, "process.terminal: unlock pty");
  /* TIOCGPTPEER opens the peer through the master, never by a path an
   * attacker could swap. */
  peer = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0)
    return sk_error_set (err, errno, "process.terminal: open pty peer");
  if (ptsname_r (master, name, sizeof name) != 0)
    return sk_error_set (err, errno, "process.terminal: pty name");
  if (p->console_size.set)
    {
      struct winsize ws = { .ws_row = (unsigned short) p->console_size.height,
                            .ws_col = (unsigned short) p->console_size.width };
      if (ioctl (master, TIOCSWINSZ, &ws) < 0)
        return sk_error_set (err, errno, "process.consoleSize");
    }
  /* The process's user must own its terminal, as with a login. */
  if (fchown (peer, p->user.uid, p->user.gid) < 0)
    return sk_error_set (err, errno, "process.terminal: chown pty to %u:%u", p->user.uid, p->user.gid);
  if (mount_console && mount_console_on (name, err) < 0)
    return -1;
  if (ioctl (peer, TIOCSCTTY, 0) < 0)
    return sk_error_set (err, errno, "process.terminal: set controlling terminal");
  for (int fd = 0; fd <= 2; fd++)
    if (dup2 (peer, fd) < 0)
      return sk_error_set (err, errno, "process.terminal: attach stdio");
  return steal_fd (&master);
}

int
sk_terminal_send_master (int sockfd, int master, sk_error_t *err)
{
  char name[64] = "/dev/ptmx";

  ptsname_r (master, name, sizeof name);
  if (sk_send_with_fd (sockfd, name, strlen (name), master) < 0)
    return sk_error_set (err, errno, "--console-socket: send pty master");
  return 0;
}

int
sk_terminal_connect (const char *path, sk_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return sk_error_set (err, errno, "--console-socket: socket");
  if (strlen (path) >= sizeof addr.sun_path)
    return sk_error_set (err, ENAMETOOLONG, "--console-socket: `%s`", path);
  strcpy (addr.sun_path, path);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return sk_error_set (err, errno, "--console-socket: connect `%s`", path);
  return steal_fd (&fd);
}
