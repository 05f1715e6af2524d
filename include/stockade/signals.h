#ifndef STOCKADE_SIGNALS_H
#define STOCKADE_SIGNALS_H

#include "stockade/error.h"

/* "KILL", "SIGKILL", "kill", "9", "RTMIN+3" -> signal number. */
int sk_signal_parse (const char *s, int *sig, sk_error_t *err);

#endif
