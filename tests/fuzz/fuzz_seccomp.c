/* Fuzz target: the seccomp rule builder.
 *
 * The input is the value of a config's `linux.seccomp`.  It is wrapped in a
 * minimal config so it goes through the same parser as in `create`, then
 * compiled by libseccomp to a BPF program and exported, exactly as the
 * parent does before forking; nothing is ever loaded into the kernel. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "stockade/cleanup.h"
#include "stockade/linux/seccomp.h"
#include "stockade/oci_config.h"

static const char prefix[] = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                             "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0}},"
                             "\"linux\":{\"seccomp\":";
static const char suffix[] = "}}";

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  cleanup_config struct oci_config *c = NULL;
  cleanup_seccomp struct sk_seccomp *filter = NULL;
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *json = NULL;
  cleanup_free void *bpf = NULL;
  size_t len = sizeof prefix - 1 + size + sizeof suffix - 1, bpf_len;

  json = malloc (len);
  if (json == NULL)
    abort ();
  memcpy (json, prefix, sizeof prefix - 1);
  memcpy (json + sizeof prefix - 1, data, size);
  memcpy (json + sizeof prefix - 1 + size, suffix, sizeof suffix - 1);
  if (oci_config_parse_data (json, len, &c, &err) < 0 || c->linux_cfg == NULL || c->linux_cfg->seccomp == NULL)
    return 0;
  if (sk_seccomp_build (c->linux_cfg->seccomp, NULL, &filter, &err) < 0)
    return 0;
  (void) sk_seccomp_needs_listener (filter);
  (void) sk_seccomp_export_bpf (filter, &bpf, &bpf_len, &err);
  return 0;
}
