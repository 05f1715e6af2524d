#include "crash_point.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

void
sk_test_crash_point (const char *name)
{
  const char *at = getenv ("STOCKADE_TEST_CRASH_AT");

  if (at != NULL && strcmp (at, name) == 0)
    raise (SIGKILL);
}
