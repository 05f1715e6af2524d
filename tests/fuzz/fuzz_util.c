#include "fuzz_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stockade-config.h"
#include "stockade/cleanup.h"

/* Loaded once per process and kept: reachable until exit, so not a leak. */
static struct sk_profile *shipped[3];
static const char *const shipped_names[3] = { "default", "strict", "complain" };
static char scratch[256];

const char *
fuzz_profiles_dir (void)
{
  return STOCKADE_SOURCE_PROFILE_DIR;
}

const struct sk_profile *
fuzz_shipped_profile (const char *name)
{
  const char *const dirs[] = { STOCKADE_SOURCE_PROFILE_DIR, NULL };

  for (size_t i = 0; i < 3; i++)
    {
      sk_error_t err = NULL;

      if (strcmp (name, shipped_names[i]) != 0)
        continue;
      if (shipped[i] == NULL && sk_profile_load (name, dirs, &shipped[i], &err) < 0)
        {
          fprintf (stderr, "fuzz: cannot load the shipped profile %s: %s\n", name, sk_error_msg (&err));
          abort ();
        }
      return shipped[i];
    }
  abort ();
}

/* The harnesses write only top-level files into the scratch directory. */
static void
remove_scratch (void)
{
  DIR *d = opendir (scratch);
  struct dirent *e;

  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL)
    if (e->d_type == DT_REG)
      unlinkat (dirfd (d), e->d_name, 0);
  closedir (d);
  rmdir (scratch);
}

const char *
fuzz_scratch_dir (void)
{
  const char *tmp = getenv ("TMPDIR");

  if (scratch[0] != '\0')
    return scratch;
  snprintf (scratch, sizeof scratch, "%s/stockade-fuzz.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
  if (mkdtemp (scratch) == NULL)
    {
      perror ("fuzz: mkdtemp");
      abort ();
    }
  atexit (remove_scratch);
  return scratch;
}

char *
fuzz_write_file (const char *dir, const char *name, const void *data, size_t len)
{
  char *path = NULL;
  cleanup_close int fd = -1;
  size_t done = 0;

  if (asprintf (&path, "%s/%s", dir, name) < 0)
    abort ();
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      perror (path);
      abort ();
    }
  while (done < len)
    {
      ssize_t w = write (fd, (const char *) data + done, len - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        abort ();
      done += (size_t) w;
    }
  return path;
}
