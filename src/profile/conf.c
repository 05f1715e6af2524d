/* stockade.conf(5): parsing, and choosing the profile for one container.
 * The file uses the profiles' line syntax (lexer.c) under [Stockade]. */
#include "profile_internal.h"
#include "stockade/conf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

/* A profile name as Profile= and AllowedProfiles= take it: "none", a name
 * looked up in the profile directories, or an absolute path. */
static bool
profile_name_ok (const char *s)
{
  if (*s == '/')
    return true;
  if (*s == '\0' || *s == '.' || strchr (s, '/') != NULL)
    return false;
  for (const char *c = s; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-'
          || *c == '_' || *c == '.'))
      return false;
  return true;
}

static int
set_string (const struct lex_line *l, char **slot, sk_error_t *err)
{
  char *v = strdup (l->value);

  if (v == NULL)
    return sk_error_set (err, ENOMEM, "%s", l->file);
  free (*slot);
  *slot = v;
  return 0;
}

/* A list setting: words accumulate; an empty assignment clears the list. */
static int
add_words (const struct lex_line *l, char ***list, bool names, sk_error_t *err)
{
  cleanup_strv char **words = NULL;

  if (lex_list_words (l, list, &words, err) < 0)
    return -1;
  for (size_t i = 0; words != NULL && words[i] != NULL; i++)
    {
      if (names ? !profile_name_ok (words[i]) : words[i][0] != '/')
        return lex_fail (err, l, "%s=%s: \"%s\" is not %s", l->key, l->value, words[i],
                         names ? "a profile name or an absolute path" : "an absolute path");
      if (strv_add_unique (list, words[i]) < 0)
        return sk_error_set (err, ENOMEM, "%s", l->file);
    }
  return 0;
}

static int
on_setting (void *ctx, const struct lex_line *l, sk_error_t *err)
{
  struct sk_conf *conf = ctx;
  int b;

  if (strcmp (l->key, "Profile") == 0)
    {
      if (!profile_name_ok (l->value))
        return lex_fail (err, l, "Profile=%s: expected a profile name, an absolute path or none", l->value);
      return set_string (l, &conf->profile, err);
    }
  if (strcmp (l->key, "ProfileDirectories") == 0)
    {
      conf->profile_dirs_set = true;
      return add_words (l, &conf->profile_dirs, false, err);
    }
  if (strcmp (l->key, "ProfileAnnotation") == 0)
    {
      if (parse_bool (l, &b, err) < 0)
        return -1;
      conf->profile_annotation = b;
      return 0;
    }
  if (strcmp (l->key, "AllowedProfiles") == 0)
    return add_words (l, &conf->allowed_profiles, true, err);
  if (strcmp (l->key, "PolicyLog") == 0)
    {
      if (l->value[0] != '/')
        return lex_fail (err, l, "PolicyLog=%s: expected an absolute path", l->value);
      return set_string (l, &conf->policy_log, err);
    }
  {
    static const char *const keys[]
        = { "Profile", "ProfileDirectories", "ProfileAnnotation", "AllowedProfiles", "PolicyLog" };
    const char *hint = nearest_name (l->key, keys, N_ELEM (keys), sizeof keys[0]);

    if (hint != NULL)
      return lex_fail (err, l, "unknown setting \"%s\"; did you mean \"%s\"?", l->key, hint);
    return lex_fail (err, l, "unknown setting \"%s\" (see stockade.conf(5))", l->key);
  }
}

int
sk_conf_parse_text (const char *file, char *text, struct sk_conf *out, sk_error_t *err)
{
  struct sk_conf conf = { 0 };

  if ((conf.path = strdup (file)) == NULL)
    return sk_error_set (err, ENOMEM, "%s", file);
  if (lex_text (conf.path, text, "Stockade", on_setting, &conf, err) < 0)
    {
      sk_conf_clear (&conf);
      return -1;
    }
  if (conf.profile_annotation && conf.allowed_profiles == NULL)
    {
      sk_conf_clear (&conf);
      return sk_error_set (err, 0, "%s: ProfileAnnotation=yes needs AllowedProfiles=", file);
    }
  *out = conf;
  return 0;
}

int
sk_conf_load (const char *path, struct sk_conf *out, sk_error_t *err)
{
  cleanup_free char *text = NULL;
  cleanup_error sk_error_t e = NULL;

  if (lex_read_file (path, &text, NULL, &e) < 0)
    {
      if (e == NULL || e->status != ENOENT)
        {
          *err = steal_pointer (&e);
          return -1;
        }
      /* No file: every default. */
      *out = (struct sk_conf) { 0 };
      if ((out->path = strdup (path)) == NULL)
        return sk_error_set (err, ENOMEM, "%s", path);
      return 0;
    }
  return sk_conf_parse_text (path, text, out, err);
}

void
sk_conf_clear (struct sk_conf *conf)
{
  free (conf->path);
  free (conf->profile);
  sk_strv_free (conf->profile_dirs);
  sk_strv_free (conf->allowed_profiles);
  free (conf->policy_log);
  *conf = (struct sk_conf) { 0 };
}

static const char *
annotation (const struct oci_config *c, const char *key)
{
  for (size_t i = 0; c != NULL && i < c->n_annotations; i++)
    if (strcmp (c->annotations[i].key, key) == 0)
      return c->annotations[i].value;
  return NULL;
}

int
sk_conf_choose_profile (const struct sk_conf *conf, const char *cli_profile, const struct oci_config *c,
                        struct sk_profile_choice *out, sk_error_t *err)
{
  const char *asked = annotation (c, SK_PROFILE_ANNOTATION);

  *out = (struct sk_profile_choice) { .name = "default", .source = SK_PROFILE_FROM_DEFAULT };
  if (conf->profile != NULL)
    *out = (struct sk_profile_choice) { .name = conf->profile, .source = SK_PROFILE_FROM_CONF };
  if (cli_profile != NULL)
    *out = (struct sk_profile_choice) { .name = cli_profile, .source = SK_PROFILE_FROM_CLI };
  if (asked == NULL)
    return 0;
  if (!conf->profile_annotation)
    {
      out->annotation_ignored = true;
      return 0;
    }
  /* The container's own say: only ever among what the operator listed. */
  if (!strv_has (conf->allowed_profiles, asked))
    {
      cleanup_free char *allowed = strv_join (conf->allowed_profiles, " ");
      return sk_error_set (err, EPERM, "annotations[\"%s\"]: profile \"%s\" is not among AllowedProfiles=%s of %s",
                           SK_PROFILE_ANNOTATION, asked, allowed != NULL ? allowed : "", conf->path);
    }
  *out = (struct sk_profile_choice) { .name = asked, .source = SK_PROFILE_FROM_ANNOTATION };
  return 0;
}

const char *
sk_profile_source_name (enum sk_profile_source s)
{
  static const char *const names[] = { "built-in default", "stockade.conf Profile=", "--profile",
                                       ("annotation " SK_PROFILE_ANNOTATION) };
  return (unsigned) s < N_ELEM (names) ? names[s] : "?";
}
