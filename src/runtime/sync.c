#include "sync.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
sk_sync_send (int fd, enum sk_sync_type type, int errnum, const char *text)
{
  struct sk_sync_msg m = { .type = type, .errnum = errnum };
  ssize_t r;

  if (text != NULL)
    snprintf (m.text, sizeof m.text, "%s", text);
  do
    r = send (fd, &m, sizeof m, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return r == (ssize_t) sizeof m ? 0 : -1;
}

int
sk_sync_send_fd (int fd, enum sk_sync_type type, int passfd)
{
  return sk_sync_send_fd_num (fd, type, 0, passfd);
}

int
sk_sync_send_fd_num (int fd, enum sk_sync_type type, int errnum, int passfd)
{
  struct sk_sync_msg m = { .type = type, .errnum = errnum };
  char cbuf[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  struct cmsghdr *c;

  memset (cbuf, 0, sizeof cbuf);
  c = CMSG_FIRSTHDR (&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &passfd, sizeof (int));
  return sendmsg (fd, &mh, MSG_NOSIGNAL) == (ssize_t) sizeof m ? 0 : -1;
}

int
sk_sync_write (int fd, enum sk_sync_type type)
{
  struct sk_sync_msg m = { .type = type };
  ssize_t r;

  do
    r = write (fd, &m, sizeof m);
  while (r < 0 && errno == EINTR);
  return r == (ssize_t) sizeof m ? 0 : -1;
}

int
sk_sync_read (int fd, struct sk_sync_msg *m, sk_error_t *err)
{
  ssize_t r;

  do
    r = read (fd, m, sizeof *m);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return sk_error_set (err, errno, "read from the runtime");
  if (r != (ssize_t) sizeof *m)
    return sk_error_set (err, EPROTO, "short message from the runtime");
  m->text[sizeof m->text - 1] = '\0';
  return 0;
}

void
sk_sync_send_error (int fd, const sk_error_t *err)
{
  sk_sync_send (fd, SK_SYNC_ERROR, (err && *err) ? (*err)->status : 0, sk_error_msg (err));
}

int
sk_sync_recv (int fd, struct sk_sync_msg *m, pid_t *sender, int *passed, sk_error_t *err)
{
  char cbuf[CMSG_SPACE (sizeof (struct ucred)) + CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = m, .iov_len = sizeof *m };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  ssize_t r;

  do
    r = recvmsg (fd, &mh, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return sk_error_set (err, errno, "read from container init");
  if (r == 0)
    return sk_error_set (err, 0, "container init exited during setup");
  if (r != (ssize_t) sizeof *m)
    return sk_error_set (err, EPROTO, "short message from container init");
  m->text[sizeof m->text - 1] = '\0';
  if (sender != NULL)
    *sender = 0;
  if (passed != NULL)
    *passed = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
    {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS && sender != NULL)
        {
          struct ucred cred;
          memcpy (&cred, CMSG_DATA (c), sizeof cred);
          *sender = cred.pid;
        }
      else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
        {
          int got;
          memcpy (&got, CMSG_DATA (c), sizeof got);
          if (passed != NULL)
            *passed = got;
          else
            close (got); /* nobody asked for it: never leak it */
        }
    }
  return 0;
}

int
sk_sync_error_from (const struct sk_sync_msg *m, sk_error_t *err)
{
  /* The text already carries the strerror() of the child's errno. */
  sk_error_set (err, 0, "%s", m->text);
  if (err != NULL && *err != NULL)
    (*err)->status = m->errnum;
  return -1;
}

int
sk_sync_expect (int fd, enum sk_sync_type want, pid_t *sender, sk_error_t *err)
{
  struct sk_sync_msg m;

  if (sk_sync_recv (fd, &m, sender, NULL, err) < 0)
    return -1;
  if (m.type == SK_SYNC_ERROR)
    return sk_sync_error_from (&m, err);
  if (m.type != (uint32_t) want)
    return sk_error_set (err, EPROTO, "unexpected message %u from container init (wanted %u)", m.type, want);
  return 0;
}
