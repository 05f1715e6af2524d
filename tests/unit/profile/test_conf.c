/* stockade.conf(5): every setting, its errors, and which profile a
 * container gets (CLI, Profile=, the annotation only among AllowedProfiles=). */
#include "sk_test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stockade/cleanup.h"
#include "stockade/conf.h"

/* Parse TEXT; on failure leave the message in *msg (caller frees). */
static int
parse (const char *text, struct sk_conf *out, char **msg)
{
  cleanup_error sk_error_t err = NULL;
  cleanup_free char *copy = strdup (text);
  int r = sk_conf_parse_text ("test.conf", copy, out, &err);

  *msg = r < 0 ? strdup (sk_error_msg (&err)) : NULL;
  return r;
}

#define CHECK_BAD(text, want)                                                   \
  do                                                                            \
    {                                                                           \
      struct sk_conf c_ = { 0 };                                                \
      cleanup_free char *m_ = NULL;                                             \
      SK_CHECK (parse (text, &c_, &m_) < 0);                                    \
      SK_CHECK_CONTAINS (m_, want);                                             \
      sk_conf_clear (&c_);                                                      \
    }                                                                           \
  while (0)

static void
test_empty_is_every_default (void)
{
  cleanup_conf struct sk_conf c = { 0 };
  cleanup_free char *msg = NULL;

  SK_CHECK (parse ("# nothing set\n\n", &c, &msg) == 0);
  SK_CHECK (c.profile == NULL);
  SK_CHECK (!c.profile_dirs_set && c.profile_dirs == NULL);
  SK_CHECK (!c.profile_annotation);
  SK_CHECK (c.allowed_profiles == NULL);
  SK_CHECK (c.policy_log == NULL);
  SK_CHECK_STR (c.path, "test.conf");
}

static void
test_every_setting (void)
{
  cleanup_conf struct sk_conf c = { 0 };
  cleanup_free char *msg = NULL;

  SK_CHECK (parse ("[Stockade]\n"
                   "Profile=strict\n"
                   "ProfileDirectories=/etc/a /etc/b\n"
                   "ProfileDirectories=/etc/c\n"
                   "ProfileAnnotation=yes\n"
                   "AllowedProfiles=strict batch\n"
                   "AllowedProfiles=/opt/p/web.profile\n"
                   "PolicyLog=/var/log/stockade.jsonl\n",
                   &c, &msg)
            == 0);
  SK_CHECK_STR (msg, NULL);
  SK_CHECK_STR (c.profile, "strict");
  SK_CHECK (c.profile_dirs_set);
  SK_CHECK (c.profile_dirs != NULL && c.profile_dirs[0] && c.profile_dirs[1] && c.profile_dirs[2]);
  if (c.profile_dirs != NULL && c.profile_dirs[0] && c.profile_dirs[1] && c.profile_dirs[2])
    {
      SK_CHECK_STR (c.profile_dirs[0], "/etc/a");
      SK_CHECK_STR (c.profile_dirs[2], "/etc/c");
      SK_CHECK (c.profile_dirs[3] == NULL);
    }
  SK_CHECK (c.profile_annotation);
  SK_CHECK (c.allowed_profiles != NULL && c.allowed_profiles[2] != NULL);
  if (c.allowed_profiles != NULL && c.allowed_profiles[2] != NULL)
    SK_CHECK_STR (c.allowed_profiles[2], "/opt/p/web.profile");
  SK_CHECK_STR (c.policy_log, "/var/log/stockade.jsonl");
}

/* An empty assignment clears a list, and the later value of a single
 * setting wins, as in profiles. */
static void
test_resets (void)
{
  cleanup_conf struct sk_conf c = { 0 };
  cleanup_free char *msg = NULL;

  SK_CHECK (parse ("Profile=strict\nProfile=none\nProfileDirectories=/x\nProfileDirectories=\n", &c, &msg) == 0);
  SK_CHECK_STR (c.profile, "none");
  /* Set but empty: no directory at all, not the built-in list. */
  SK_CHECK (c.profile_dirs_set && c.profile_dirs == NULL);
}

static void
test_errors_name_file_and_line (void)
{
  CHECK_BAD ("Profile=strict\nProfil=default\n", "test.conf:2: unknown setting \"Profil\"; did you mean \"Profile\"?");
  CHECK_BAD ("Colour=blue\n", "unknown setting \"Colour\" (see stockade.conf(5))");
  CHECK_BAD ("Profile=../etc/shadow\n", "test.conf:1: Profile=../etc/shadow: expected a profile name");
  CHECK_BAD ("Profile=a b\n", "Profile=a b");
  CHECK_BAD ("ProfileDirectories=profiles\n", "\"profiles\" is not an absolute path");
  CHECK_BAD ("ProfileAnnotation=maybe\n", "expected yes or no");
  CHECK_BAD ("AllowedProfiles=strict ../x\n", "\"../x\" is not a profile name or an absolute path");
  CHECK_BAD ("PolicyLog=policy.jsonl\n", "PolicyLog=policy.jsonl: expected an absolute path");
  CHECK_BAD ("[Profile]\nProfile=strict\n", "test.conf:1");
  /* An annotation that may choose among nothing is a mistake, not a policy. */
  CHECK_BAD ("ProfileAnnotation=yes\n", "ProfileAnnotation=yes needs AllowedProfiles=");
}

