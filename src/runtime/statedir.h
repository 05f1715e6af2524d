/* One directory per container under --root, locked with flock() so commands
 * on the same container are serialized.  Files inside are replaced atomically
 * (write to a temporary name, then rename). */
#ifndef STOCKADE_RUNTIME_STATEDIR_H
#define STOCKADE_RUNTIME_STATEDIR_H

#include <stdbool.h>
#include <stddef.h>

#include "stockade/error.h"

#define SK_STATE_FILE "state.json"
#define SK_CONFIG_FILE "config.json"
#define SK_EXEC_FIFO "exec.fifo"
/* The cgroup a create is about to make, recorded before it exists. */
#define SK_CGROUP_FILE "cgroup"

struct sk_statedir
{
  int dirfd;
  char *path;
};

/* New container: fails if the id exists, without touching it. Locked. */
int sk_statedir_create (const char *root, const char *id, struct sk_statedir *sd, sk_error_t *err);
/* Existing container; lock = true waits for the exclusive lock. */
int sk_statedir_open (const char *root, const char *id, bool lock, struct sk_statedir *sd, sk_error_t *err);
/* true when another command (a create in progress) holds the lock. */
bool sk_statedir_is_locked (const struct sk_statedir *sd);
int sk_statedir_write (const struct sk_statedir *sd, const char *name, const char *data, size_t len,
                       sk_error_t *err);
int sk_statedir_read (const struct sk_statedir *sd, const char *name, char **data, size_t *len, sk_error_t *err);
bool sk_statedir_has (const struct sk_statedir *sd, const char *name);
/* Remove every file and the directory itself (the lock is kept until close). */
int sk_statedir_remove (struct sk_statedir *sd, sk_error_t *err);
void sk_statedir_close (struct sk_statedir *sd);

#define cleanup_statedir __attribute__ ((cleanup (sk_statedir_close)))

/* Write a whole file atomically at an arbitrary path (pid files). */
int sk_write_file_atomic (const char *path, const char *data, size_t len, sk_error_t *err);

#endif
