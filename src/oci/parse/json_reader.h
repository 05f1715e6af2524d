/* Private to src/oci/parse: a thin typed layer over yajl_tree.
 *
 * Every reader takes the JSON path of what it reads as a chain of `struct
 * jpath` nodes living on the caller's stack, so each error names where it
 * happened ("process.args[0]: expected string, got number") without any
 * allocation until an error actually occurs.
 *
 * Field readers (jr_*) take an object, its path and a key.  An absent key and a
 * key whose value is JSON null are the same thing: the output is left alone
 * (or an error "KEY: required field missing" is raised with JR_REQUIRED).  A
 * key present twice in one object is an error: two parsers reading the same
 * document must not see two different configurations. */
#ifndef SK_OCI_JSON_READER_H
#define SK_OCI_JSON_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"
#include "tables.h"

struct jpath
{
  const struct jpath *parent; /* NULL only for the document root */
  const char *key;            /* NULL: an array element, see index */
  size_t index;
};

/* Child path nodes, valid until the end of the enclosing block. */
#define JP_KEY(parent_, key_) (&(const struct jpath){ .parent = (parent_), .key = (key_) })
#define JP_IDX(parent_, i_) (&(const struct jpath){ .parent = (parent_), .index = (i_) })

extern const struct jpath jr_root;

enum jr_flags
{
  JR_OPTIONAL = 0,
  JR_REQUIRED = 1 << 0,
  JR_ABSOLUTE = 1 << 1, /* strings: must start with '/' */
  JR_NONEMPTY = 1 << 2, /* arrays: at least one element */
};

/* Parses one object: OBJ is already known to be a JSON object; OUT is the
 * struct to fill (zeroed by the caller).  On failure OUT may be partly filled;
 * the matching jr_clear_fn releases it. */
typedef int (*jr_parse_fn) (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err);
/* Frees what a struct owns (not the struct itself); NULL when it owns nothing. */
typedef void (*jr_clear_fn) (void *elem);

/* ---- errors (json_path.c) ---- */

/* "PATH: MESSAGE" on one line.  Returns -1. */
int jr_fail (sk_error_t *err, const struct jpath *p, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
/* "PATH: unknown WHAT "VALUE"" with VALUE escaped and shortened. */
int jr_fail_unknown (sk_error_t *err, const struct jpath *p, const char *what, const char *value);
int jr_fail_type (sk_error_t *err, const struct jpath *p, const char *want, yajl_val got);
int jr_fail_missing (sk_error_t *err, const struct jpath *p, const char *key);
/* malloc'd, printable, at most ~80 bytes; NULL on OOM. */
char *jr_escape (const char *s);
const char *jr_type_name (yajl_val v);

/* ---- loading (json_load.c) ---- */

/* Parse LEN bytes of JSON text whose top level must be an object.  Errors are
 * prefixed with NAME ("config.json: invalid JSON: ..."). */
int jr_load (const char *text, size_t len, const char *name, yajl_val *out, sk_error_t *err);
/* Read a whole file of at most MAX bytes, NUL-terminated. */
int jr_read_file (const char *path, size_t max, char **out, size_t *len, sk_error_t *err);

static inline void
jr_tree_freep (yajl_val *v)
{
  if (*v != NULL)
    yajl_tree_free (*v);
  *v = NULL;
}
#define cleanup_tree __attribute__ ((cleanup (jr_tree_freep)))

/* ---- values (json_values.c): V is non-NULL, P is V's own path ---- */

int jv_string (yajl_val v, const struct jpath *p, unsigned flags, char **out, sk_error_t *err);
int jv_int (yajl_val v, const struct jpath *p, int64_t min, int64_t max, int64_t *out, sk_error_t *err);
int jv_uint (yajl_val v, const struct jpath *p, uint64_t max, uint64_t *out, sk_error_t *err);
int jv_strv (yajl_val v, const struct jpath *p, unsigned flags, char ***out, sk_error_t *err);
int jv_kv (yajl_val v, const struct jpath *p, struct oci_kv **out, size_t *n, sk_error_t *err);
void oci_kv_free (struct oci_kv *kv, size_t n);

/* ---- fields (json_fields.c): OBJ is a JSON object, P its path ---- */

int jr_lookup (yajl_val obj, const struct jpath *p, const char *key, yajl_val *out, sk_error_t *err);
/* Like jr_lookup, but the value must be an object (*out NULL when absent). */
int jr_object (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, yajl_val *out,
               sk_error_t *err);

int jr_string (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, char **out,
               sk_error_t *err);
/* A string that must be one of TABLE's names; *value gets its value if non-NULL. */
int jr_enum (yajl_val obj, const struct jpath *p, const char *key, unsigned flags,
             const struct oci_name_table *table, char **out, int *value, sk_error_t *err);
int jr_bool (yajl_val obj, const struct jpath *p, const char *key, bool *out, sk_error_t *err);
int jr_opt_bool (yajl_val obj, const struct jpath *p, const char *key, sk_opt_bool *out, sk_error_t *err);

int jr_int (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, int64_t min, int64_t max,
            int64_t *out, bool *set, sk_error_t *err);
int jr_uint (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, uint64_t max,
             uint64_t *out, bool *set, sk_error_t *err);
int jr_opt_i64 (yajl_val obj, const struct jpath *p, const char *key, sk_opt_i64 *out, sk_error_t *err);
int jr_opt_i32 (yajl_val obj, const struct jpath *p, const char *key, sk_opt_i32 *out, sk_error_t *err);
int jr_opt_u64 (yajl_val obj, const struct jpath *p, const char *key, sk_opt_u64 *out, sk_error_t *err);
int jr_opt_u32 (yajl_val obj, const struct jpath *p, const char *key, sk_opt_u32 *out, sk_error_t *err);
int jr_u32 (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, uint32_t *out,
            sk_error_t *err);
int jr_u64 (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, uint64_t *out,
            sk_error_t *err);
int jr_i64 (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, int64_t *out,
            sk_error_t *err);

int jr_strv (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, char ***out,
             sk_error_t *err);
/* Every element must be one of TABLE's names. */
int jr_enum_strv (yajl_val obj, const struct jpath *p, const char *key, const struct oci_name_table *table,
                  char ***out, sk_error_t *err);
int jr_kv (yajl_val obj, const struct jpath *p, const char *key, struct oci_kv **out, size_t *n,
           sk_error_t *err);

/* KEY holds an object: run PARSE on it into OUT.  Nothing happens when absent. */
int jr_sub (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, jr_parse_fn parse,
            void *out, sk_error_t *err);
/* Same, into a fresh zeroed struct of SIZE bytes stored in *OUT (NULL when absent). */
int jr_sub_alloc (yajl_val obj, const struct jpath *p, const char *key, size_t size, jr_parse_fn parse,
                  jr_clear_fn clear, void **out, sk_error_t *err);
/* KEY holds an array of objects: parse each into a fresh array of N elements of
 * SIZE bytes.  On failure everything parsed so far is cleared and freed. */
int jr_array (yajl_val obj, const struct jpath *p, const char *key, unsigned flags, size_t size,
              jr_parse_fn parse, jr_clear_fn clear, void **out, size_t *n, sk_error_t *err);
void jr_array_free (void *items, size_t n, size_t size, jr_clear_fn clear);

#endif
