#include "stockade/selinux_label.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_MAX 4095

int
sk_selinux_label_check (const char *label, const char *what, sk_error_t *err)
{
  size_t len = label != NULL ? strlen (label) : 0, fields = 1, field_len = 0;

  if (len == 0)
    return sk_error_set (err, EINVAL, "%s: empty SELinux label", what);
  if (len > LABEL_MAX)
    return sk_error_set (err, EINVAL, "%s: SELinux label longer than %d bytes", what, LABEL_MAX);
  for (const char *s = label; *s != '\0'; s++)
    {
      unsigned char ch = (unsigned char) *s;
      if (ch <= ' ' || ch >= 0x7f || ch == '"')
        return sk_error_set (err, EINVAL, "%s: SELinux label \"%s\" holds a character not allowed in a label", what,
                             label);
      if (ch != ':')
        {
          field_len++;
          continue;
        }
      /* user, role and type must be non-empty; the level may hold ':'. */
      if (fields < 4 && field_len == 0)
        break;
      fields++;
      field_len = 0;
    }
  if (fields < 3 || field_len == 0)
    return sk_error_set (err, EINVAL, "%s: SELinux label \"%s\" is not user:role:type[:level]", what, label);
  return 0;
}

const char *
sk_selinux_label_level (const char *label)
{
  const char *s = label;

  for (int i = 0; s != NULL && i < 3; i++)
    if ((s = strchr (s, ':')) != NULL)
      s++;
  return s != NULL && *s != '\0' ? s : NULL;
}

char *
sk_selinux_label_compose (const char *user, const char *role, const char *type, const char *level)
{
  char *out = NULL;

  if (asprintf (&out, "%s:%s:%s:%s", user, role, type, level) < 0)
    return NULL;
  return out;
}

char *
sk_selinux_mcs_level (uint64_t index)
{
  uint64_t idx = index % SK_MCS_PAIRS;
  unsigned a = 0;
  char *out = NULL;

  /* Category a pairs with the 1023 - a categories above it. */
  while (idx >= 1023u - a)
    idx -= 1023u - a++;
  if (asprintf (&out, "s0:c%u,c%u", a, a + 1 + (unsigned) idx) < 0)
    return NULL;
  return out;
}

static bool
level_in_use (const char *level, const char *const *in_use)
{
  for (size_t i = 0; in_use != NULL && in_use[i] != NULL; i++)
    if (strcmp (in_use[i], level) == 0)
      return true;
  return false;
}

uint64_t
sk_selinux_mcs_probe (uint64_t start, const char *const *in_use)
{
  for (uint64_t k = 0; k < SK_MCS_PAIRS; k++)
    {
      uint64_t idx = (start + k) % SK_MCS_PAIRS;
      char *level = sk_selinux_mcs_level (idx);
      bool taken;

      if (level == NULL)
        return SK_MCS_PAIRS;
      taken = level_in_use (level, in_use);
      free (level);
      if (!taken)
        return idx;
    }
  return SK_MCS_PAIRS;
}

bool
sk_selinux_fs_takes_context (const char *fstype)
{
  static const char *const labelled[] = { "tmpfs", "mqueue", "devpts" };

  for (size_t i = 0; fstype != NULL && i < sizeof labelled / sizeof labelled[0]; i++)
    if (strcmp (fstype, labelled[i]) == 0)
      return true;
  return false;
}

int
sk_selinux_mount_data (const char *data, const char *label, char **out, sk_error_t *err)
{
  bool has_data = data != NULL && *data != '\0';
  int r;

  *out = NULL;
  if (label == NULL)
    r = (*out = strdup (has_data ? data : "")) == NULL ? -1 : 0;
  else
    {
      if (sk_selinux_label_check (label, "linux.mountLabel", err) < 0)
        return -1;
      r = asprintf (out, "%s%scontext=\"%s\"", has_data ? data : "", has_data ? "," : "", label);
    }
  if (r < 0)
    {
      *out = NULL;
      return sk_error_set (err, ENOMEM, "linux.mountLabel");
    }
  return 0;
}
