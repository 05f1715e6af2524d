/* A cache of compiled seccomp programs under --root, so a profile's filter
 * is compiled by libseccomp once, not for every container.
 *
 * ROOT/.cache@seccomp/ (0700, owned by the runtime's euid; '@' cannot occur
 * in a container id and `list` skips dot entries) holds one file per filter,
 * named by a 64-bit hash of its key.  The key is the whole input of the
 * compilation in text: the OCI seccomp object, the runtime binary's GNU build id
 * (a rebuilt runtime may translate differently) and libseccomp's version and
 * API level.  A file is used only when it is a regular file of the runtime's
 * euid, not writable by group or others, holds exactly that key and a
 * program whose checksum matches; anything else is a miss and is compiled
 * and replaced.  Files are written to a temporary name and renamed into
 * place; no fsync: a file torn by a crash fails the checks and is rebuilt.
 * Cache trouble never fails a container: it compiles as without a cache.
 * The cache is written only for a container that was created. */
#ifndef STOCKADE_RUNTIME_SECCOMP_CACHE_H
#define STOCKADE_RUNTIME_SECCOMP_CACHE_H

#include "stockade/error.h"
#include "stockade/linux/seccomp.h"
#include "stockade/log.h"
#include "stockade/oci_config.h"

#define SK_SECCOMP_CACHE_DIR ".cache@seccomp"

/* sk_seccomp_build (s), looked up in the cache under ROOT first (NULL: no
 * cache).  The lookup writes nothing.  On a miss *pending_key gets the key
 * (malloc'd; NULL on a hit or without a cache): hand it to
 * sk_seccomp_cache_store once the filter is known to be wanted, so a refused
 * container or `check` leaves nothing under ROOT. */
int sk_seccomp_cache_build (const char *root, const struct oci_seccomp *s, const struct sk_log *log,
                            struct sk_seccomp **out, char **pending_key, sk_error_t *err);

/* Store F under KEY in ROOT's cache, creating the directory; best effort. */
void sk_seccomp_cache_store (const char *root, const char *key, const struct sk_seccomp *f);

/* The cache key of S (exposed for the unit test); NULL on ENOMEM or when the
 * executable has no GNU build id (then nothing is cached). */
char *sk_seccomp_cache_key (const struct oci_seccomp *s);

#endif
