#ifndef STOCKADE_ELF_EXEC_H
#define STOCKADE_ELF_EXEC_H

#include <stddef.h>
#include <stdint.h>

/* The part of an ELF executable that exec reads: the kernel and ld.so only
 * look at the ELF header, the program headers and the segments they name.
 * Section headers, symbol tables and debug info lie beyond, and need not be
 * copied when the runtime runs from a sealed copy of itself (sealed_exe.h).
 *
 * HEAD holds the file's first HEAD_LEN bytes, FILE_SIZE is its size.  On
 * success returns 0, sets *PREFIX to the byte count exec needs (never more
 * than FILE_SIZE) and, when the section header table lies past that, clears
 * e_shoff, e_shnum and e_shstrndx in HEAD's ELF header so that a copy of
 * that many bytes (with HEAD's header) is a consistent ELF file.  Returns -1
 * when HEAD is not a native 64-bit ELF file whose program headers all lie in
 * HEAD and whose segments all lie in the file: then copy the whole file. */
int sk_elf_exec_prefix (unsigned char *head, size_t head_len, uint64_t file_size, uint64_t *prefix);

#endif
