/* Unit tests for the seccomp notify-listener handoff
 * (src/linux/seccomp_listener.c): the message and fd an agent at
 * listenerPath receives, the errors, and a full round trip in which a forked
 * child's notified syscall is answered by the "agent" in this process. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <yajl/yajl_tree.h>

#include "sk_test.h"
#include "seccomp_test_util.h"

static const char state_json[] = "{\n  \"ociVersion\": \"1.2.0\",\n  \"id\": \"c1\",\n  \"status\": \"creating\",\n"
                                 "  \"pid\": 4242,\n  \"bundle\": \"/b\",\n  \"annotations\": {\"k\": \"v\"},\n"
                                 "  \"n\": [1.5, -2, true, false, null]\n}\n";

/* A listening agent socket in a fresh directory under /tmp. */
struct agent
{
  char dir[64];
  char path[100];
  int fd;
};

static bool
agent_start (struct agent *a)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };

  snprintf (a->dir, sizeof a->dir, "/tmp/sk-seccomp-test-XXXXXX");
  a->fd = -1;
  if (mkdtemp (a->dir) == NULL)
    return false;
  snprintf (a->path, sizeof a->path, "%s/agent.sock", a->dir);
  snprintf (addr.sun_path, sizeof addr.sun_path, "%s", a->path);
  a->fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  return a->fd >= 0 && bind (a->fd, (struct sockaddr *) &addr, sizeof addr) == 0 && listen (a->fd, 4) == 0;
}

static void
agent_stop (struct agent *a)
{
  if (a->fd >= 0)
    close (a->fd);
  unlink (a->path);
  rmdir (a->dir);
}

/* Accept one connection and read it to EOF; *fd gets the attached fd. */
static char *
agent_receive (struct agent *a, int *fd)
{
  cleanup_close int conn = accept4 (a->fd, NULL, NULL, SOCK_CLOEXEC);
  char *buf = calloc (1, 65536);
  size_t used = 0;

  *fd = -1;
  if (conn < 0 || buf == NULL)
    {
      free (buf);
      return NULL;
    }
  for (;;)
    {
      char cbuf[CMSG_SPACE (sizeof (int))];
      struct iovec iov = { .iov_base = buf + used, .iov_len = 65535 - used };
      struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
      ssize_t r = recvmsg (conn, &mh, MSG_CMSG_CLOEXEC);

      if (r <= 0)
        break;
      for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
          memcpy (fd, CMSG_DATA (c), sizeof (int));
      used += (size_t) r;
    }
  return buf;
}

static const char *
jstr (yajl_val root, const char *k1, const char *k2)
{
  const char *path[] = { k1, k2, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_string);

  return v != NULL ? YAJL_GET_STRING (v) : NULL;
}

static long long
jint (yajl_val root, const char *k1, const char *k2)
{
  const char *path[] = { k1, k2, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_number);

  return v != NULL && YAJL_IS_INTEGER (v) ? YAJL_GET_INTEGER (v) : -1;
}

