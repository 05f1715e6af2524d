/* stockade.conf(5): the host operator's choice of profile, and the rule that
 * picks the profile for one container.  Pure: reads one file, decides. */
#ifndef STOCKADE_CONF_H
#define STOCKADE_CONF_H

#include <stdbool.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"

#define SK_CONF_DEFAULT_PATH "/etc/stockade/stockade.conf"
/* The annotation a config may use to pick a profile (only among
 * AllowedProfiles=, and only with ProfileAnnotation=yes). */
#define SK_PROFILE_ANNOTATION "org.stockade.profile"

struct sk_conf
{
  char *path;               /* the file read, for messages */
  char *profile;            /* Profile=, NULL: "default" */
  char **profile_dirs;      /* ProfileDirectories=, NULL: the built-in list */
  bool profile_dirs_set;    /* an empty assignment also counts as set */
  bool profile_annotation;  /* ProfileAnnotation= */
  char **allowed_profiles;  /* AllowedProfiles= */
  char *policy_log;         /* PolicyLog=, NULL: none */
};

/* Parse TEXT (modified in place) read from FILE. */
int sk_conf_parse_text (const char *file, char *text, struct sk_conf *out, sk_error_t *err);
/* Read PATH; a missing file is an empty one (every default). */
int sk_conf_load (const char *path, struct sk_conf *out, sk_error_t *err);
void sk_conf_clear (struct sk_conf *conf);
#define cleanup_conf __attribute__ ((cleanup (sk_conf_clear)))

enum sk_profile_source
{
  SK_PROFILE_FROM_DEFAULT,    /* nothing chose: "default" */
  SK_PROFILE_FROM_CONF,       /* Profile= */
  SK_PROFILE_FROM_CLI,        /* --profile */
  SK_PROFILE_FROM_ANNOTATION, /* org.stockade.profile, allowed by the conf */
};

struct sk_profile_choice
{
  const char *name;                 /* points into conf, cli or the config */
  enum sk_profile_source source;
  bool annotation_ignored;          /* the config asked, ProfileAnnotation=no */
};

/* Which profile applies to a container whose config is C (NULL: no config,
 * e.g. `profile show`): the annotation when the conf lets it choose and its
 * value is allowed (a value that is not allowed is an error naming the
 * annotation), else --profile (CLI_PROFILE, may be NULL), else Profile=,
 * else "default".  The name "none" means no profile. */
int sk_conf_choose_profile (const struct sk_conf *conf, const char *cli_profile, const struct oci_config *c,
                            struct sk_profile_choice *out, sk_error_t *err);
const char *sk_profile_source_name (enum sk_profile_source s);

#endif
