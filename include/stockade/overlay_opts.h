/* The layers of an overlay mount, read from its mountinfo line, so the
 * runtime can rebuild it over idmapped layers.  Pure: unit-tested. */
#ifndef STOCKADE_OVERLAY_OPTS_H
#define STOCKADE_OVERLAY_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "stockade/error.h"

#define SK_OVERLAY_MAX_LAYERS 128

struct sk_overlay_layers
{
  char *lower[SK_OVERLAY_MAX_LAYERS]; /* top first, as in lowerdir= */
  size_t n_lower;
  char *upper, *work;       /* both or neither */
  char *upper_parent;       /* the directory holding upper and work */
  uint64_t attrs;           /* MOUNT_ATTR_* of the original mount: ro, nosuid, nodev, noexec */
};

/* mountinfo's \ooo escapes (space, tab, newline, backslash, comma), in place. */
void sk_mountinfo_unescape (char *s);

/* From the per-mount options (field 6, "rw,nosuid,...") and the superblock
 * options ("rw,lowerdir=a:b,upperdir=u,workdir=w" or "lowerdir+=a,...").
 * Refused, with the reason after "root.path: ": data-only layers, relative
 * layer paths, no lowerdir, only one of upperdir/workdir, upperdir and
 * workdir not in one directory. */
int sk_overlay_layers_parse (const char *mount_opts, const char *super_opts, struct sk_overlay_layers *l,
                             sk_error_t *err);
void sk_overlay_layers_clear (struct sk_overlay_layers *l);

#endif
