#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
cli_expect_args (int argc, char **argv, int first, int n, const char *usage, sk_error_t *err)
{
  (void) argv;
  if (argc - first != n)
    return sk_error_set (err, 0, "%s: expected %d argument%s, got %d (usage: %s)", argv[0], n, n == 1 ? "" : "s",
                         argc - first, usage);
  return 0;
}

int
cli_print (const char *text, sk_error_t *err)
{
  size_t len = strlen (text);
  while (len > 0)
    {
      ssize_t w = write (STDOUT_FILENO, text, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return sk_error_set (err, errno, "write to stdout");
      text += w;
      len -= (size_t) w;
    }
  return 0;
}

int
cli_parse_preserve_fds (const char *arg, unsigned int *out, sk_error_t *err)
{
  char *end;
  unsigned long n;

  errno = 0;
  n = strtoul (arg, &end, 10);
  if (errno || *end || end == arg || n > 1024 * 1024)
    return sk_error_set (err, 0, "--preserve-fds: invalid number \"%s\"", arg);
  *out = (unsigned int) n;
  return 0;
}
