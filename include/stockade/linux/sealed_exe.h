#ifndef STOCKADE_LINUX_SEALED_EXE_H
#define STOCKADE_LINUX_SEALED_EXE_H

#include "stockade/error.h"

/* CVE-2019-5736: a container process can reach the runtime's binary through
 * /proc/PID/exe (for instance by making the program `exec` runs a script
 * whose interpreter is /proc/self/exe) and, once the runtime has exited,
 * reopen it for writing.  The verbs that enter a container therefore run
 * from a sealed in-memory copy: /proc/PID/exe then names that copy, which
 * cannot be written, and never the host's file.
 *
 * Returns 0 when the running binary already is a sealed copy.  Otherwise
 * copies what exec needs of it (stockade/elf_exec.h) into a sealed memfd and
 * re-executes that with ARGV and ENVP; that does not return on success. */
int sk_sealed_exe_ensure (char **argv, char **envp, sk_error_t *err);

#endif
