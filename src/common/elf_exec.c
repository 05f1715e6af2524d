/* How much of an ELF executable exec needs: see stockade/elf_exec.h. */
#include "stockade/elf_exec.h"

#include <elf.h>
#include <string.h>

/* A + B, or -1 (as uint64_t) when that overflows. */
static uint64_t
add_or_max (uint64_t a, uint64_t b)
{
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

int
sk_elf_exec_prefix (unsigned char *head, size_t head_len, uint64_t file_size, uint64_t *prefix)
{
  Elf64_Ehdr eh;
  uint64_t end, ph_end;

  if (sizeof (void *) != 8 || head_len < sizeof eh)
    return -1;
  memcpy (&eh, head, sizeof eh);
  if (memcmp (eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64
      || eh.e_ehsize != sizeof eh || eh.e_phentsize != sizeof (Elf64_Phdr) || eh.e_phnum == 0
      || eh.e_phnum == PN_XNUM)
    return -1;
  ph_end = add_or_max (eh.e_phoff, (uint64_t) eh.e_phnum * sizeof (Elf64_Phdr));
  if (ph_end > head_len || ph_end > file_size)
    return -1;
  end = ph_end;
  for (size_t i = 0; i < eh.e_phnum; i++)
    {
      Elf64_Phdr ph;
      uint64_t seg_end;

      memcpy (&ph, head + eh.e_phoff + i * sizeof ph, sizeof ph);
      if (ph.p_filesz == 0)
        continue;
      seg_end = add_or_max (ph.p_offset, ph.p_filesz);
      /* A segment past the end of the file: leave such a file alone. */
      if (seg_end > file_size)
        return -1;
      if (seg_end > end)
        end = seg_end;
    }
  /* Section headers that would lie past the copy's end would point past EOF
   * of a valid-looking file: say there are none.  (With e_shnum 0 and
   * e_shoff set, the count is in the first section header.) */
  if (eh.e_shoff != 0 && add_or_max (eh.e_shoff, (uint64_t) (eh.e_shnum ? eh.e_shnum : 1) * eh.e_shentsize) > end)
    {
      eh.e_shoff = 0;
      eh.e_shnum = 0;
      eh.e_shstrndx = SHN_UNDEF;
      memcpy (head, &eh, sizeof eh);
    }
  *prefix = end;
  return 0;
}
