#include "stockade/log.h"
#include "stockade/cleanup.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

static const char *const level_names[] = {
  [SK_LOG_ERROR] = "error",
  [SK_LOG_WARNING] = "warning",
  [SK_LOG_INFO] = "info",
  [SK_LOG_DEBUG] = "debug",
};

static char *
json_line (const char *level, const char *msg, const char *time_str)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;
  char *out = NULL;

  if (g == NULL)
    return NULL;
  yajl_gen_map_open (g);
  yajl_gen_string (g, (const unsigned char *) "level", 5);
  yajl_gen_string (g, (const unsigned char *) level, strlen (level));
  yajl_gen_string (g, (const unsigned char *) "msg", 3);
  yajl_gen_string (g, (const unsigned char *) msg, strlen (msg));
  yajl_gen_string (g, (const unsigned char *) "time", 4);
  yajl_gen_string (g, (const unsigned char *) time_str, strlen (time_str));
  yajl_gen_map_close (g);
  if (yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok && asprintf (&out, "%.*s\n", (int) len, buf) < 0)
    out = NULL;
  yajl_gen_free (g);
  return out;
}

char *
sk_log_format_line (bool json, enum sk_log_level level, const char *msg, const char *time_str)
{
  char *out = NULL;

  if (json)
    return json_line (level_names[level], msg, time_str);
  if (asprintf (&out, "%s %s: %s\n", time_str, level_names[level], msg) < 0)
    return NULL;
  return out;
}

static void
now_rfc3339 (char *buf, size_t size)
{
  struct timespec ts;
  struct tm tm;

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + strlen (buf), size - strlen (buf), ".%09ldZ", ts.tv_nsec);
}

static void
write_all (int fd, const char *s)
{
  size_t len = strlen (s);
  while (len > 0)
    {
      ssize_t w = write (fd, s, len);
      if (w <= 0)
        return; /* logging must never fail the operation */
      s += w;
      len -= (size_t) w;
    }
}

void
sk_log (const struct sk_log *log, enum sk_log_level level, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  cleanup_free char *line = NULL;
  char when[64];
  va_list ap;

  if (level == SK_LOG_DEBUG && (log == NULL || !log->debug))
    return;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg == NULL)
    return;
  /* Keep every record on one line: engines read the log line by line. */
  for (char *p = msg; *p; p++)
    if (*p == '\n')
      *p = ' ';
  now_rfc3339 (when, sizeof when);

  if (log != NULL && log->file_fd >= 0)
    {
      line = sk_log_format_line (log->json, level, msg, when);
      if (line != NULL)
        write_all (log->file_fd, line);
      /* As runc: with a log file only the error also goes to stderr.  An
       * engine hands the runtime the container's own stdio (containerd's
       * shim, conmon), so anything more would land in the application's
       * stderr (`docker logs`). */
      if (level == SK_LOG_ERROR)
        {
          cleanup_free char *text = NULL;
          if (asprintf (&text, "stockade: %s\n", msg) >= 0)
            write_all (STDERR_FILENO, text);
        }
      return;
    }
  if (log != NULL && log->json)
    line = sk_log_format_line (true, level, msg, when);
  else if (asprintf (&line, "stockade: %s%s\n",
                     level == SK_LOG_ERROR     ? ""
                     : level == SK_LOG_WARNING ? "warning: "
                     : level == SK_LOG_INFO    ? ""
                                               : "debug: ",
                     msg) < 0)
    line = NULL;
  if (line != NULL)
    write_all (STDERR_FILENO, line);
}

void
sk_log_raw (const struct sk_log *log, const char *line)
{
  if (log == NULL || log->file_fd < 0)
    return;
  write_all (log->file_fd, line);
  if (*line != '\0' && line[strlen (line) - 1] != '\n')
    write_all (log->file_fd, "\n");
}
