/* OCI mounts[].options -> what the new mount API needs.  Pure: unit-tested. */
#ifndef STOCKADE_MOUNT_OPTS_H
#define STOCKADE_MOUNT_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "stockade/error.h"

struct sk_mount_opts
{
  uint64_t attr_set;         /* MOUNT_ATTR_* to set on the mount */
  uint64_t attr_clr;         /* MOUNT_ATTR_* to clear (rw, suid, ...) */
  bool bind;                 /* bind or rbind */
  bool recursive;            /* rbind */
  uint64_t propagation;      /* MS_PRIVATE | MS_SHARED | MS_SLAVE | MS_UNBINDABLE, 0: unchanged */
  bool propagation_recursive;
  bool idmap;                /* idmap / ridmap (runtime-spec 1.2) */
  bool ridmap;               /* ridmap: the idmap applies to the whole rbind tree */
  bool tmpcopyup;
  /* Filesystem options handed to fsconfig(), NULL-terminated: "k=v" strings are
   * FSCONFIG_SET_STRING, bare words FSCONFIG_SET_FLAG (incl. sb flags such as
   * sync, dirsync, lazytime, mand). */
  char **fs_options;
};

/* `where` names the mount for messages, e.g. "mounts[3]". */
int sk_mount_opts_parse (char *const *options, const char *where, struct sk_mount_opts *out, sk_error_t *err);
void sk_mount_opts_clear (struct sk_mount_opts *o);

#endif
