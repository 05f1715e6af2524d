/* Handing the seccomp notify fd to the agent at `linux.seccomp.listenerPath`
 * (runtime-spec config-linux.md, "The Container Process State").
 *
 * The agent (e.g. a seccomp-notify daemon) keys its decisions on the
 * container state and metadata, so the message carries both, with the fd
 * attached to the first byte of the stream. */
#include "stockade/linux/seccomp.h"
#include "stockade/cleanup.h"
#include "stockade/linux/fd_pass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

static void
gen_release (yajl_gen *g)
{
  if (*g != NULL)
    yajl_gen_free (*g);
  *g = NULL;
}
#define cleanup_gen __attribute__ ((cleanup (gen_release)))

static void
tree_release (yajl_val *v)
{
  if (*v != NULL)
    yajl_tree_free (*v);
  *v = NULL;
}
#define cleanup_tree __attribute__ ((cleanup (tree_release)))

static yajl_gen_status
gen_str (yajl_gen g, const char *s)
{
  return yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

/* Re-emit a parsed tree.  Numbers keep their original text, so nothing is
 * rounded on the way through. */
static yajl_gen_status
gen_tree (yajl_gen g, yajl_val v)
{
  yajl_gen_status st = yajl_gen_status_ok;

  switch (v->type)
    {
    case yajl_t_string:
      return gen_str (g, v->u.string);
    case yajl_t_number:
      return yajl_gen_number (g, v->u.number.r, strlen (v->u.number.r));
    case yajl_t_true:
      return yajl_gen_bool (g, 1);
    case yajl_t_false:
      return yajl_gen_bool (g, 0);
    case yajl_t_null:
      return yajl_gen_null (g);
    case yajl_t_object:
      st = yajl_gen_map_open (g);
      for (size_t i = 0; st == yajl_gen_status_ok && i < v->u.object.len; i++)
        if ((st = gen_str (g, v->u.object.keys[i])) == yajl_gen_status_ok)
          st = gen_tree (g, v->u.object.values[i]);
      return st == yajl_gen_status_ok ? yajl_gen_map_close (g) : st;
    case yajl_t_array:
      st = yajl_gen_array_open (g);
      for (size_t i = 0; st == yajl_gen_status_ok && i < v->u.array.len; i++)
        st = gen_tree (g, v->u.array.values[i]);
      return st == yajl_gen_status_ok ? yajl_gen_array_close (g) : st;
    default:
      return yajl_gen_invalid_string;
    }
}

/* The message body as a malloc'd string. */
static int
listener_message (const char *metadata, pid_t pid, const char *state_json, char **out, size_t *out_len,
                  sk_error_t *err)
{
  const char *version_path[] = { "ociVersion", NULL }; /* yajl wants it non-const */
  cleanup_tree yajl_val state = NULL;
  cleanup_gen yajl_gen g = NULL;
  yajl_gen_status st;
  const unsigned char *buf;
  size_t len;
  const char *version;
  yajl_val v;
  char errbuf[256] = "";

  state = yajl_tree_parse (state_json != NULL ? state_json : "", errbuf, sizeof errbuf);
  if (state == NULL || !YAJL_IS_OBJECT (state))
    return sk_error_set (err, EINVAL, "seccomp listener: container state is not a JSON object%s%s",
                         errbuf[0] ? ": " : "", errbuf);
  v = yajl_tree_get (state, version_path, yajl_t_string);
  version = YAJL_GET_STRING (v);
  if (version == NULL)
    return sk_error_set (err, EINVAL, "seccomp listener: container state has no \"ociVersion\"");

  g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return sk_error_set (err, ENOMEM, "seccomp listener: message");
  if ((st = yajl_gen_map_open (g)) == yajl_gen_status_ok
      && (st = gen_str (g, "ociVersion")) == yajl_gen_status_ok
      && (st = gen_str (g, version)) == yajl_gen_status_ok
      && (st = gen_str (g, "fds")) == yajl_gen_status_ok
      && (st = yajl_gen_array_open (g)) == yajl_gen_status_ok
      && (st = gen_str (g, "seccompFd")) == yajl_gen_status_ok
      && (st = yajl_gen_array_close (g)) == yajl_gen_status_ok
      && (st = gen_str (g, "pid")) == yajl_gen_status_ok
      && (st = yajl_gen_integer (g, (long long) pid)) == yajl_gen_status_ok
      && (st = gen_str (g, "metadata")) == yajl_gen_status_ok
      && (st = gen_str (g, metadata != NULL ? metadata : "")) == yajl_gen_status_ok
      && (st = gen_str (g, "state")) == yajl_gen_status_ok
      && (st = gen_tree (g, state)) == yajl_gen_status_ok)
    st = yajl_gen_map_close (g);
  if (st == yajl_gen_status_ok)
    st = yajl_gen_get_buf (g, &buf, &len);
  if (st != yajl_gen_status_ok)
    return sk_error_set (err, EINVAL, "seccomp listener: cannot encode the message (yajl status %d)", (int) st);
  *out = strndup ((const char *) buf, len);
  if (*out == NULL)
    return sk_error_set (err, ENOMEM, "seccomp listener: message");
  *out_len = len;
  return 0;
}

static int
connect_listener (const char *path, sk_error_t *err)
{
  cleanup_close int fd = -1;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  size_t plen = strlen (path);

  if (plen == 0 || plen >= sizeof addr.sun_path)
    return sk_error_set (err, ENAMETOOLONG, "linux.seccomp.listenerPath: \"%s\" must be 1 to %zu bytes", path,
                         sizeof addr.sun_path - 1);
  memcpy (addr.sun_path, path, plen);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return sk_error_set (err, errno, "linux.seccomp.listenerPath: socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return sk_error_set (err, errno, "linux.seccomp.listenerPath: connect to %s", path);
  return steal_fd (&fd);
}

/* The fd rides on the first sendmsg; a short write sends the rest plainly. */
static int
send_with_fd (int sock, const char *msg, size_t len, int passfd, sk_error_t *err)
{
  size_t done = 0;
  ssize_t r = sk_send_with_fd (sock, msg, len, passfd);

  if (r < 0)
    return sk_error_set (err, errno, "seccomp listener: send the notify fd");
  for (done = (size_t) r; done < len; done += (size_t) r)
    {
      do
        r = send (sock, msg + done, len - done, MSG_NOSIGNAL);
      while (r < 0 && errno == EINTR);
      if (r <= 0)
        return sk_error_set (err, r < 0 ? errno : EPIPE, "seccomp listener: send the container state");
    }
  return 0;
}

int
sk_seccomp_send_listener (const char *listener_path, const char *metadata, int notify_fd, pid_t pid,
                          const char *state_json, sk_error_t *err)
{
  cleanup_free char *msg = NULL;
  cleanup_close int sock = -1;
  size_t len = 0;

  if (notify_fd < 0)
    return sk_error_set (err, EBADF, "seccomp listener: no notify fd to send");
  if (listener_path == NULL)
    return sk_error_set (err, EINVAL, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
  /* Build first: a bad state never reaches the agent half-sent. */
  if (listener_message (metadata, pid, state_json, &msg, &len, err) < 0)
    return -1;
  sock = connect_listener (listener_path, err);
  if (sock < 0)
    return -1;
  if (send_with_fd (sock, msg, len, notify_fd, err) < 0)
    return sk_error_wrap (err, "linux.seccomp.listenerPath: %s", listener_path);
  return 0;
}
