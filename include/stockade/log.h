/* Runtime logging: text or runc-compatible JSON lines
 * ({"level":"error","msg":"...","time":"..."}), written to the --log file when
 * given and to stderr.  Engines (containerd's shim, Podman) read the JSON log
 * back to tell the user why a container failed, so error lines matter. */
#ifndef STOCKADE_LOG_H
#define STOCKADE_LOG_H

#include <stdbool.h>

enum sk_log_level
{
  SK_LOG_ERROR,
  SK_LOG_WARNING,
  SK_LOG_INFO,
  SK_LOG_DEBUG,
};

struct sk_log
{
  int file_fd;   /* --log FILE, -1 when absent */
  bool json;     /* --log-format json */
  bool debug;    /* --debug: include debug lines */
};

/* Without a log file every record goes to stderr.  With one, everything goes
 * to the file and only errors also to stderr (plain text), as runc does:
 * under an engine the runtime's stderr is the container's. */
void sk_log (const struct sk_log *log, enum sk_log_level level, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

#define sk_log_debug(l, ...) sk_log ((l), SK_LOG_DEBUG, __VA_ARGS__)
#define sk_log_warn(l, ...) sk_log ((l), SK_LOG_WARNING, __VA_ARGS__)
#define sk_log_error(l, ...) sk_log ((l), SK_LOG_ERROR, __VA_ARGS__)

/* Write an already-formed JSON line (a policy report record) to the --log
 * file only; without a log file it goes nowhere (stderr gets the summary). */
void sk_log_raw (const struct sk_log *log, const char *line);

/* Format one log line (no trailing newline handling by callers). Pure, for tests. */
char *sk_log_format_line (bool json, enum sk_log_level level, const char *msg, const char *time_str);

#endif
