/* Private to src/oci/parse: the section parsers and the matching clear
 * functions.  A parser fills a zeroed struct; on failure the struct may be
 * partly filled and its clear function releases whatever it holds. */
#ifndef SK_OCI_PARSE_INTERNAL_H
#define SK_OCI_PARSE_INTERNAL_H

#include "json_reader.h"

/* Largest config.json / process.json we read. */
#define OCI_MAX_FILE_SIZE (16u * 1024 * 1024)

/* parse_process.c: struct oci_process */
int oci_parse_process (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err);
void oci_process_clear (void *process);

/* parse_mounts.c: struct oci_mount, and id mappings shared with linux.* */
int oci_parse_mount (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err);
void oci_mount_clear (void *mount);
int oci_parse_id_mappings (yajl_val obj, const struct jpath *p, const char *key,
                           struct oci_id_mapping **out, size_t *n, sk_error_t *err);

/* parse_hooks.c: struct oci_hooks */
int oci_parse_hooks (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err);
void oci_hooks_clear (struct oci_hooks *hooks);

/* parse_linux.c: struct oci_linux; notes go to *warnings */
int oci_parse_linux (yajl_val obj, const struct jpath *p, struct oci_linux *out, char ***warnings,
                     sk_error_t *err);
void oci_linux_clear (void *linux_cfg);

/* parse_resources.c / parse_blkio.c: struct oci_resources, struct oci_blkio */
int oci_parse_resources (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err);
void oci_resources_clear (void *resources);
int oci_parse_blkio (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err);
void oci_blkio_clear (void *blkio);

/* parse_seccomp.c: struct oci_seccomp */
int oci_parse_seccomp (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err);
void oci_seccomp_clear (void *seccomp);

/* config.c: append a copy of MSG to a NULL-terminated list. */
int oci_add_warning (char ***warnings, const char *msg, sk_error_t *err);

#endif
