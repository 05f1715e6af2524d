#include "stockade/linux/namespaces.h"
#include "stockade/cleanup.h"
#include "stockade/linux/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int clone_flags[OCI_NS__COUNT] = {
  [OCI_NS_PID] = CLONE_NEWPID,   [OCI_NS_NETWORK] = CLONE_NEWNET, [OCI_NS_MOUNT] = CLONE_NEWNS,
  [OCI_NS_IPC] = CLONE_NEWIPC,   [OCI_NS_UTS] = CLONE_NEWUTS,     [OCI_NS_USER] = CLONE_NEWUSER,
  [OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
};

/* Order of setns(): user first, mount last (after it, host paths are gone). */
static const enum oci_ns_type join_order[] = {
  OCI_NS_USER, OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_CGROUP, OCI_NS_TIME, OCI_NS_MOUNT,
};

int
sk_ns_clone_flag (enum oci_ns_type t)
{
  return clone_flags[t];
}

int
sk_ns_new_flags (const struct oci_linux *l)
{
  int flags = 0;
  for (size_t i = 0; l != NULL && i < l->n_namespaces; i++)
    if (l->namespaces[i].path == NULL)
      flags |= clone_flags[l->namespaces[i].type];
  return flags;
}

int
sk_ns_listed_flags (const struct oci_linux *l)
{
  int flags = 0;
  for (size_t i = 0; l != NULL && i < l->n_namespaces; i++)
    flags |= clone_flags[l->namespaces[i].type];
  return flags;
}

void
sk_ns_close_fds (int fds[OCI_NS__COUNT])
{
  for (int t = 0; t < OCI_NS__COUNT; t++)
    sk_closep (&fds[t]);
}

int
sk_ns_open_paths (const struct oci_linux *l, int fds[OCI_NS__COUNT], sk_error_t *err)
{
  for (int t = 0; t < OCI_NS__COUNT; t++)
    fds[t] = -1;
  for (size_t i = 0; l != NULL && i < l->n_namespaces; i++)
    {
      const struct oci_namespace *ns = &l->namespaces[i];
      if (ns->path == NULL)
        continue;
      fds[ns->type] = open (ns->path, O_RDONLY | O_CLOEXEC);
      if (fds[ns->type] < 0)
        {
          int saved = errno;
          sk_ns_close_fds (fds);
          return sk_error_set (err, saved, "linux.namespaces[%zu].path: `%s`", i, ns->path);
        }
    }
  return 0;
}

static const char *const proc_ns_names[OCI_NS__COUNT] = {
  [OCI_NS_PID] = "pid",   [OCI_NS_NETWORK] = "net", [OCI_NS_MOUNT] = "mnt",       [OCI_NS_IPC] = "ipc",
  [OCI_NS_UTS] = "uts",   [OCI_NS_USER] = "user",   [OCI_NS_CGROUP] = "cgroup",   [OCI_NS_TIME] = "time",
};

int
sk_ns_open_of_pid (pid_t pid, const struct oci_linux *l, int fds[OCI_NS__COUNT], sk_error_t *err)
{
  for (int t = 0; t < OCI_NS__COUNT; t++)
    fds[t] = -1;
  for (size_t i = 0; l != NULL && i < l->n_namespaces; i++)
    {
      enum oci_ns_type t = l->namespaces[i].type;
      char path[64];

      snprintf (path, sizeof path, "/proc/%d/ns/%s", pid, proc_ns_names[t]);
      fds[t] = open (path, O_RDONLY | O_CLOEXEC);
      if (fds[t] < 0)
        {
          int saved = errno;
          sk_ns_close_fds (fds);
          return sk_error_set (err, saved, "open %s namespace of the container", oci_ns_type_name (t));
        }
    }
  return 0;
}

int
sk_ns_join (const int fds[OCI_NS__COUNT], sk_error_t *err)
{
  for (size_t i = 0; i < sizeof join_order / sizeof join_order[0]; i++)
    {
      enum oci_ns_type t = join_order[i];
      if (fds[t] >= 0 && setns (fds[t], clone_flags[t]) < 0)
        return sk_error_set (err, errno, "join %s namespace", oci_ns_type_name (t));
    }
  return 0;
}

/* Through a private procfs, never a path some mount could redirect
 * (CVE-2025-52881). */
static int
write_proc_file (int procroot, pid_t pid, const char *name, const char *data, sk_error_t *err)
{
  char rel[64];

  if (pid > 0)
    snprintf (rel, sizeof rel, "%d/%s", pid, name);
  else
    snprintf (rel, sizeof rel, "self/%s", name);
  return sk_procfs_write (procroot, rel, data, strlen (data), err);
}

static char *
format_map (const struct oci_id_mapping *m, size_t n)
{
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&buf, &size);

  if (f == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    fprintf (f, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
  fclose (f);
  return buf;
}

int
sk_userns_write_id_maps (pid_t pid, const struct oci_id_mapping *uid, size_t n_uid, const struct oci_id_mapping *gid,
                         size_t n_gid, bool deny_setgroups, const char *where, sk_error_t *err)
{
  cleanup_free char *uids = format_map (uid, n_uid);
  cleanup_free char *gids = format_map (gid, n_gid);
  cleanup_close int proc = -1;

  if (uids == NULL || gids == NULL)
    return sk_error_set (err, ENOMEM, "user namespace maps");
  /* One private procfs for the three writes. */
  proc = sk_procfs_open_private (err);
  if (proc < 0)
    return sk_error_wrap (err, "user namespace maps");
  if (deny_setgroups && write_proc_file (proc, pid, "setgroups", "deny", err) < 0)
    return -1;
  if (write_proc_file (proc, pid, "uid_map", uids, err) < 0)
    return sk_error_wrap (err, "%s.uidMappings", where);
  if (write_proc_file (proc, pid, "gid_map", gids, err) < 0)
    return sk_error_wrap (err, "%s.gidMappings", where);
  return 0;
}

int
sk_userns_write_maps (pid_t pid, const struct oci_linux *l, bool deny_setgroups, sk_error_t *err)
{
  if (l->n_uid_mappings == 0 || l->n_gid_mappings == 0)
    return sk_error_set (err, 0, "linux.uidMappings/gidMappings: required with a new user namespace");
  return sk_userns_write_id_maps (pid, l->uid_mappings, l->n_uid_mappings, l->gid_mappings, l->n_gid_mappings,
                                  deny_setgroups, "linux", err);
}

int
sk_timens_write_offsets (const struct oci_linux *l, sk_error_t *err)
{
  for (size_t i = 0; l != NULL && i < l->n_time_offsets; i++)
    {
      const struct oci_time_offset *o = &l->time_offsets[i];
      char line[96];
      snprintf (line, sizeof line, "%s %lld %u\n", o->clock, (long long) o->secs, o->nanosecs);
      if (write_proc_file (-1, 0, "timens_offsets", line, err) < 0)
        return sk_error_wrap (err, "linux.timeOffsets.%s", o->clock);
    }
  return 0;
}
