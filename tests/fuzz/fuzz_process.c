/* Fuzz target: process.json as `exec --process FILE` reads it.
 *
 * The input is the file's content.  When it parses, the process-side merge
 * `exec` runs under the container's profile follows, once per shipped
 * profile (complain, strict, enforce), with its report rendered. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_util.h"
#include "stockade/cleanup.h"
#include "stockade/oci_config.h"

static void
process_freep (struct oci_process **p)
{
  oci_process_free (*p);
}

static void
merge (const char *profile, struct oci_process *process)
{
  const struct sk_profile *p = fuzz_shipped_profile (profile);
  cleanup_policy_report struct sk_policy_report r = { 0 };
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *text = NULL;

  (void) sk_policy_apply_process (p, "fuzz", process, &r, &err);
  (void) sk_policy_report_text (&r, &text, &err);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  __attribute__ ((cleanup (process_freep))) struct oci_process *p = NULL;
  cleanup_error sk_error_t err = NULL;

  if (oci_process_parse_data ((const char *) data, size, &p, &err) < 0)
    return 0;
  merge ("complain", p);
  merge ("strict", p);
  merge ("default", p);
  return 0;
}
