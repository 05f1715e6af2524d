/* Test helper: a minimal seccomp notify agent for `linux.seccomp.listenerPath`.
 *
 *   seccomp-agent SOCKET_PATH OUTFILE
 *
 * Listens on a unix SOCK_STREAM socket at SOCKET_PATH, accepts one runtime
 * connection and reads the message (the container process state JSON of
 * runtime-spec config-linux.md) until it holds one complete JSON object or
 * the runtime closes the connection (runc keeps it open while it runs),
 * together with the seccomp notify fd passed as SCM_RIGHTS.  The JSON is written to OUTFILE
 * (through a temporary file and a rename, so a reader never sees half of it).
 * Then it answers every notification on the fd until the last process using
 * the filter is gone:
 *   - mkdir and mkdirat get a faked success (return value 0, nothing done);
 *   - any other syscall is let through (SECCOMP_USER_NOTIF_FLAG_CONTINUE).
 * One line per answered notification ("mkdir faked" / "NR continued") goes
 * to stdout.  Exit status: 0 once the fd hangs up, 1 on an error. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_MSG (1024 * 1024)

static int
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      buf += n;
      len -= (size_t) n;
    }
  return 0;
}

/* True once msg[0..len) holds one complete top-level JSON object. */
static int
json_complete (const char *msg, size_t len)
{
  int depth = 0, in_string = 0, escaped = 0, started = 0;

  for (size_t i = 0; i < len; i++)
    {
      char ch = msg[i];
      if (in_string)
        {
          if (escaped)
            escaped = 0;
          else if (ch == '\\')
            escaped = 1;
          else if (ch == '"')
            in_string = 0;
          continue;
        }
      if (ch == '"')
        in_string = 1;
      else if (ch == '{' || ch == '[')
        depth++, started = 1;
      else if (ch == '}' || ch == ']')
        {
          if (--depth == 0 && started)
            return 1;
        }
    }
  return 0;
}

/* Read the message (one JSON object, or up to EOF) and the first SCM_RIGHTS
 * fd. */
static int
receive_message (int conn, char *msg, size_t cap, size_t *len, int *notify_fd)
{
  *len = 0;
  *notify_fd = -1;
  for (;;)
    {
      union
      {
        char buf[CMSG_SPACE (4 * sizeof (int))];
        struct cmsghdr align;
      } cbuf;
      struct iovec iov = { .iov_base = msg + *len, .iov_len = cap - *len };
      struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf,
                           .msg_controllen = sizeof cbuf.buf };
      struct cmsghdr *c;
      ssize_t n;

      if (iov.iov_len == 0)
        {
          fprintf (stderr, "seccomp-agent: message longer than %zu bytes\n", cap);
          return -1;
        }
      n = recvmsg (conn, &mh, MSG_CMSG_CLOEXEC);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          perror ("seccomp-agent: recvmsg");
          return -1;
        }
      for (c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
          {
            size_t nfds = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
            for (size_t i = 0; i < nfds; i++)
              {
                int fd;
                memcpy (&fd, CMSG_DATA (c) + i * sizeof (int), sizeof fd);
                if (*notify_fd < 0)
                  *notify_fd = fd;
                else
                  close (fd);
              }
          }
      if (n == 0)
        return 0;
      *len += (size_t) n;
      if (json_complete (msg, *len))
        return 0;
    }
}

static int
save_json (const char *path, const char *msg, size_t len)
{
  char tmp[4096];
  int fd;

  if (snprintf (tmp, sizeof tmp, "%s.tmp", path) >= (int) sizeof tmp)
    return -1;
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || write_all (fd, msg, len) < 0 || write_all (fd, "\n", 1) < 0)
    {
      perror ("seccomp-agent: write OUTFILE");
      if (fd >= 0)
        close (fd);
      return -1;
    }
  if (close (fd) < 0 || rename (tmp, path) < 0)
    {
      perror ("seccomp-agent: rename OUTFILE");
      return -1;
    }
  return 0;
}

/* Answer notifications until no process uses the filter any more. */
static int
serve (int nfd)
{
  struct seccomp_notif_sizes sizes;
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;

  if (syscall (SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
    {
      perror ("seccomp-agent: SECCOMP_GET_NOTIF_SIZES");
      return 1;
    }
  /* The kernel's structures may be larger than this header's. */
  req = calloc (1, sizes.seccomp_notif > sizeof *req ? sizes.seccomp_notif : sizeof *req);
  resp = calloc (1, sizes.seccomp_notif_resp > sizeof *resp ? sizes.seccomp_notif_resp : sizeof *resp);
  if (req == NULL || resp == NULL)
    {
      fprintf (stderr, "seccomp-agent: out of memory\n");
      return 1;
    }
  for (;;)
    {
      struct pollfd p = { .fd = nfd, .events = POLLIN };
      int r = poll (&p, 1, -1);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          perror ("seccomp-agent: poll");
          return 1;
        }
      if (!(p.revents & POLLIN))
        return (p.revents & POLLHUP) ? 0 : 1;

      memset (req, 0, sizes.seccomp_notif);
      if (ioctl (nfd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
        {
          /* ENOENT: the caller was killed before we read it. */
          if (errno == EINTR || errno == ENOENT)
            continue;
          perror ("seccomp-agent: SECCOMP_IOCTL_NOTIF_RECV");
          return 1;
        }
      memset (resp, 0, sizes.seccomp_notif_resp);
      resp->id = req->id;
#if defined(SYS_mkdir)
      if (req->data.nr == SYS_mkdir || req->data.nr == SYS_mkdirat)
#else
      if (req->data.nr == SYS_mkdirat)
#endif
        {
          resp->val = 0;
          resp->error = 0;
          printf ("mkdir faked\n");
        }
      else
        {
          resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
          printf ("%d continued\n", req->data.nr);
        }
      fflush (stdout);
      if (ioctl (nfd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT && errno != EINTR)
        {
          perror ("seccomp-agent: SECCOMP_IOCTL_NOTIF_SEND");
          return 1;
        }
    }
}

int
main (int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char *msg;
  size_t len;
  int ls, conn, nfd;

  if (argc != 3 || strlen (argv[1]) >= sizeof addr.sun_path)
    {
      fprintf (stderr, "usage: seccomp-agent SOCKET_PATH OUTFILE\n");
      return 2;
    }
  strcpy (addr.sun_path, argv[1]);
  ls = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  unlink (argv[1]);
  if (ls < 0 || bind (ls, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (ls, 1) < 0)
    {
      perror ("seccomp-agent: listen");
      return 1;
    }
  do
    conn = accept4 (ls, NULL, NULL, SOCK_CLOEXEC);
  while (conn < 0 && errno == EINTR);
  if (conn < 0)
    {
      perror ("seccomp-agent: accept");
      return 1;
    }
  close (ls);
  unlink (argv[1]);
  msg = malloc (MAX_MSG);
  if (msg == NULL)
    {
      fprintf (stderr, "seccomp-agent: out of memory\n");
      return 1;
    }
  if (receive_message (conn, msg, MAX_MSG, &len, &nfd) < 0)
    return 1;
  close (conn);
  if (nfd < 0)
    {
      fprintf (stderr, "seccomp-agent: no fd received with the message\n");
      return 1;
    }
  if (save_json (argv[2], msg, len) < 0)
    return 1;
  free (msg);
  return serve (nfd);
}
