/* Private to src/oci/emit: a thin writer over yajl_gen with a sticky status.
 *
 * Every document this module prints is a fixed shape, so checking each of the
 * dozens of yajl_gen_* calls one by one would bury the shape under error
 * handling.  Instead the first failure is remembered, later calls become
 * no-ops, and jw_finish() reports it once.  The only failures yajl can report
 * here are out-of-memory and a broken call sequence (a bug in this module). */
#ifndef STOCKADE_OCI_EMIT_JSON_WRITER_H
#define STOCKADE_OCI_EMIT_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>

#include "stockade/error.h"
#include "stockade/oci_config.h"

struct jw
{
  yajl_gen g;
  yajl_gen_status status; /* first yajl failure, yajl_gen_status_ok until then */
  bool oom;               /* a helper of ours failed to allocate */
};

/* pretty: 2-space indent and "key": value, the layout of Go's
 * json.MarshalIndent (v, "", "  ") that runc uses.  yajl renders an empty
 * array or object as "[\n\n]" in that mode, so pretty documents must not
 * contain empty containers (every caller omits them, as runc does). */
int jw_init (struct jw *w, bool pretty, sk_error_t *err);
void jw_release (struct jw *w);
#define cleanup_jw __attribute__ ((cleanup (jw_release)))

void jw_map_open (struct jw *w);
void jw_map_close (struct jw *w);
void jw_array_open (struct jw *w);
void jw_array_close (struct jw *w);

/* NULL prints "" (Go prints a zero-valued string that way). */
void jw_string (struct jw *w, const char *s);
void jw_int (struct jw *w, long long v);
void jw_u64 (struct jw *w, uint64_t v);
void jw_bool (struct jw *w, bool v);
void jw_null (struct jw *w);

/* "key": value pairs inside an open map. */
void jw_kv_string (struct jw *w, const char *key, const char *value);
void jw_kv_int (struct jw *w, const char *key, long long value);
void jw_kv_u64 (struct jw *w, const char *key, uint64_t value);
void jw_kv_bool (struct jw *w, const char *key, bool value);
/* "key": [ "a", "b", ... ] from a NULL-terminated table. */
void jw_kv_strv (struct jw *w, const char *key, const char *const *v);
/* An object from key/value pairs; sorted = true orders keys by byte value,
 * as Go's encoding/json does for a map[string]string. */
void jw_kv_map (struct jw *w, const char *key, const struct oci_kv *kv, size_t n, bool sorted);

/* Hand the document over as a malloc'd NUL-terminated string.  final_newline
 * chooses whether it ends in '\n' whatever the mode (runc's MarshalIndent
 * output has none, its json.Encoder output has one).  what names the document
 * in the error message. */
int jw_finish (struct jw *w, bool final_newline, const char *what, char **out, size_t *len,
               sk_error_t *err);

#endif
