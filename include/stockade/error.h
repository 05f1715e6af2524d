/* One error type carried up the call chain (modelled on crun's libcrun_error_t).
 *
 * Every fallible function returns an int (< 0 on failure) and takes an
 * `sk_error_t *err`.  The innermost failure records an errno and a message;
 * callers add context on the way up with sk_error_wrap().  Only the CLI prints
 * the error, once, as text or as a runc-style JSON log line. */
#ifndef STOCKADE_ERROR_H
#define STOCKADE_ERROR_H

struct sk_error_s
{
  int status; /* errno of the innermost failure, 0 when none applies */
  char *msg;  /* full message, outermost context first; NULL only on OOM */
};
typedef struct sk_error_s *sk_error_t;

/* Record a new error.  errnum != 0 appends ": strerror(errnum)".
 * Always returns -1 so callers can `return sk_error_set (...)`.  If *err already
 * holds an error, the old one is released first. */
int sk_error_set (sk_error_t *err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Prefix context to an existing error ("ctx: inner").  Returns -1. */
int sk_error_wrap (sk_error_t *err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* Message text for printing; never NULL. */
const char *sk_error_msg (const sk_error_t *err);

void sk_error_release (sk_error_t *err);

#define cleanup_error __attribute__ ((cleanup (sk_error_release)))

#endif
