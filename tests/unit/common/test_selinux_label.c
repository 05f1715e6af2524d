/* Unit tests for src/common/selinux_label.c: every string it produces. */
#include "sk_test.h"
#include "stockade/cleanup.h"
#include "stockade/selinux_label.h"

#include <stdlib.h>

static void
test_label_check (void)
{
  cleanup_error sk_error_t err = NULL;

  SK_CHECK (sk_selinux_label_check ("system_u:system_r:container_t:s0:c1,c2", "f", &err) == 0);
  SK_CHECK (sk_selinux_label_check ("system_u:system_r:container_t", "f", &err) == 0);
  SK_CHECK (sk_selinux_label_check ("u:r:t:s0-s0:c0.c1023", "f", &err) == 0);
  SK_CHECK (sk_selinux_label_check (NULL, "process.selinuxLabel", &err) < 0);
  SK_CHECK_STR (sk_error_msg (&err), "process.selinuxLabel: empty SELinux label: Invalid argument");
  SK_CHECK (sk_selinux_label_check ("", "f", &err) < 0);
  SK_CHECK (sk_selinux_label_check ("container_t", "f", &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "\"container_t\" is not user:role:type[:level]");
  SK_CHECK (sk_selinux_label_check ("u:r", "f", &err) < 0);
  SK_CHECK (sk_selinux_label_check (":r:t", "f", &err) < 0);
  SK_CHECK (sk_selinux_label_check ("u::t", "f", &err) < 0);
  SK_CHECK (sk_selinux_label_check ("u:r::s0", "f", &err) < 0);
  SK_CHECK (sk_selinux_label_check ("u:r:t:", "f", &err) < 0);
  SK_CHECK (sk_selinux_label_check ("u:r:t:s0\"x", "linux.mountLabel", &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.mountLabel: SELinux label");
  SK_CHECK_CONTAINS (sk_error_msg (&err), "character not allowed");
  SK_CHECK (sk_selinux_label_check ("u:r:t s0", "f", &err) < 0);
  SK_CHECK (sk_selinux_label_check ("u:r:t:s0\n", "f", &err) < 0);
  {
    char big[4100];
    memset (big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[1] = big[3] = ':';
    SK_CHECK (sk_selinux_label_check (big, "f", &err) < 0);
    SK_CHECK_CONTAINS (sk_error_msg (&err), "longer than 4095");
  }
}

static void
test_compose (void)
{
  cleanup_free char *proc = sk_selinux_label_compose ("system_u", "system_r", "container_t", "s0:c1,c2");
  cleanup_free char *file = sk_selinux_label_compose ("system_u", "object_r", "container_file_t", "s0:c7,c900");

  SK_CHECK_STR (proc, "system_u:system_r:container_t:s0:c1,c2");
  SK_CHECK_STR (file, "system_u:object_r:container_file_t:s0:c7,c900");
}

static void
test_label_level (void)
{
  SK_CHECK_STR (sk_selinux_label_level ("system_u:system_r:container_t:s0:c1,c2"), "s0:c1,c2");
  SK_CHECK_STR (sk_selinux_label_level ("u:r:t:s0-s0:c0.c1023"), "s0-s0:c0.c1023");
  SK_CHECK (sk_selinux_label_level ("u:r:t") == NULL);
  SK_CHECK (sk_selinux_label_level ("u:r:t:") == NULL);
  SK_CHECK (sk_selinux_label_level ("kernel") == NULL);
  SK_CHECK (sk_selinux_label_level (NULL) == NULL);
}

static void
check_level (uint64_t index, const char *want)
{
  cleanup_free char *got = sk_selinux_mcs_level (index);
  SK_CHECK_STR (got, want);
}

static void
test_mcs_level (void)
{
  check_level (0, "s0:c0,c1");
  check_level (1, "s0:c0,c2");
  check_level (1022, "s0:c0,c1023");
  check_level (1023, "s0:c1,c2");
  check_level (1023 + 1021, "s0:c1,c1023");
  check_level (1023 + 1022, "s0:c2,c3");
  check_level (SK_MCS_PAIRS - 1, "s0:c1022,c1023");
  check_level (SK_MCS_PAIRS, "s0:c0,c1"); /* wraps */
  check_level (UINT64_MAX, "s0:c16,c152"); /* UINT64_MAX mod 523776 = 16383 */
}

static void
test_mcs_level_is_a_bijection (void)
{
  /* Every index below SK_MCS_PAIRS names a distinct valid pair a < b. */
  static unsigned char seen[1024][1024];
  size_t bad = 0;

  memset (seen, 0, sizeof seen);
  for (uint64_t i = 0; i < SK_MCS_PAIRS; i++)
    {
      cleanup_free char *l = sk_selinux_mcs_level (i);
      unsigned a, b;
      if (l == NULL || sscanf (l, "s0:c%u,c%u", &a, &b) != 2 || a >= b || b > 1023 || seen[a][b]++)
        bad++;
    }
  SK_CHECK (bad == 0);
}

static void
test_mcs_probe (void)
{
  const char *const taken[] = { "s0:c0,c2", "s0:c0,c3", NULL };
  const char *const last[] = { "s0:c1022,c1023", NULL };

  SK_CHECK (sk_selinux_mcs_probe (5, NULL) == 5);
  SK_CHECK (sk_selinux_mcs_probe (0, taken) == 0);
  SK_CHECK (sk_selinux_mcs_probe (1, taken) == 3); /* c0,c2 and c0,c3 are taken: c0,c4 */
  SK_CHECK (sk_selinux_mcs_probe (SK_MCS_PAIRS - 1, last) == 0); /* wraps round */
  SK_CHECK (sk_selinux_mcs_probe (SK_MCS_PAIRS + 7, NULL) == 7);
}

static void
test_fs_takes_context (void)
{
  SK_CHECK (sk_selinux_fs_takes_context ("tmpfs"));
  SK_CHECK (sk_selinux_fs_takes_context ("mqueue"));
  SK_CHECK (sk_selinux_fs_takes_context ("devpts"));
  SK_CHECK (!sk_selinux_fs_takes_context ("proc"));
  SK_CHECK (!sk_selinux_fs_takes_context ("sysfs"));
  SK_CHECK (!sk_selinux_fs_takes_context ("cgroup"));
  SK_CHECK (!sk_selinux_fs_takes_context ("bind"));
  SK_CHECK (!sk_selinux_fs_takes_context (NULL));
}

static void
test_mount_data (void)
{
  cleanup_error sk_error_t err = NULL;
  char *s = NULL;

  SK_CHECK (sk_selinux_mount_data ("mode=755,size=65536k", "system_u:object_r:container_file_t:s0:c1,c2", &s, &err)
            == 0);
  SK_CHECK_STR (s, "mode=755,size=65536k,context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
  free (s);
  SK_CHECK (sk_selinux_mount_data (NULL, "system_u:object_r:container_file_t:s0", &s, &err) == 0);
  SK_CHECK_STR (s, "context=\"system_u:object_r:container_file_t:s0\"");
  free (s);
  SK_CHECK (sk_selinux_mount_data ("", "u:r:t:s0:c5,c6", &s, &err) == 0);
  SK_CHECK_STR (s, "context=\"u:r:t:s0:c5,c6\"");
  free (s);
  SK_CHECK (sk_selinux_mount_data ("newinstance,ptmxmode=0666", NULL, &s, &err) == 0);
  SK_CHECK_STR (s, "newinstance,ptmxmode=0666");
  free (s);
  SK_CHECK (sk_selinux_mount_data (NULL, NULL, &s, &err) == 0);
  SK_CHECK_STR (s, "");
  free (s);
  SK_CHECK (sk_selinux_mount_data ("mode=755", "u:r:t:s0\",x=\"y", &s, &err) < 0);
  SK_CHECK (s == NULL);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.mountLabel");
}

int
main (void)
{
  SK_RUN (test_label_check);
  SK_RUN (test_compose);
  SK_RUN (test_label_level);
  SK_RUN (test_mcs_level);
  SK_RUN (test_mcs_level_is_a_bijection);
  SK_RUN (test_mcs_probe);
  SK_RUN (test_fs_takes_context);
  SK_RUN (test_mount_data);
  return sk_test_done ();
}
