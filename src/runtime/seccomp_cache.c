/* The compiled-seccomp cache under --root; see seccomp_cache.h for the
 * rules a cached program has to pass before it is used. */
#include "seccomp_cache.h"
#include "stockade-config.h"
#include "stockade/cleanup.h"

#include <elf.h>
#include <link.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_MAGIC "SKBPF01\n"
#define CACHE_MAX_BYTES (1u << 20) /* a BPF_MAXINSNS program is 32 KiB, keys a few */

struct cache_header
{
  char magic[8];
  uint32_t key_len;
  uint32_t flags;     /* seccomp(2) flags */
  uint32_t listener;  /* 0 or 1 */
  uint32_t prog_len;  /* bytes */
  uint64_t prog_sum;  /* fnv64 of the program */
};

static uint64_t
fnv64 (const void *data, size_t len)
{
  const unsigned char *p = data;
  uint64_t h = 0xcbf29ce484222325ull;

  for (size_t i = 0; i < len; i++)
    h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

static void
key_strv (FILE *f, const char *what, char *const *v)
{
  size_t len = 1;
  char *line, *p;

  /* An allow-list has hundreds of names: one write for the line, not a
   * stdio call per name (this runs for every create). */
  fputs (what, f);
  for (size_t i = 0; v != NULL && v[i] != NULL; i++)
    len += 1 + strlen (v[i]);
  if ((line = p = malloc (len)) == NULL)
    {
      fputc ('\0', f); /* a key with a NUL is refused: no cache, not a wrong one */
      return;
    }
  for (size_t i = 0; v != NULL && v[i] != NULL; i++)
    {
      *p++ = ' ';
      p = stpcpy (p, v[i]);
    }
  *p++ = '\n';
  fwrite (line, 1, (size_t) (p - line), f);
  free (line);
}

static void
key_u32 (FILE *f, const char *what, sk_opt_u32 o)
{
  if (o.set)
    fprintf (f, " %s=%" PRIu32, what, o.v);
}

/* The GNU build-id note of the running executable, as hex: it names the
 * binary's contents, so it is the same in the sealed memfd copy that create
 * and exec run from (CVE-2019-5736), whose inode is new every time. */
struct build_id
{
  char hex[2 * 64 + 1];
};

static int
find_build_id (struct dl_phdr_info *info, size_t size, void *data)
{
  struct build_id *out = data;

  (void) size;
  /* The first object is the executable itself. */
  for (size_t i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW (Phdr) *ph = &info->dlpi_phdr[i];
      const char *p, *end;

      if (ph->p_type != PT_NOTE)
        continue;
      p = (const char *) (info->dlpi_addr + ph->p_vaddr);
      end = p + ph->p_memsz;
      while (p + sizeof (ElfW (Nhdr)) <= end)
        {
          const ElfW (Nhdr) *n = (const ElfW (Nhdr) *) p;
          const unsigned char *desc = (const unsigned char *) (p + sizeof *n + ((n->n_namesz + 3) & ~3u));

          if ((const char *) desc + n->n_descsz > end)
            break;
          if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && memcmp (p + sizeof *n, "GNU", 4) == 0
              && n->n_descsz > 0 && n->n_descsz <= 64)
            {
              for (size_t k = 0; k < n->n_descsz; k++)
                snprintf (out->hex + 2 * k, 3, "%02x", desc[k]);
              return 1;
            }
          p = (const char *) desc + ((n->n_descsz + 3) & ~3u);
        }
    }
  return 1;
}

char *
sk_seccomp_cache_key (const struct oci_seccomp *s)
{
  const struct scmp_version *v = seccomp_version ();
  struct build_id id = { .hex = "" };
  char *text = NULL;
  size_t len = 0;
  FILE *f;

  /* What the translation depends on besides the object itself.  Without a
   * build id there is nothing stable to key on: no cache. */
  dl_iterate_phdr (find_build_id, &id);
  if (id.hex[0] == '\0' || (f = open_memstream (&text, &len)) == NULL)
    return NULL;
  fprintf (f, "stockade %s build-id %s\n", STOCKADE_VERSION, id.hex);
  fprintf (f, "libseccomp %u.%u.%u api %u\n", v->major, v->minor, v->micro, seccomp_api_get ());
  fprintf (f, "default %s", s->default_action);
  key_u32 (f, "errno", s->default_errno_ret);
  fputc ('\n', f);
  key_strv (f, "architectures", s->architectures);
  key_strv (f, "flags", s->flags);
  fprintf (f, "listener %s\n", s->listener_path != NULL ? "yes" : "no");
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      const struct oci_seccomp_syscall *r = &s->syscalls[i];
      fprintf (f, "rule %s", r->action);
      key_u32 (f, "errno", r->errno_ret);
      for (size_t j = 0; j < r->n_args; j++)
        fprintf (f, " arg%" PRIu32 "%s:%" PRIu64 ":%" PRIu64, r->args[j].index, r->args[j].op, r->args[j].value,
                 r->args[j].value_two);
      key_strv (f, " names", r->names);
    }
  if (fclose (f) != 0 || memchr (text, '\0', len) != NULL)
    {
      free (text);
      return NULL;
    }
  return text;
}

