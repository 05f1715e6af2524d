/* Unit tests for the fd-based path helpers in src/linux/safe_path.c. */
#include "sk_test.h"
#include "stockade/cleanup.h"
#include "stockade/linux/safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void
test_mkdir_beneath (void)
{
  cleanup_error sk_error_t err = NULL;
  char tmpl[] = "/tmp/sk-safe-path-XXXXXX";
  char *dir = mkdtemp (tmpl);
  cleanup_close int dirfd = -1, fd = -1, again = -1;
  struct stat st, st2;

  SK_CHECK (dir != NULL);
  if (dir == NULL)
    return;
  dirfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  SK_CHECK (dirfd >= 0);

  /* Made when missing, opened when present: the same directory. */
  fd = sk_mkdir_beneath (dirfd, "cpu", 0755, "mounts[0]", &err);
  SK_CHECK (fd >= 0 && fstat (fd, &st) == 0 && S_ISDIR (st.st_mode) && (st.st_mode & 07777) == 0755);
  again = sk_mkdir_beneath (dirfd, "cpu", 0755, "mounts[0]", &err);
  SK_CHECK (again >= 0 && fstat (again, &st2) == 0 && st.st_ino == st2.st_ino);
  SK_CHECK (fcntl (fd, F_GETFL) & O_PATH);

  /* A symlink in its place is never followed, not even to a directory
   * beneath DIRFD. */
  SK_CHECK (symlinkat ("cpu", dirfd, "memory") == 0);
  SK_CHECK (sk_mkdir_beneath (dirfd, "memory", 0755, "mounts[0]", &err) < 0);
  SK_CHECK (err != NULL && err->status == ELOOP);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "mounts[0]: `memory`");
  sk_error_release (&err);
  SK_CHECK (symlinkat ("/", dirfd, "pids") == 0);
  SK_CHECK (sk_mkdir_beneath (dirfd, "pids", 0755, "mounts[0]", &err) < 0);
  sk_error_release (&err);

  /* One component only. */
  SK_CHECK (sk_mkdir_beneath (dirfd, "cpu/x", 0755, "m", &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "not a directory name");
  sk_error_release (&err);
  SK_CHECK (sk_mkdir_beneath (dirfd, "..", 0755, "m", &err) < 0);
  sk_error_release (&err);
  SK_CHECK (sk_mkdir_beneath (dirfd, "", 0755, "m", &err) < 0);
  sk_error_release (&err);

  unlinkat (dirfd, "memory", 0);
  unlinkat (dirfd, "pids", 0);
  unlinkat (dirfd, "cpu", AT_REMOVEDIR);
  rmdir (dir);
}

int
main (void)
{
  umask (022);
  SK_RUN (test_mkdir_beneath);
  return sk_test_done ();
}