/* The message matches runtime-spec "The Container Process State". */
static void
check_message (const char *msg, pid_t pid, const char *metadata)
{
  char errbuf[128];
  yajl_val root = yajl_tree_parse (msg, errbuf, sizeof errbuf);
  const char *fds_path[] = { "fds", NULL };
  const char *n_path[] = { "state", "n", NULL };
  yajl_val fds, n;

  SK_CHECK (root != NULL && YAJL_IS_OBJECT (root));
  if (root == NULL)
    return;
  SK_CHECK_STR (jstr (root, "ociVersion", NULL), "1.2.0");
  fds = yajl_tree_get (root, fds_path, yajl_t_array);
  SK_CHECK (fds != NULL && YAJL_GET_ARRAY (fds)->len == 1);
  if (fds != NULL && YAJL_GET_ARRAY (fds)->len == 1)
    SK_CHECK_STR (YAJL_GET_STRING (YAJL_GET_ARRAY (fds)->values[0]), "seccompFd");
  SK_CHECK (jint (root, "pid", NULL) == pid);
  SK_CHECK_STR (jstr (root, "metadata", NULL), metadata);
  SK_CHECK_STR (jstr (root, "state", "id"), "c1");
  SK_CHECK_STR (jstr (root, "state", "status"), "creating");
  SK_CHECK (jint (root, "state", "pid") == 4242);
  n = yajl_tree_get (root, n_path, yajl_t_array);
  SK_CHECK (n != NULL && YAJL_GET_ARRAY (n)->len == 5);
  /* Compact: one message, no newlines from the pretty state. */
  SK_CHECK (strchr (msg, '\n') == NULL);
  SK_CHECK_CONTAINS (msg, "\"n\":[1.5,-2,true,false,null]");
  SK_CHECK_CONTAINS (msg, "\"annotations\":{\"k\":\"v\"}");
  yajl_tree_free (root);
}

static void
test_listener_transport (void)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *msg = NULL;
  struct agent a;
  int pipefd[2] = { -1, -1 }, got = -1;
  struct stat want, have;

  SK_CHECK (agent_start (&a));
  SK_CHECK (pipe2 (pipefd, O_CLOEXEC) == 0);
  SK_CHECK (sk_seccomp_send_listener (a.path, "MKNOD=/dev/null;\"quoted\"", pipefd[0], 777, state_json, &err) == 0);
  if (err != NULL)
    printf ("# %s\n", sk_error_msg (&err));
  msg = agent_receive (&a, &got);
  SK_CHECK (msg != NULL);
  if (msg != NULL)
    check_message (msg, 777, "MKNOD=/dev/null;\"quoted\"");
  /* The very pipe arrived. */
  SK_CHECK (got >= 0 && fstat (got, &have) == 0 && fstat (pipefd[0], &want) == 0 && have.st_ino == want.st_ino
            && S_ISFIFO (have.st_mode));
  if (got >= 0)
    close (got);
  close (pipefd[0]);
  close (pipefd[1]);
  agent_stop (&a);
}

static void
expect_send_error (const char *path, int fd, const char *state, const char *want)
{
  cleanup_error sk_error_t err = NULL;

  SK_CHECK (sk_seccomp_send_listener (path, NULL, fd, 1, state, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), want);
}