static void
test_load_missing_file_is_defaults (void)
{
  cleanup_conf struct sk_conf c = { 0 };
  cleanup_error sk_error_t err = NULL;

  SK_CHECK (sk_conf_load ("/nonexistent/stockade.conf", &c, &err) == 0);
  SK_CHECK (c.profile == NULL && !c.profile_annotation);
  SK_CHECK_STR (c.path, "/nonexistent/stockade.conf");
}

static void
test_load_unreadable_is_an_error (void)
{
  cleanup_conf struct sk_conf c = { 0 };
  cleanup_error sk_error_t err = NULL;

  /* A directory where the file should be: refused, never "no file". */
  SK_CHECK (sk_conf_load ("/", &c, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "not a regular file");
}

static void
test_load_reads_the_file (void)
{
  char path[] = "/tmp/sk-conf-test.XXXXXX";
  int fd = mkstemp (path);
  cleanup_conf struct sk_conf c = { 0 };
  cleanup_error sk_error_t err = NULL;
  static const char text[] = "[Stockade]\nProfile=strict\n";

  SK_CHECK (fd >= 0);
  if (fd < 0)
    return;
  SK_CHECK (write (fd, text, sizeof text - 1) == (ssize_t) (sizeof text - 1));
  close (fd);
  SK_CHECK (sk_conf_load (path, &c, &err) == 0);
  SK_CHECK_STR (c.profile, "strict");
  unlink (path);
}

static void
test_choose (void)
{
  struct sk_conf conf = { .path = (char *) "test.conf" };
  struct oci_kv ann = { .key = (char *) SK_PROFILE_ANNOTATION, .value = (char *) "strict" };
  struct oci_kv other = { .key = (char *) "org.example", .value = (char *) "x" };
  struct oci_config cfg = { 0 };
  char *allowed[] = { (char *) "strict", (char *) "batch", NULL };
  struct sk_profile_choice ch;
  cleanup_error sk_error_t err = NULL;

  /* Nothing chosen anywhere: the shipped default profile. */
  SK_CHECK (sk_conf_choose_profile (&conf, NULL, NULL, &ch, &err) == 0);
  SK_CHECK_STR (ch.name, "default");
  SK_CHECK (ch.source == SK_PROFILE_FROM_DEFAULT);

  conf.profile = (char *) "web";
  SK_CHECK (sk_conf_choose_profile (&conf, NULL, &cfg, &ch, &err) == 0);
  SK_CHECK_STR (ch.name, "web");
  SK_CHECK (ch.source == SK_PROFILE_FROM_CONF);

  /* --profile beats Profile=. */
  SK_CHECK (sk_conf_choose_profile (&conf, "none", &cfg, &ch, &err) == 0);
  SK_CHECK_STR (ch.name, "none");
  SK_CHECK (ch.source == SK_PROFILE_FROM_CLI);

  /* Other annotations are not looked at. */
  cfg.annotations = &other;
  cfg.n_annotations = 1;
  SK_CHECK (sk_conf_choose_profile (&conf, NULL, &cfg, &ch, &err) == 0);
  SK_CHECK_STR (ch.name, "web");
  SK_CHECK (!ch.annotation_ignored);

  /* The annotation without ProfileAnnotation=yes: ignored, and said so. */
  cfg.annotations = &ann;
  SK_CHECK (sk_conf_choose_profile (&conf, NULL, &cfg, &ch, &err) == 0);
  SK_CHECK_STR (ch.name, "web");
  SK_CHECK (ch.annotation_ignored);

  /* Allowed: the annotation chooses, over Profile= and --profile. */
  conf.profile_annotation = true;
  conf.allowed_profiles = allowed;
  SK_CHECK (sk_conf_choose_profile (&conf, "default", &cfg, &ch, &err) == 0);
  SK_CHECK_STR (ch.name, "strict");
  SK_CHECK (ch.source == SK_PROFILE_FROM_ANNOTATION);

  /* Not among AllowedProfiles=: refused, naming the annotation and the list. */
  ann.value = (char *) "none";
  SK_CHECK (sk_conf_choose_profile (&conf, NULL, &cfg, &ch, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "annotations[\"org.stockade.profile\"]: profile \"none\"");
  SK_CHECK_CONTAINS (sk_error_msg (&err), "AllowedProfiles=strict batch");
  sk_error_release (&err);
  ann.value = (char *) "Strict";
  SK_CHECK (sk_conf_choose_profile (&conf, NULL, &cfg, &ch, &err) < 0);
}

int
main (void)
{
  SK_RUN (test_empty_is_every_default);
  SK_RUN (test_every_setting);
  SK_RUN (test_resets);
  SK_RUN (test_errors_name_file_and_line);
  SK_RUN (test_load_missing_file_is_defaults);
  SK_RUN (test_load_unreadable_is_an_error);
  SK_RUN (test_load_reads_the_file);
  SK_RUN (test_choose);
  return sk_test_done ();
}
