/* Landlock: the profile's LandlockReadOnly=/LandlockReadWrite= lists as a
 * filesystem sandbox, with every access right the running kernel's ABI can
 * restrict. */
#include "stockade/cleanup.h"
#include "stockade/linux/lsm.h"
#include "stockade/linux/safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Rights newer than the build host's headers (values are the kernel ABI). */
#define LL_REFER (1ULL << 13)     /* ABI 2 */
#define LL_TRUNCATE (1ULL << 14)  /* ABI 3 */
#define LL_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define LL_ABI1 ((1ULL << 13) - 1) /* EXECUTE .. MAKE_SYM */

/* Rights a rule on a non-directory may carry. */
#define LL_FILE_RIGHTS                                                                                        \
  (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | LL_TRUNCATE    \
   | LL_IOCTL_DEV)

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

/* Only the filesystem field: older and newer kernels accept this size. */
struct ll_ruleset_attr
{
  uint64_t handled_access_fs;
};

struct ll_path_beneath
{
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__ ((packed));

int
sk_landlock_abi (void)
{
  long v = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

  return v < 0 ? -errno : (int) v;
}

uint64_t
sk_landlock_fs_handled (int abi)
{
  uint64_t r = 0;

  if (abi >= 1)
    r |= LL_ABI1;
  if (abi >= 2)
    r |= LL_REFER;
  if (abi >= 3)
    r |= LL_TRUNCATE;
  if (abi >= 5)
    r |= LL_IOCTL_DEV;
  return r;
}

uint64_t
sk_landlock_fs_read_only (void)
{
  return LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
}

static int
add_rules (int ruleset, int rootfd, const char *const *paths, uint64_t rights, const char *directive,
           sk_error_t *err)
{
  for (size_t i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      cleanup_close int fd = -1;
      cleanup_error sk_error_t ignored = NULL;
      struct ll_path_beneath rule = { .allowed_access = rights };
      struct stat st;

      fd = sk_open_in_root (rootfd, paths[i], O_PATH, &ignored);
      if (fd < 0 && ignored != NULL && ignored->status == ENOENT)
        continue; /* nothing there to grant */
      if (fd < 0)
        return sk_error_set (err, ignored != NULL ? ignored->status : EIO, "%s: `%s`", directive, paths[i]);
      if (fstat (fd, &st) < 0)
        return sk_error_set (err, errno, "%s: `%s`", directive, paths[i]);
      if (!S_ISDIR (st.st_mode))
        rule.allowed_access &= LL_FILE_RIGHTS;
      rule.parent_fd = fd;
      if (syscall (SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) < 0)
        return sk_error_set (err, errno, "%s: Landlock rule for `%s`", directive, paths[i]);
    }
  return 0;
}

int
sk_landlock_apply (int abi, const char *const *ro, const char *const *rw, sk_error_t *err)
{
  struct ll_ruleset_attr attr = { .handled_access_fs = sk_landlock_fs_handled (abi) };
  cleanup_close int ruleset = -1, rootfd = -1;

  if (abi <= 0)
    return 0;
  rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return sk_error_set (err, errno, "Landlock: open /");
  ruleset = (int) syscall (SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0)
    return sk_error_set (err, errno, "Landlock: create ruleset (ABI %d)", abi);
  if (add_rules (ruleset, rootfd, ro, attr.handled_access_fs & sk_landlock_fs_read_only (), "LandlockReadOnly",
                 err) < 0
      || add_rules (ruleset, rootfd, rw, attr.handled_access_fs, "LandlockReadWrite", err) < 0)
    return -1;
  if (syscall (SYS_landlock_restrict_self, ruleset, 0) < 0)
    return sk_error_set (err, errno, "Landlock: restrict the container's process");
  return 0;
}
