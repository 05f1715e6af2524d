/* Fuzz target: the profile parser, Include= included.
 *
 * The input is split at lines "%%%" into up to four files written to a
 * private scratch directory: main.profile, then inc1.profile .. inc3.profile,
 * so `Include=inc1` (or `./inc2.profile`) pulls in fuzzed files and cycles and
 * deep nesting are reachable.  The search path is the scratch directory, then
 * the shipped profiles/ (so `Include=default` and the syscall groups work).
 * An absolute Include= path reads that host file as `stockade profile lint`
 * would: regular files only, at most 1 MiB, read-only, so a run cannot block
 * or change the host.
 *
 * When the profile loads, what the runtime does with one follows:
 *   - `profile show`, whose output must parse back to the same profile (its
 *     documented contract: a mismatch aborts, so the fuzzer reports it);
 *   - the profile's own seccomp filter, compiled to BPF (never loaded);
 *   - the merge into a sample config, with the `check` exposure text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "stockade/cleanup.h"
#include "stockade/linux/seccomp.h"
#include "stockade/oci_config.h"

#define MAX_FILES 4

static const char *const file_names[MAX_FILES] = { "main.profile", "inc1.profile", "inc2.profile", "inc3.profile" };
static const char separator[] = "\n%%%\n";

/* A config asking for much: capabilities, host namespaces, binds, devices. */
static const char sample_config[]
    = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":false},"
      "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},\"noNewPrivileges\":false,"
      "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_NET_ADMIN\",\"CAP_CHOWN\"],"
      "\"effective\":[\"CAP_SYS_ADMIN\",\"CAP_CHOWN\"],\"permitted\":[\"CAP_SYS_ADMIN\",\"CAP_CHOWN\"],"
      "\"ambient\":[\"CAP_CHOWN\"]},\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1048576,\"soft\":1048576}]},"
      "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"/host\",\"type\":\"bind\",\"source\":\"/\",\"options\":[\"rbind\",\"rw\"]}],"
      "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"pid\"}],"
      "\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0}],"
      "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\",\"kernel.shmmax\":\"1\"},"
      "\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"]}}";

/* Everything after the "# ..." header that names the files read. */
static const char *
body (const char *shown)
{
  const char *b = strstr (shown, "[Profile]\n");
  return b != NULL ? b : shown;
}

static void
check_show_round_trip (const struct sk_profile *p, const char *dir, const char *const *dirs)
{
  cleanup_free char *shown = NULL, *again = NULL, *path = NULL;
  cleanup_profile struct sk_profile *q = NULL;
  cleanup_error sk_error_t err = NULL;
  int r;

  if (sk_profile_show (p, &shown, &err) < 0)
    return;
  path = fuzz_write_file (dir, "shown.profile", shown, strlen (shown));
  r = sk_profile_parse_file (path, dirs, &q, &err);
  unlink (path); /* a later input must not be able to Include= it */
  if (r < 0)
    {
      fprintf (stderr, "profile show output does not parse back: %s\n---\n%s---\n", sk_error_msg (&err), shown);
      abort ();
    }
  if (sk_profile_show (q, &again, &err) < 0 || strcmp (body (shown), body (again)) != 0)
    {
      fprintf (stderr, "profile show is not a fixed point:\n---\n%s---\n%s---\n", shown, again ? again : "");
      abort ();
    }
}

static void
compile_profile_seccomp (const struct sk_profile *p)
{
  cleanup_seccomp struct sk_seccomp *filter = NULL;
  cleanup_error sk_error_t err = NULL;
  struct oci_seccomp *s = sk_profile_seccomp (p, &err);

  if (s == NULL)
    return;
  (void) sk_seccomp_build (s, NULL, &filter, &err);
  sk_profile_seccomp_free (s);
}

static void
merge_sample (const struct sk_profile *p)
{
  cleanup_config struct oci_config *c = NULL;
  cleanup_policy_report struct sk_policy_report r = { 0 };
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *text = NULL, *exposure = NULL;

  if (oci_config_parse_data (sample_config, sizeof sample_config - 1, &c, &err) < 0)
    {
      fprintf (stderr, "fuzz_profile: the sample config does not parse: %s\n", sk_error_msg (&err));
      abort ();
    }
  (void) sk_policy_apply (p, "fuzz", c, &r, &err);
  (void) sk_policy_report_text (&r, &text, &err);
  (void) sk_policy_exposure_text (c, p, &exposure, &err);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *dir = fuzz_scratch_dir ();
  const char *const dirs[] = { dir, fuzz_profiles_dir (), NULL };
  cleanup_free char *main_path = NULL;
  cleanup_profile struct sk_profile *p = NULL;
  cleanup_error sk_error_t err = NULL;
  /* libFuzzer may pass NULL for an empty input. */
  const char *at = size > 0 ? (const char *) data : "", *end = at + size;

  for (size_t i = 0; i < MAX_FILES; i++)
    {
      const char *cut, *stop;
      char *path;

      if (at == NULL)
        {
          /* Fewer parts than files: no stale include from an earlier input. */
          cleanup_free char *stale = NULL;
          if (asprintf (&stale, "%s/%s", dir, file_names[i]) < 0)
            abort ();
          unlink (stale);
          continue;
        }
      cut = i + 1 < MAX_FILES ? memmem (at, (size_t) (end - at), separator, sizeof separator - 1) : NULL;
      stop = cut != NULL ? cut + 1 : end; /* keep the newline before the separator */
      path = fuzz_write_file (dir, file_names[i], at, (size_t) (stop - at));
      if (i == 0)
        main_path = path;
      else
        free (path);
      at = cut != NULL ? cut + sizeof separator - 1 : NULL;
    }
  if (sk_profile_parse_file (main_path, dirs, &p, &err) < 0)
    return 0;
  check_show_round_trip (p, dir, dirs);
  compile_profile_seccomp (p);
  merge_sample (p);
  return 0;
}
