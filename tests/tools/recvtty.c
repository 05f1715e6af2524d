/* Test helper: listen on a unix socket as an engine's --console-socket would,
 * accept one runtime connection, receive the pty master (SCM_RIGHTS), print
 * the pty name on the first line, then copy everything the container writes
 * to the terminal to stdout until it closes.  Usage: recvtty SOCKET_PATH */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char name[4096], cbuf[CMSG_SPACE (sizeof (int))], buf[4096];
  struct iovec iov = { .iov_base = name, .iov_len = sizeof name - 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  struct cmsghdr *c;
  int ls, conn, master = -1;
  ssize_t n;

  if (argc != 2 || strlen (argv[1]) >= sizeof addr.sun_path)
    {
      fprintf (stderr, "usage: recvtty SOCKET_PATH\n");
      return 2;
    }
  strcpy (addr.sun_path, argv[1]);
  ls = socket (AF_UNIX, SOCK_STREAM, 0);
  unlink (argv[1]);
  if (ls < 0 || bind (ls, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (ls, 1) < 0)
    {
      perror ("recvtty: listen");
      return 1;
    }
  conn = accept (ls, NULL, NULL);
  if (conn < 0)
    {
      perror ("recvtty: accept");
      return 1;
    }
  n = recvmsg (conn, &mh, 0);
  if (n <= 0)
    {
      fprintf (stderr, "recvtty: no message\n");
      return 1;
    }
  name[n] = '\0';
  for (c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy (&master, CMSG_DATA (c), sizeof master);
  if (master < 0)
    {
      fprintf (stderr, "recvtty: no fd received\n");
      return 1;
    }
  printf ("%s\n", name);
  fflush (stdout);
  while ((n = read (master, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0 && write (STDOUT_FILENO, buf, (size_t) n) < 0)
      break;
  return 0;
}
