/* Fuzz target: config.json as `create` reads it.
 *
 * The input is the bundle's config.json.  When it parses, the rest of the
 * pure path of `create --profile` runs on it: the shipped profiles are merged
 * in each mode (complain reports, strict refuses or adds, enforce clamps),
 * the change report is rendered as JSON and text, and `stockade check`'s
 * exposure text is built. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_util.h"
#include "stockade/cleanup.h"
#include "stockade/oci_config.h"

static void
merge (const char *profile, struct oci_config *c)
{
  const struct sk_profile *p = fuzz_shipped_profile (profile);
  cleanup_policy_report struct sk_policy_report r = { 0 };
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *json = NULL, *text = NULL;
  size_t len;

  (void) sk_policy_apply (p, "fuzz", c, &r, &err);
  (void) sk_policy_report_json (&r, "fuzz", sk_profile_name (p), sk_profile_mode_name (sk_profile_mode (p)), &json,
                                &len, &err);
  (void) sk_policy_report_text (&r, &text, &err);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  cleanup_config struct oci_config *c = NULL;
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *exposure = NULL;

  if (oci_config_parse_data ((const char *) data, size, &c, &err) < 0)
    return 0;
  merge ("complain", c);
  merge ("strict", c);
  merge ("default", c);
  (void) sk_policy_exposure_text (c, fuzz_shipped_profile ("default"), &exposure, &err);
  return 0;
}
