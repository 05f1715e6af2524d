/* Run from a sealed memfd copy of the runtime binary: see
 * stockade/linux/sealed_exe.h. */
#include "stockade/linux/sealed_exe.h"
#include "stockade/cleanup.h"
#include "stockade/elf_exec.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static bool
is_sealed_copy (int fd)
{
  int seals = fcntl (fd, F_GET_SEALS);
  return seals >= 0 && (seals & SEALS) == SEALS;
}

/* Copy LEN bytes of EXE from offset OFF on to the memfd's current offset. */
static int
copy_range (int mfd, int exe, off_t off, off_t len, sk_error_t *err)
{
  while (off < len)
    {
      ssize_t n = sendfile (mfd, exe, &off, (size_t) (len - off));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return sk_error_set (err, n < 0 ? errno : EIO, "copy /proc/self/exe");
    }
  return 0;
}

/* Only what exec needs is copied (see elf_exec.h): in a build with debug
 * info that is a quarter of the file, and the copy is most of the cost of
 * this defence.  The copy gets the ELF header fixed for its length; anything
 * that is not a plain native ELF file is copied whole. */
static int
sealed_copy (int exe, sk_error_t *err)
{
  cleanup_close int mfd = memfd_create ("stockade", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  unsigned char head[4096];
  uint64_t prefix;
  struct stat st;
  ssize_t got;
  off_t len, off = 0;

  /* Kernels before 6.3 do not know MFD_EXEC (and execute memfds anyway). */
  if (mfd < 0 && errno == EINVAL)
    mfd = memfd_create ("stockade", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return sk_error_set (err, errno, "memfd_create");
  if (fstat (exe, &st) < 0)
    return sk_error_set (err, errno, "stat /proc/self/exe");
  len = st.st_size;
  do
    got = pread (exe, head, sizeof head, 0);
  while (got < 0 && errno == EINTR);
  if (got < 0)
    return sk_error_set (err, errno, "read /proc/self/exe");
  if (sk_elf_exec_prefix (head, (size_t) got, (uint64_t) st.st_size, &prefix) == 0)
    {
      /* The header as fixed up, then the rest from the file. */
      len = (off_t) prefix;
      off = (off_t) sizeof (Elf64_Ehdr);
      got = write (mfd, head, sizeof (Elf64_Ehdr));
      if (got != (ssize_t) sizeof (Elf64_Ehdr))
        return sk_error_set (err, got < 0 ? errno : EIO, "copy /proc/self/exe");
    }
  if (copy_range (mfd, exe, off, len, err) < 0)
    return -1;
  if (fcntl (mfd, F_ADD_SEALS, SEALS) < 0)
    return sk_error_set (err, errno, "seal the copy");
  return steal_fd (&mfd);
}

int
sk_sealed_exe_ensure (char **argv, char **envp, sk_error_t *err)
{
  cleanup_close int exe = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  cleanup_close int copy = -1;

  if (exe < 0)
    return sk_error_set (err, errno, "run from a sealed copy of the runtime (CVE-2019-5736): open /proc/self/exe");
  if (is_sealed_copy (exe))
    return 0;
  copy = sealed_copy (exe, err);
  if (copy < 0)
    return sk_error_wrap (err, "run from a sealed copy of the runtime (CVE-2019-5736)");
  fexecve (copy, argv, envp);
  return sk_error_set (err, errno, "run from a sealed copy of the runtime (CVE-2019-5736): execute it");
}
