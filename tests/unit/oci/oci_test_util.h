/* Helpers shared by the src/oci/parse unit tests (one executable per test
 * file: sk_test.h keeps its counters per translation unit). */
#ifndef OCI_TEST_UTIL_H
#define OCI_TEST_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sk_test.h"
#include "stockade/cleanup.h"
#include "stockade/error.h"
#include "stockade/oci_config.h"

/* SOURCE_DIR given on the command line: holds good/, bad/ and bad-process/. */
static const char *corpus_dir;

/* A string literal and its length, for the *_parse_data entry points. */
#define LIT(s_) s_, sizeof (s_) - 1

typedef int (*parse_file_fn) (const char *path, sk_error_t *err);
typedef int (*parse_data_fn) (const char *json, size_t len, sk_error_t *err);

static inline char *
corpus_path (const char *sub, const char *name)
{
  char *p = NULL;

  if (asprintf (&p, "%s/%s/%s", corpus_dir, sub, name) < 0)
    abort ();
  return p;
}

static inline char *
read_text (const char *path, size_t *len)
{
  cleanup_file FILE *f = fopen (path, "rb");
  char *buf = NULL;
  size_t cap = 0;

  if (f == NULL)
    return NULL;
  *len = 0;
  for (;;)
    {
      if (*len + 4096 + 1 > cap)
        {
          cap = (*len + 4096 + 1) * 2;
          buf = realloc (buf, cap);
          if (buf == NULL)
            abort ();
        }
      size_t r = fread (buf + *len, 1, 4096, f);
      *len += r;
      if (r == 0)
        break;
    }
  buf[*len] = '\0';
  return buf;
}

static inline struct oci_config *
load_good (const char *name)
{
  cleanup_free char *path = corpus_path ("good", name);
  cleanup_error sk_error_t err = NULL;
  struct oci_config *c = NULL;

  if (oci_config_parse_file (path, &c, &err) < 0)
    printf ("# %s: %s\n", name, sk_error_msg (&err));
  SK_CHECK (c != NULL);
  return c;
}

static inline bool
strv_eq (char **got, const char *const *want)
{
  size_t i = 0;

  if (got == NULL)
    return want == NULL;
  for (; want[i] != NULL; i++)
    if (got[i] == NULL || strcmp (got[i], want[i]) != 0)
      return false;
  return got[i] == NULL;
}

static inline const struct oci_namespace *
find_ns (const struct oci_linux *l, enum oci_ns_type t)
{
  for (size_t i = 0; i < l->n_namespaces; i++)
    if (l->namespaces[i].type == t)
      return &l->namespaces[i];
  return NULL;
}

static inline int
config_file (const char *path, sk_error_t *err)
{
  cleanup_config struct oci_config *c = NULL;
  int r = oci_config_parse_file (path, &c, err);

  SK_CHECK (r < 0 ? c == NULL : c != NULL);
  return r;
}

static inline int
config_data (const char *json, size_t len, sk_error_t *err)
{
  cleanup_config struct oci_config *c = NULL;
  int r = oci_config_parse_data (json, len, &c, err);

  SK_CHECK (r < 0 ? c == NULL : c != NULL);
  return r;
}

static inline void
process_freep (struct oci_process **p)
{
  oci_process_free (*p);
}

static inline int
process_file (const char *path, sk_error_t *err)
{
  __attribute__ ((cleanup (process_freep))) struct oci_process *p = NULL;
  int r = oci_process_parse_file (path, &p, err);

  SK_CHECK (r < 0 ? p == NULL : p != NULL);
  return r;
}

static inline int
process_data (const char *json, size_t len, sk_error_t *err)
{
  __attribute__ ((cleanup (process_freep))) struct oci_process *p = NULL;
  int r = oci_process_parse_data (json, len, &p, err);

  SK_CHECK (r < 0 ? p == NULL : p != NULL);
  return r;
}

#endif