/* ROOT/.cache@seccomp as an fd (created if missing when CREATE); -1 when
 * it is missing, or is not the runtime's own private directory. */
static int
open_cache_dir (const char *root, bool create)
{
  cleanup_close int rootfd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int fd = -1;
  struct stat st;

  if (rootfd < 0)
    return -1;
  fd = openat (rootfd, SK_SECCOMP_CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && create && mkdirat (rootfd, SK_SECCOMP_CACHE_DIR, 0700) == 0)
    fd = openat (rootfd, SK_SECCOMP_CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) < 0 || st.st_uid != geteuid () || (st.st_mode & 077) != 0)
    return -1;
  return steal_fd (&fd);
}

static void
cache_name (const char *key, char name[static 32])
{
  snprintf (name, 32, "%016" PRIx64 ".bpf", fnv64 (key, strlen (key)));
}

/* The cached filter for KEY, or NULL (a miss) with nothing set. */
static struct sk_seccomp *
cache_load (int dirfd, const char *name, const char *key)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_free char *buf = NULL;
  cleanup_error sk_error_t err = NULL;
  struct cache_header h;
  struct sk_seccomp *f = NULL;
  size_t key_len = strlen (key);
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_uid != geteuid ()
      || (st.st_mode & 022) != 0 || st.st_size < (off_t) sizeof h || st.st_size > CACHE_MAX_BYTES)
    return NULL;
  if ((buf = malloc ((size_t) st.st_size)) == NULL || pread (fd, buf, (size_t) st.st_size, 0) != st.st_size)
    return NULL;
  memcpy (&h, buf, sizeof h);
  if (memcmp (h.magic, CACHE_MAGIC, sizeof h.magic) != 0 || h.key_len != key_len || h.listener > 1
      || (uint64_t) sizeof h + h.key_len + h.prog_len != (uint64_t) st.st_size
      || memcmp (buf + sizeof h, key, key_len) != 0
      || fnv64 (buf + sizeof h + key_len, h.prog_len) != h.prog_sum)
    return NULL;
  if (sk_seccomp_from_bpf (buf + sizeof h + key_len, h.prog_len, h.flags, h.listener == 1, &f, &err) < 0)
    return NULL;
  return f;
}

void
sk_seccomp_cache_store (const char *root, const char *key, const struct sk_seccomp *f)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free void *prog = NULL;
  cleanup_close int dirfd = -1;
  cleanup_close int fd = -1;
  char name[32], tmp[64];
  size_t prog_len = 0, key_len;
  struct cache_header h = { 0 };

  /* Best effort: a failure only means the next container compiles again. */
  if (root == NULL || key == NULL || f == NULL || (key_len = strlen (key)) > CACHE_MAX_BYTES
      || (dirfd = open_cache_dir (root, true)) < 0 || sk_seccomp_export_bpf (f, &prog, &prog_len, &err) < 0)
    return;
  memcpy (h.magic, CACHE_MAGIC, sizeof h.magic);
  h.key_len = (uint32_t) key_len;
  h.flags = sk_seccomp_flags (f);
  h.listener = sk_seccomp_needs_listener (f);
  h.prog_len = (uint32_t) prog_len;
  h.prog_sum = fnv64 (prog, prog_len);
  cache_name (key, name);
  snprintf (tmp, sizeof tmp, ".tmp.%s.%ld", name, (long) getpid ());
  fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  if (write (fd, &h, sizeof h) != (ssize_t) sizeof h || write (fd, key, key_len) != (ssize_t) key_len
      || write (fd, prog, prog_len) != (ssize_t) prog_len || renameat (dirfd, tmp, dirfd, name) < 0)
    unlinkat (dirfd, tmp, 0);
}

int
sk_seccomp_cache_build (const char *root, const struct oci_seccomp *s, const struct sk_log *log,
                        struct sk_seccomp **out, char **pending_key, sk_error_t *err)
{
  cleanup_free char *key = NULL;
  cleanup_close int dirfd = -1;
  char name[32];

  *out = NULL;
  *pending_key = NULL;
  if (root == NULL || (key = sk_seccomp_cache_key (s)) == NULL)
    return sk_seccomp_build (s, log, out, err);
  cache_name (key, name);
  if ((dirfd = open_cache_dir (root, false)) >= 0 && (*out = cache_load (dirfd, name, key)) != NULL)
    {
      sk_log_debug (log, "seccomp: compiled filter from %s/%s/%s", root, SK_SECCOMP_CACHE_DIR, name);
      return 0;
    }
  if (sk_seccomp_build (s, log, out, err) < 0)
    return -1;
  *pending_key = steal_pointer (&key);
  return 0;
}
