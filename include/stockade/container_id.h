#ifndef STOCKADE_CONTAINER_ID_H
#define STOCKADE_CONTAINER_ID_H

#include "stockade/error.h"

#define SK_ID_MAX 1024

/* A container ID names a directory under --root, so it must not be able to
 * walk out of it: 1..1024 chars of [A-Za-z0-9_+.-], not "." or "..". */
int sk_container_id_validate (const char *id, sk_error_t *err);

#endif
