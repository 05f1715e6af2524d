#include "stockade/container_id.h"

#include <string.h>

int
sk_container_id_validate (const char *id, sk_error_t *err)
{
  size_t len;

  if (id == NULL || *id == '\0')
    return sk_error_set (err, 0, "container id cannot be empty");
  len = strlen (id);
  if (len > SK_ID_MAX)
    return sk_error_set (err, 0, "invalid container id: longer than %d characters", SK_ID_MAX);
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return sk_error_set (err, 0, "invalid container id \"%s\"", id);
  for (const char *p = id; *p; p++)
    {
      char c = *p;
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+'
            || c == '-' || c == '.'))
        return sk_error_set (err, 0, "invalid container id \"%s\": only [A-Za-z0-9_+.-] are allowed", id);
    }
  return 0;
}
