#ifndef STOCKADE_LINUX_CAPS_H
#define STOCKADE_LINUX_CAPS_H

#include "stockade/error.h"
#include "stockade/log.h"
#include "stockade/oci_config.h"

/* Resolved capability sets as bit masks (bit N = capability N). */
struct sk_caps
{
  uint64_t bounding, effective, permitted, inheritable, ambient;
};

/* Names -> masks.  An unknown name is an error naming the field; a name this
 * kernel lacks (above cap_last_cap) is skipped with a warning. */
int sk_caps_resolve (const struct oci_capabilities *c, const struct sk_log *log, struct sk_caps *out,
                     sk_error_t *err);

/* Step 1, still as the original uid: drop the bounding set, keep permitted
 * capabilities across the coming setuid. */
int sk_caps_drop_bounding (const struct sk_caps *c, sk_error_t *err);

/* Step 2, after the uid/gid switch: exact effective/permitted/inheritable,
 * then ambient. */
int sk_caps_apply_final (const struct sk_caps *c, sk_error_t *err);

#endif
