/* Shared by the libFuzzer harnesses: the shipped profiles, loaded once per
 * fuzzing process, and a scratch directory for inputs that must be files.
 *
 * Each harness feeds its input to the same entry point the runtime uses and,
 * when that accepts it, runs the next steps the runtime would run on the
 * result (profile merge, `check` text, seccomp compile).  A harness never
 * decides anything: any crash, leak or sanitizer report is the finding. */
#ifndef STOCKADE_FUZZ_UTIL_H
#define STOCKADE_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "stockade/error.h"
#include "stockade/profile.h"

/* The shipped profile NAME ("default", "strict", "complain"), loaded on first
 * use from the source tree's profiles/; aborts if it does not load. */
const struct sk_profile *fuzz_shipped_profile (const char *name);

/* The shipped profiles directory (for search paths). */
const char *fuzz_profiles_dir (void);

/* A private directory under $TMPDIR, made on first use and removed at exit. */
const char *fuzz_scratch_dir (void);

/* Write LEN bytes to DIR/NAME (replacing it); returns the malloc'd path. */
char *fuzz_write_file (const char *dir, const char *name, const void *data, size_t len);

#endif
