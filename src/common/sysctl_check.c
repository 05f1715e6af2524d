#include "stockade/sysctl_check.h"

#include <string.h>

enum ns_need
{
  NEED_IPC,
  NEED_UTS,
  NEED_NET,
};

static const struct
{
  const char *name;
  bool prefix; /* name is a prefix ending in '.' */
  enum ns_need ns;
} namespaced[] = {
  { "kernel.msgmax", false, NEED_IPC },    { "kernel.msgmnb", false, NEED_IPC },
  { "kernel.msgmni", false, NEED_IPC },    { "kernel.sem", false, NEED_IPC },
  { "kernel.shmall", false, NEED_IPC },    { "kernel.shmmax", false, NEED_IPC },
  { "kernel.shmmni", false, NEED_IPC },    { "kernel.shm_rmid_forced", false, NEED_IPC },
  { "fs.mqueue.", true, NEED_IPC },        { "kernel.hostname", false, NEED_UTS },
  { "kernel.domainname", false, NEED_UTS }, { "net.", true, NEED_NET },
};

int
sk_sysctl_check (const char *key, bool own_ipc, bool own_uts, bool own_net, sk_error_t *err)
{
  static const char *const ns_names[] = { "ipc", "uts", "network" };

  if (*key == '\0' || strstr (key, "..") != NULL || strchr (key, '/') != NULL)
    return sk_error_set (err, 0, "linux.sysctl: invalid key \"%s\"", key);
  for (size_t i = 0; i < sizeof namespaced / sizeof namespaced[0]; i++)
    {
      bool match = namespaced[i].prefix ? strncmp (key, namespaced[i].name, strlen (namespaced[i].name)) == 0
                                        : strcmp (key, namespaced[i].name) == 0;
      bool own[] = { own_ipc, own_uts, own_net };
      if (!match)
        continue;
      if (!own[namespaced[i].ns])
        return sk_error_set (err, 0, "linux.sysctl.%s: needs a new %s namespace", key, ns_names[namespaced[i].ns]);
      return 0;
    }
  return sk_error_set (err, 0, "linux.sysctl.%s: not a namespaced sysctl; it would change the host", key);
}
