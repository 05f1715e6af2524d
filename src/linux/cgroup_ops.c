/* The container cgroup's lifecycle: create, enter, reopen, freeze, list,
 * update, stats, destroy. */
#include "cgroup_internal.h"
#include "stockade/cleanup.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
sleep_ms (long ms)
{
  struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

static long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void
sk_cgroup_free (struct sk_cgroup *cg)
{
  if (cg == NULL)
    return;
  sk_cg_layout_release (&cg->l);
  free (cg);
}

/* Where processes are listed and frozen: the freezer's hierarchy (v1
 * freezer, or v2 where cgroup.freeze is built in), else any. */
static const struct sk_cg_hier *
primary (const struct sk_cgroup *cg)
{
  const struct sk_cg_hier *h = sk_cg_owner (&cg->l, SK_CG_FREEZER);

  if (h != NULL)
    return h;
  if (cg->l.v2 >= 0)
    return &cg->l.h[cg->l.v2];
  return cg->l.n > 0 ? &cg->l.h[0] : NULL;
}

static bool
has_processes (const char *dir)
{
  cleanup_free char *procs = NULL;
  cleanup_error sk_error_t ignored = NULL;

  return sk_cg_read (dir, "cgroup.procs", &procs, &ignored) == 0 && procs[0] != '\0';
}

/* Undo a failed create: only the leaves this call made. */
static void
remove_created (struct sk_cgroup *cg)
{
  for (size_t i = 0; i < cg->l.n; i++)
    if (cg->l.h[i].created && cg->l.h[i].dir != NULL)
      rmdir (cg->l.h[i].dir);
}

static int
make_dirs (struct sk_cgroup *cg, sk_error_t *err)
{
  for (size_t i = 0; i < cg->l.n; i++)
    {
      struct sk_cg_hier *h = &cg->l.h[i];
      if (sk_cg_mkdir_path (h, h->version == 1 && (h->ctrls & SK_CG_BIT (SK_CG_CPUSET)), err) < 0)
        return -1;
      /* Reusing a cgroup is fine; sharing it with someone's processes is not. */
      if (!h->created && has_processes (h->dir))
        return sk_error_set (err, EEXIST, "linux.cgroupsPath: cgroup %s already holds processes", h->dir);
    }
  return 0;
}

int
sk_cgroup_plan (const char *cgroups_path, const char *id, struct sk_cgroup **out, sk_error_t *err)
{
  cleanup_free char *resolved = NULL;
  cleanup_cgroup struct sk_cgroup *cg = calloc (1, sizeof *cg);

  if (cg == NULL)
    return sk_error_set (err, ENOMEM, "cgroup");
  if (sk_cg_path_resolve (cgroups_path, id, &resolved, err) < 0 || sk_cg_layout_detect (&cg->l, err) < 0
      || sk_cg_layout_place (&cg->l, resolved, err) < 0)
    return -1;
  *out = steal_pointer (&cg);
  return 0;
}

int
sk_cgroup_make (struct sk_cgroup *cg, const struct oci_resources *res, const struct sk_log *log, sk_error_t *err)
{
  if (make_dirs (cg, err) < 0)
    {
      remove_created (cg);
      return -1;
    }
  if (cg->l.v2 >= 0)
    sk_cg_v2_enable_controllers (&cg->l.h[cg->l.v2], log);
  if (sk_cg_apply (&cg->l, res, true, log, err) < 0)
    {
      remove_created (cg);
      return -1;
    }
  return 0;
}

int
sk_cgroup_create (const char *cgroups_path, const char *id, const struct oci_resources *res,
                  const struct sk_log *log, struct sk_cgroup **out, sk_error_t *err)
{
  cleanup_cgroup struct sk_cgroup *cg = NULL;

  if (sk_cgroup_plan (cgroups_path, id, &cg, err) < 0 || sk_cgroup_make (cg, res, log, err) < 0)
    return -1;
  *out = steal_pointer (&cg);
  return 0;
}

int
sk_cgroup_enter (const struct sk_cgroup *cg, pid_t pid, sk_error_t *err)
{
  char buf[24];

  snprintf (buf, sizeof buf, "%d", (int) pid);
  for (size_t i = 0; i < cg->l.n; i++)
    if (sk_cg_write (cg->l.h[i].dir, "cgroup.procs", buf, NULL, err) < 0)
      return sk_error_wrap (err, "move process %d into its cgroup", (int) pid);
  return 0;
}

char *
sk_cgroup_serialize (const struct sk_cgroup *cg)
{
  return sk_cg_layout_serialize (&cg->l);
}

int
sk_cgroup_open (const char *saved, struct sk_cgroup **out, sk_error_t *err)
{
  cleanup_cgroup struct sk_cgroup *cg = calloc (1, sizeof *cg);

  if (cg == NULL)
    return sk_error_set (err, ENOMEM, "cgroup");
  if (sk_cg_layout_detect (&cg->l, err) < 0 || sk_cg_layout_place_saved (&cg->l, saved, err) < 0)
    return -1;
  *out = steal_pointer (&cg);
  return 0;
}

int
sk_cgroup_pids (const struct sk_cgroup *cg, pid_t **pids, size_t *n, sk_error_t *err)
{
  const struct sk_cg_hier *h = primary (cg);

  if (h == NULL)
    return sk_error_set (err, ENOENT, "cgroup: no hierarchy");
  return sk_cg_read_pids (h->dir, pids, n, err);
}

/* v1 can sit in FREEZING while tasks keep forking; like runc, retry and
 * now and then thaw briefly to let it settle. */
static int
freeze_v1 (const char *dir, sk_error_t *err)
{
  for (int i = 0; i < 1000; i++)
    {
      cleanup_free char *state = NULL;
      if (i % 50 == 49)
        {
          cleanup_error sk_error_t ignored = NULL;
          sk_cg_write (dir, "freezer.state", "THAWED", NULL, &ignored);
          sleep_ms (10);
        }
      if (sk_cg_write (dir, "freezer.state", "FROZEN", NULL, err) < 0 || sk_cg_read (dir, "freezer.state", &state, err) < 0)
        return -1;
      if (strcmp (state, "FROZEN") == 0)
        return 0;
      if (strcmp (state, "FREEZING") != 0)
        return sk_error_set (err, EIO, "cgroup: unexpected freezer state \"%s\"", state);
      if (i % 25 == 24)
        sleep_ms (1);
    }
  return sk_error_set (err, EBUSY, "cgroup: %s is stuck in FREEZING", dir);
}

static int
wait_v2_frozen (const char *dir, bool frozen, sk_error_t *err)
{
  long deadline = now_ms () + 10000, delay = 1;

  for (;;)
    {
      cleanup_free char *events = NULL;
      uint64_t v = 0;
      if (sk_cg_read (dir, "cgroup.events", &events, err) < 0)
        return -1;
      if (sk_cg_kv_u64 (events, "frozen", &v) && (v != 0) == frozen)
        return 0;
      if (now_ms () > deadline)
        return sk_error_set (err, ETIMEDOUT, "cgroup: %s did not become %s", dir, frozen ? "frozen" : "thawed");
      sleep_ms (delay);
      if (delay < 50)
        delay *= 2;
    }
}

int
sk_cgroup_freeze (const struct sk_cgroup *cg, bool frozen, sk_error_t *err)
{
  const struct sk_cg_hier *h = sk_cg_owner (&cg->l, SK_CG_FREEZER);

  if (h == NULL)
    return sk_error_set (err, ENOTSUP, "cgroup: no freezer on this host");
  if (h->version == 1)
    return frozen ? freeze_v1 (h->dir, err) : sk_cg_write (h->dir, "freezer.state", "THAWED", NULL, err);
  if (sk_cg_write (h->dir, "cgroup.freeze", frozen ? "1" : "0", NULL, err) < 0)
    return -1;
  return wait_v2_frozen (h->dir, frozen, err);
}

int
sk_cgroup_is_frozen (const struct sk_cgroup *cg, bool *frozen, sk_error_t *err)
{
  const struct sk_cg_hier *h = sk_cg_owner (&cg->l, SK_CG_FREEZER);
  cleanup_free char *text = NULL;
  uint64_t v = 0;

  *frozen = false;
  if (h == NULL)
    return 0;
  if (h->version == 1)
    {
      if (sk_cg_read (h->dir, "freezer.state", &text, err) < 0)
        return -1;
      *frozen = strcmp (text, "FROZEN") == 0;
      return 0;
    }
  if (!sk_cg_has (h->dir, "cgroup.freeze"))
    return 0;
  if (sk_cg_read (h->dir, "cgroup.events", &text, err) < 0)
    return -1;
  *frozen = sk_cg_kv_u64 (text, "frozen", &v) && v != 0;
  return 0;
}

int
sk_cgroup_update (const struct sk_cgroup *cg, const struct oci_resources *res, const struct sk_log *log,
                  sk_error_t *err)
{
  return sk_cg_apply (&cg->l, res, false, log, err);
}

int
sk_cgroup_stats_json (const struct sk_cgroup *cg, char **json, size_t *len, sk_error_t *err)
{
  struct sk_cg_stats s = { 0 };
  int r = sk_cg_stats_collect (&cg->l, &s, err);

  if (r == 0)
    r = sk_cg_stats_to_json (&s, json, len, err);
  sk_cg_stats_release (&s);
  return r;
}

/* Signal every process found in any hierarchy (one that joined only some
 * of them would otherwise keep a directory busy).  Returns how many. */
static size_t
kill_round (const struct sk_cgroup *cg, const struct sk_cg_hier *freezer)
{
  size_t total = 0;
  cleanup_error sk_error_t ignored = NULL;

  /* A frozen v1 task takes SIGKILL only once thawed; freezing first stops
   * the rest from forking meanwhile. */
  if (freezer != NULL && freezer->version == 1)
    sk_cg_write (freezer->dir, "freezer.state", "FROZEN", NULL, &ignored);
  for (size_t i = 0; i < cg->l.n; i++)
    {
      cleanup_free pid_t *pids = NULL;
      size_t n = 0;
      if (sk_cg_read_pids (cg->l.h[i].dir, &pids, &n, &ignored) < 0)
        continue;
      for (size_t k = 0; k < n; k++)
        kill (pids[k], SIGKILL);
      total += n;
    }
  if (freezer != NULL && freezer->version == 1)
    sk_cg_write (freezer->dir, "freezer.state", "THAWED", NULL, &ignored);
  return total;
}

static int
kill_all (const struct sk_cgroup *cg, sk_error_t *err)
{
  const struct sk_cg_hier *freezer = sk_cg_owner (&cg->l, SK_CG_FREEZER);
  long deadline = now_ms () + 10000;

  /* cgroup.kill (5.14+) kills the whole subtree at once, even while
   * processes fork; the loop below then only waits for them to go. */
  if (cg->l.v2 >= 0 && sk_cg_has (cg->l.h[cg->l.v2].dir, "cgroup.kill"))
    {
      cleanup_error sk_error_t ignored = NULL;
      sk_cg_write (cg->l.h[cg->l.v2].dir, "cgroup.kill", "1", NULL, &ignored);
    }
  while (kill_round (cg, freezer) > 0)
    {
      if (now_ms () > deadline)
        return sk_error_set (err, EBUSY, "cgroup: processes remain after SIGKILL for 10 s");
      sleep_ms (10);
    }
  return 0;
}

int
sk_cgroup_destroy (struct sk_cgroup *cg, sk_error_t *err)
{
  bool gone = true;
  int r = 0;

  /* A stopped container's cgroup is empty and goes at the first rmdir; only
   * one with processes left (EBUSY) needs the freeze and kill rounds. */
  for (size_t i = 0; i < cg->l.n; i++)
    {
      cleanup_error sk_error_t e = NULL;
      if (sk_cg_rmdir_tree (cg->l.h[i].dir, false, &e) < 0)
        gone = false;
    }
  if (gone)
    return 0;
  if (kill_all (cg, err) < 0)
    return -1;
  for (size_t i = 0; i < cg->l.n; i++)
    {
      cleanup_error sk_error_t e = NULL;
      if (sk_cg_rmdir_tree (cg->l.h[i].dir, true, &e) < 0 && r == 0)
        {
          /* Keep going: the other hierarchies can still be cleaned. */
          r = sk_error_set (err, 0, "%s", sk_error_msg (&e));
          if (err != NULL && *err != NULL)
            (*err)->status = e->status;
        }
    }
  return r;
}