static void
test_listener_errors (void)
{
  char long_path[200];
  struct agent a;
  int conn;

  memset (long_path, 'x', sizeof long_path - 1);
  long_path[0] = '/';
  long_path[sizeof long_path - 1] = '\0';
  expect_send_error (long_path, 0, state_json, "linux.seccomp.listenerPath: \"/xxx");
  expect_send_error (long_path, 0, state_json, "must be 1 to 107 bytes");
  expect_send_error ("/nonexistent/stockade/agent.sock", 0, state_json,
                     "linux.seccomp.listenerPath: connect to /nonexistent/stockade/agent.sock: No such file");
  expect_send_error (NULL, 0, state_json, "linux.seccomp.listenerPath: required");
  expect_send_error ("/x", -1, state_json, "no notify fd");

  /* A bad state never reaches the agent. */
  SK_CHECK (agent_start (&a));
  expect_send_error (a.path, 0, "[1]", "container state is not a JSON object");
  expect_send_error (a.path, 0, "{\"id\":", "container state is not a JSON object");
  expect_send_error (a.path, 0, NULL, "container state is not a JSON object");
  expect_send_error (a.path, 0, "{\"id\":\"c1\"}", "container state has no \"ociVersion\"");
  SK_CHECK (fcntl (a.fd, F_SETFL, O_NONBLOCK) == 0);
  conn = accept4 (a.fd, NULL, NULL, SOCK_CLOEXEC);
  SK_CHECK (conn < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
  if (conn >= 0)
    close (conn);
  agent_stop (&a);
}

/* ---- round trip ------------------------------------------------------- */

static int
send_fd (int sock, int fd)
{
  char byte = 'F';
  char cbuf[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  struct cmsghdr *c = CMSG_FIRSTHDR (&mh);

  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof fd);
  return sendmsg (sock, &mh, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int
recv_fd (int sock)
{
  char byte, cbuf[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  struct cmsghdr *c;
  int fd = -1;

  if (recvmsg (sock, &mh, MSG_CMSG_CLOEXEC) != 1)
    return -1;
  c = CMSG_FIRSTHDR (&mh);
  if (c != NULL && c->cmsg_type == SCM_RIGHTS)
    memcpy (&fd, CMSG_DATA (c), sizeof fd);
  return fd;
}

#define MAGIC_PPID 4242

/* As the container init would: load, pass the listener to the parent, then
 * run the workload, whose getppid() the agent answers. */
static void
notify_child (const struct sk_seccomp *f, int sock)
{
  int nfd = -1, e;

  child_prepare ();
  child_load (f, &nfd);
  if (nfd < 0 || send_fd (sock, nfd) < 0)
    child_exit (102);
  close (nfd);
  child_exit (raw (SYS_getppid, 0, 0, &e) == MAGIC_PPID ? 0 : 1);
}

/* The agent's side: the message, then answer one notification. */
static void
agent_answer (struct agent *a, pid_t child)
{
  cleanup_free char *msg = NULL;
  cleanup_close int nfd = -1;
  struct seccomp_notif req;
  struct seccomp_notif_resp resp;

  msg = agent_receive (a, &nfd);
  SK_CHECK (msg != NULL && nfd >= 0);
  if (msg == NULL || nfd < 0)
    return;
  check_message (msg, child, "");
  memset (&req, 0, sizeof req);
  SK_CHECK (ioctl (nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0);
  SK_CHECK (req.pid == (uint32_t) child);
  SK_CHECK (req.data.nr == SYS_getppid);
  resp = (struct seccomp_notif_resp) { .id = req.id, .val = MAGIC_PPID };
  SK_CHECK (ioctl (nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0);
}

static void
test_notify_end_to_end (void)
{
  cleanup_error sk_error_t err = NULL;
  struct oci_seccomp_syscall sc[] = { { .names = NAMES ("getppid"), .action = "SCMP_ACT_NOTIFY" } };
  struct oci_seccomp s = filter_of ("SCMP_ACT_ALLOW", sc, N_ELEMS (sc));
  struct sk_seccomp *f;
  struct agent a;
  int sp[2], status = -1, nfd;
  pid_t pid;

  /* TSYNC with a listener needs TSYNC_ESRCH; WAIT_KILLABLE_RECV applies. */
  s.flags = NAMES ("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
  s.listener_path = "unused";
  f = build_ok (&s, NULL);
  if (f == NULL)
    return;
  SK_CHECK (sk_seccomp_needs_listener (f));
  SK_CHECK (agent_start (&a));
  SK_CHECK (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0);
  fflush (stdout);
  pid = fork ();
  if (pid == 0)
    notify_child (f, sp[1]);
  close (sp[1]);
  nfd = recv_fd (sp[0]);
  SK_CHECK (nfd >= 0);
  if (nfd >= 0)
    {
      SK_CHECK (sk_seccomp_send_listener (a.path, NULL, nfd, pid, state_json, &err) == 0);
      close (nfd); /* the agent holds its own copy now */
      agent_answer (&a, pid);
    }
  else
    kill (pid, SIGKILL);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  SK_CHECK (exited_ok (status));
  close (sp[0]);
  agent_stop (&a);
  sk_seccomp_free (f);
}

int
main (void)
{
  signal (SIGPIPE, SIG_IGN);
  SK_RUN (test_listener_transport);
  SK_RUN (test_listener_errors);
  SK_RUN (test_notify_end_to_end);
  return sk_test_done ();
}
