/* seals PATH: print the memfd seals of the file PATH names (for instance
 * /proc/PID/exe of the runtime's sealed copy, escapes.bats) as words:
 * "seal shrink grow write ..." in that order, or "none".  Exits 1 when the
 * file cannot be opened or does not support seals. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  static const struct
  {
    int bit;
    const char *name;
  } names[] = { { F_SEAL_SEAL, "seal" },   { F_SEAL_SHRINK, "shrink" },
                { F_SEAL_GROW, "grow" },   { F_SEAL_WRITE, "write" },
                { F_SEAL_FUTURE_WRITE, "future_write" } };
  const char *sep = "";
  int fd, seals;

  if (argc != 2)
    {
      fprintf (stderr, "usage: seals PATH\n");
      return 2;
    }
  fd = open (argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0 || (seals = fcntl (fd, F_GET_SEALS)) < 0)
    {
      perror (argv[1]);
      return 1;
    }
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (seals & names[i].bit)
      {
        printf ("%s%s", sep, names[i].name);
        sep = " ";
      }
  printf ("%s\n", *sep ? "" : "none");
  close (fd);
  return 0;
}
