/* Unit tests for src/oci/parse: the malformed corpus and mutations.
 *
 * Usage: test-oci-corpus SOURCE_DIR.  Each bad/NAME.json must fail, through
 * both oci_config_parse_file() and oci_config_parse_data(), with an error
 * containing the first line of bad/NAME.expect (bad-process/ likewise for
 * process.json).  Run under ASan/LSan, this also proves that every error
 * path frees what it built. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "oci_test_util.h"

static char *
read_expect (const char *dir, const char *json_name)
{
  int stem = (int) (strlen (json_name) - strlen (".json"));
  cleanup_free char *name = NULL;
  cleanup_free char *path = NULL;
  char *text;
  size_t len;

  if (asprintf (&name, "%.*s.expect", stem, json_name) < 0)
    abort ();
  path = corpus_path (dir, name);
  text = read_text (path, &len);
  if (text != NULL)
    text[strcspn (text, "\n")] = '\0';
  return text;
}

/* One bad case, through both entry points.  Returns false on a mismatch. */
static bool
check_bad_case (const char *dir, const char *name, parse_file_fn by_file, parse_data_fn by_data)
{
  cleanup_free char *path = corpus_path (dir, name);
  cleanup_free char *expect = read_expect (dir, name);
  cleanup_free char *text = NULL;
  cleanup_error sk_error_t ferr = NULL;
  cleanup_error sk_error_t derr = NULL;
  const char *fmsg, *dmsg;
  size_t len = 0;
  bool ok;

  text = read_text (path, &len);
  if (expect == NULL || text == NULL || expect[0] == '\0')
    {
      printf ("# %s: missing .expect or unreadable\n", name);
      return false;
    }
  ok = by_file (path, &ferr) < 0 && by_data (text, len, &derr) < 0;
  fmsg = sk_error_msg (&ferr);
  dmsg = sk_error_msg (&derr);
  ok = ok && strstr (fmsg, expect) != NULL && strstr (dmsg, expect) != NULL;
  /* parse_file names the file; every message is one line. */
  ok = ok && strncmp (fmsg, path, strlen (path)) == 0;
  ok = ok && strchr (fmsg, '\n') == NULL && strchr (dmsg, '\n') == NULL;
  if (!ok)
    printf ("# %s/%s: want \"%s\"\n#   file: %s\n#   data: %s\n", dir, name, expect, fmsg, dmsg);
  return ok;
}

static int
run_bad_corpus (const char *dir, parse_file_fn by_file, parse_data_fn by_data)
{
  cleanup_free char *dpath = corpus_path (dir, "");
  DIR *d = opendir (dpath);
  struct dirent *e;
  int n = 0;

  SK_CHECK (d != NULL);
  if (d == NULL)
    return 0;
  while ((e = readdir (d)) != NULL)
    {
      size_t l = strlen (e->d_name);
      if (l <= 5 || strcmp (e->d_name + l - 5, ".json") != 0)
        continue;
      n++;
      if (!check_bad_case (dir, e->d_name, by_file, by_data))
        sk_test_cur_failed = 1;
    }
  closedir (d);
  return n;
}

static void
test_bad_corpus (void)
{
  int n = run_bad_corpus ("bad", config_file, config_data);

  printf ("# %d bad config cases\n", n);
  SK_CHECK (n >= 40);
}

static void
test_process_bad_corpus (void)
{
  int n = run_bad_corpus ("bad-process", process_file, process_data);

  printf ("# %d bad process cases\n", n);
  SK_CHECK (n >= 5);
}

/* Every key of full.json in turn given a value of each kind: the parser must
 * either accept it or fail with a one-line error, and (under ASan/LSan) free
 * whatever it built so far either way.  Reaches the error path of every
 * field at every depth. */
static void
test_mutations (void)
{
  static const char *const values[] = { "7", "-1", "1.5", "\"x\"", "null", "true", "[]", "{}", "[7]", "[{}]" };
  cleanup_free char *path = corpus_path ("good", "full.json");
  cleanup_free char *text = NULL;
  size_t len = 0, n = 0, failed = 0;

  text = read_text (path, &len);
  SK_CHECK (text != NULL);
  for (size_t i = 0; text != NULL && i + 2 < len; i++)
    {
      if (text[i] != '"' || text[i + 1] != ':')
        continue;
      for (size_t v = 0; v < sizeof (values) / sizeof (values[0]); v++)
        {
          cleanup_free char *doc = NULL;
          cleanup_error sk_error_t err = NULL;
          int dlen = asprintf (&doc, "%.*s %s, \"zz-moved\":%s", (int) (i + 2), text, values[v], text + i + 2);

          if (dlen < 0)
            abort ();
          n++;
          if (config_data (doc, (size_t) dlen, &err) == 0)
            continue;
          failed++;
          if (strchr (sk_error_msg (&err), '\n') != NULL || sk_error_msg (&err)[0] == '\0')
            {
              printf ("# bad message at offset %zu: %s\n", i, sk_error_msg (&err));
              sk_test_cur_failed = 1;
            }
        }
    }
  printf ("# %zu mutations, %zu rejected\n", n, failed);
  SK_CHECK (n > 1000 && failed > n / 2);
}

int
main (int argc, char **argv)
{
  corpus_dir = argc > 1 ? argv[1] : ".";
  SK_RUN (test_bad_corpus);
  SK_RUN (test_process_bad_corpus);
  SK_RUN (test_mutations);
  return sk_test_done ();
}
