/* Unit tests for the small pure modules in src/common. */
#include "sk_test.h"
#include "stockade/cleanup.h"
#include "stockade/container_id.h"
#include "stockade/elf_exec.h"
#include "stockade/idmap.h"
#include "stockade/overlay_opts.h"
#include "stockade/log.h"
#include "stockade/mount_opts.h"
#include "stockade/signals.h"
#include "stockade/sysctl_check.h"

#include <elf.h>
#include <signal.h>
#include <sys/mount.h>

static void
test_container_ids (void)
{
  cleanup_error sk_error_t err = NULL;
  char long_id[SK_ID_MAX + 2];

  SK_CHECK (sk_container_id_validate ("abc-1.2_x+y", &err) == 0);
  SK_CHECK (sk_container_id_validate ("../x", &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "../x");
  SK_CHECK (sk_container_id_validate ("a/b", &err) < 0);
  SK_CHECK (sk_container_id_validate (".", &err) < 0);
  SK_CHECK (sk_container_id_validate ("..", &err) < 0);
  SK_CHECK (sk_container_id_validate ("", &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "empty");
  SK_CHECK (sk_container_id_validate ("a b", &err) < 0);
  memset (long_id, 'a', SK_ID_MAX);
  long_id[SK_ID_MAX] = '\0';
  SK_CHECK (sk_container_id_validate (long_id, &err) == 0);
  long_id[SK_ID_MAX] = 'a';
  long_id[SK_ID_MAX + 1] = '\0';
  SK_CHECK (sk_container_id_validate (long_id, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "longer than 1024");
}

static void
test_signals (void)
{
  cleanup_error sk_error_t err = NULL;
  int sig = 0;

  SK_CHECK (sk_signal_parse ("KILL", &sig, &err) == 0 && sig == SIGKILL);
  SK_CHECK (sk_signal_parse ("SIGTERM", &sig, &err) == 0 && sig == SIGTERM);
  SK_CHECK (sk_signal_parse ("sigusr1", &sig, &err) == 0 && sig == SIGUSR1);
  SK_CHECK (sk_signal_parse ("9", &sig, &err) == 0 && sig == 9);
  SK_CHECK (sk_signal_parse ("RTMIN+2", &sig, &err) == 0 && sig == SIGRTMIN + 2);
  SK_CHECK (sk_signal_parse ("RTMAX", &sig, &err) == 0 && sig == SIGRTMAX);
  SK_CHECK (sk_signal_parse ("SIGFOO", &sig, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "SIGFOO");
  SK_CHECK (sk_signal_parse ("0", &sig, &err) < 0);
  SK_CHECK (sk_signal_parse ("99", &sig, &err) < 0);
  SK_CHECK (sk_signal_parse ("9x", &sig, &err) < 0);
  SK_CHECK (sk_signal_parse ("", &sig, &err) < 0);
}

static void
test_mount_opts_flags (void)
{
  cleanup_error sk_error_t err = NULL;
  char *opts[] = { "nosuid", "nodev", "noexec", "ro", "strictatime", "mode=755", "size=65536k", NULL };
  struct sk_mount_opts o;

  SK_CHECK (sk_mount_opts_parse (opts, "mounts[0]", &o, &err) == 0);
  SK_CHECK ((o.attr_set & MOUNT_ATTR_NOSUID) && (o.attr_set & MOUNT_ATTR_NODEV) && (o.attr_set & MOUNT_ATTR_NOEXEC));
  SK_CHECK (o.attr_set & MOUNT_ATTR_RDONLY);
  SK_CHECK ((o.attr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_STRICTATIME);
  SK_CHECK (o.attr_clr & MOUNT_ATTR__ATIME);
  SK_CHECK (!o.bind);
  SK_CHECK_STR (o.fs_options[0], "mode=755");
  SK_CHECK_STR (o.fs_options[1], "size=65536k");
  SK_CHECK (o.fs_options[2] == NULL);
  sk_mount_opts_clear (&o);
}

static void
test_mount_opts_bind_and_propagation (void)
{
  cleanup_error sk_error_t err = NULL;
  char *opts[] = { "rbind", "ro", "rw", "rslave", "nosymfollow", "sync", NULL };
  char *bad[] = { "ro,nosuid", NULL };
  struct sk_mount_opts o;

  SK_CHECK (sk_mount_opts_parse (opts, "mounts[2]", &o, &err) == 0);
  SK_CHECK (o.bind && o.recursive);
  /* the later rw wins over the earlier ro */
  SK_CHECK (!(o.attr_set & MOUNT_ATTR_RDONLY) && (o.attr_clr & MOUNT_ATTR_RDONLY));
  SK_CHECK (o.propagation == MS_SLAVE && o.propagation_recursive);
  SK_CHECK (o.attr_set & MOUNT_ATTR_NOSYMFOLLOW);
  /* superblock flags go to fsconfig */
  SK_CHECK_STR (o.fs_options[0], "sync");
  sk_mount_opts_clear (&o);
  SK_CHECK (sk_mount_opts_parse (bad, "mounts[4]", &o, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "mounts[4].options[0]");
  sk_mount_opts_clear (&o);
}

static void
test_sysctl_rules (void)
{
  cleanup_error sk_error_t err = NULL;

  SK_CHECK (sk_sysctl_check ("net.ipv4.ip_forward", false, false, true, &err) == 0);
  SK_CHECK (sk_sysctl_check ("net.ipv4.ip_forward", true, true, false, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "network namespace");
  SK_CHECK (sk_sysctl_check ("kernel.shmmax", true, false, false, &err) == 0);
  SK_CHECK (sk_sysctl_check ("fs.mqueue.msg_max", true, false, false, &err) == 0);
  SK_CHECK (sk_sysctl_check ("kernel.hostname", false, true, false, &err) == 0);
  SK_CHECK (sk_sysctl_check ("vm.swappiness", true, true, true, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.sysctl.vm.swappiness");
  SK_CHECK (sk_sysctl_check ("kernel.shmmaxx", true, true, true, &err) < 0);
  SK_CHECK (sk_sysctl_check ("net/../../x", true, true, true, &err) < 0);
}

static void
test_log_lines (void)
{
  cleanup_free char *json = sk_log_format_line (true, SK_LOG_ERROR, "bad \"x\"\n", "2026-01-01T00:00:00Z");
  cleanup_free char *text = sk_log_format_line (false, SK_LOG_WARNING, "careful", "T");

  SK_CHECK_STR (json, "{\"level\":\"error\",\"msg\":\"bad \\\"x\\\"\\n\",\"time\":\"2026-01-01T00:00:00Z\"}\n");
  SK_CHECK_STR (text, "T warning: careful\n");
}

static void
test_idmap_rules (void)
{
  cleanup_error sk_error_t err = NULL;
  struct oci_id_mapping ok[] = { { 0, 100000, 65536 }, { 65536, 300000, 10 } };
  struct oci_id_mapping zero[] = { { 0, 100000, 0 } };
  struct oci_id_mapping overlap_c[] = { { 0, 100000, 10 }, { 5, 200000, 10 } };
  struct oci_id_mapping overlap_h[] = { { 0, 100000, 10 }, { 100, 100005, 10 } };
  struct oci_id_mapping past_end[] = { { 0, 4294967000u, 1000 } };
  struct oci_mount m = { .destination = "/v", .source = "/s" };
  struct oci_linux l = { .uid_mappings = ok, .n_uid_mappings = 1, .gid_mappings = ok, .n_gid_mappings = 1 };
  struct sk_mount_idmap d;

  SK_CHECK (sk_idmap_check (ok, 2, "linux.uidMappings", &err) == 0);
  SK_CHECK (sk_idmap_check (zero, 1, "mounts[3].uidMappings", &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "mounts[3].uidMappings[0].size");
  SK_CHECK (sk_idmap_check (overlap_c, 2, "linux.uidMappings", &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.uidMappings[1]: containerID range overlaps");
  SK_CHECK (sk_idmap_check (overlap_h, 2, "linux.gidMappings", &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "linux.gidMappings[1]: hostID range overlaps");
  SK_CHECK (sk_idmap_check (past_end, 1, "linux.uidMappings", &err) < 0);

  /* Nothing asked: not idmapped. */
  SK_CHECK (sk_mount_idmap_decide (&m, 0, true, false, false, false, &d, &err) == 0 && !d.wanted);
  /* idmap borrows the container's mapping; needs a user namespace. */
  SK_CHECK (sk_mount_idmap_decide (&m, 2, true, true, false, false, &d, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "mounts[2].options: idmap without");
  SK_CHECK (sk_mount_idmap_decide (&m, 2, true, false, true, true, &d, &err) == 0);
  SK_CHECK (d.wanted && d.recursive && d.container_maps);
  SK_CHECK (sk_mount_idmap_decide (&m, 2, false, true, false, true, &d, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "only supported for bind mounts");
  /* Own mappings: both arrays, valid, idmap alone even with rbind. */
  m.uid_mappings = ok;
  m.n_uid_mappings = 1;
  SK_CHECK (sk_mount_idmap_decide (&m, 3, true, false, false, false, &d, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "mounts[3].gidMappings: required with uidMappings");
  m.gid_mappings = zero;
  m.n_gid_mappings = 1;
  SK_CHECK (sk_mount_idmap_decide (&m, 3, true, false, false, false, &d, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "mounts[3].gidMappings[0].size");
  m.gid_mappings = ok;
  SK_CHECK (sk_mount_idmap_decide (&m, 3, true, false, false, false, &d, &err) == 0);
  SK_CHECK (d.wanted && !d.recursive && !d.container_maps);

  /* The rootfs rule: idmap unless the rootfs belongs to the mapped root. */
  SK_CHECK (sk_idmap_host_root (ok, 2) == 100000);
  SK_CHECK (sk_idmap_host_root (ok + 1, 1) == -1);
  SK_CHECK (sk_rootfs_wants_idmap (&l, true, 0));
  SK_CHECK (!sk_rootfs_wants_idmap (&l, true, 100000));
  SK_CHECK (!sk_rootfs_wants_idmap (&l, false, 0));
  SK_CHECK (sk_idmap_equal (ok, 1, ok, 1) && !sk_idmap_equal (ok, 2, ok, 1) && !sk_idmap_equal (ok, 1, zero, 1));
}

static void
overlay_refused (const char *super, const char *why)
{
  cleanup_error sk_error_t err = NULL;
  struct sk_overlay_layers l;

  SK_CHECK (sk_overlay_layers_parse ("rw", super, &l, &err) < 0);
  SK_CHECK_CONTAINS (sk_error_msg (&err), why);
  SK_CHECK_CONTAINS (sk_error_msg (&err), "root.path: ");
  sk_overlay_layers_clear (&l);
}

static void
test_overlay_layers (void)
{
  cleanup_error sk_error_t err = NULL;
  struct sk_overlay_layers l;
  char esc[] = "/a\\040b\\134c";

  sk_mountinfo_unescape (esc);
  SK_CHECK (strcmp (esc, "/a b\\c") == 0);

  /* containerd's form: colon-separated lowers, upper and work side by side. */
  SK_CHECK (sk_overlay_layers_parse ("rw,nosuid,relatime",
                                     "rw,lowerdir=/s/2/fs:/s/1\\:x/fs,upperdir=/s/3/fs,workdir=/s/3/work", &l, &err)
            == 0);
  SK_CHECK (l.n_lower == 2 && strcmp (l.lower[0], "/s/2/fs") == 0 && strcmp (l.lower[1], "/s/1:x/fs") == 0);
  SK_CHECK (strcmp (l.upper, "/s/3/fs") == 0 && strcmp (l.upper_parent, "/s/3") == 0);
  SK_CHECK (l.attrs == MOUNT_ATTR_NOSUID);
  sk_overlay_layers_clear (&l);

  /* One layer per lowerdir+ (new mount API), a comma escaped in a path. */
  SK_CHECK (sk_overlay_layers_parse ("ro", "ro,lowerdir+=/l\\0541,lowerdir+=/l2", &l, &err) == 0);
  SK_CHECK (l.n_lower == 2 && strcmp (l.lower[0], "/l,1") == 0 && l.upper == NULL);
  SK_CHECK (l.attrs == MOUNT_ATTR_RDONLY);
  sk_overlay_layers_clear (&l);

  overlay_refused ("rw,lowerdir=/a::/data", "data-only");
  overlay_refused ("rw,lowerdir=l/ABC:l/DEF,upperdir=/u/diff,workdir=/u/work", "`l/ABC` is a relative path");
  overlay_refused ("rw,lowerdir=/a,upperdir=/u/diff,workdir=/w/work", "not in one directory");
  overlay_refused ("rw,lowerdir=/a,upperdir=/u/diff", "only one of upperdir and workdir");
  overlay_refused ("rw,upperdir=/u/diff,workdir=/u/work", "no lowerdir");
}

/* A 64-bit ELF file's head: header, then N program headers right after it;
 * section headers at SHOFF. */
static size_t
elf_head (unsigned char *buf, size_t n, uint64_t shoff)
{
  Elf64_Ehdr eh = { .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
                    .e_type = ET_DYN, .e_ehsize = sizeof eh, .e_phoff = sizeof eh,
                    .e_phentsize = sizeof (Elf64_Phdr), .e_phnum = (uint16_t) n,
                    .e_shoff = shoff, .e_shentsize = sizeof (Elf64_Shdr), .e_shnum = 30, .e_shstrndx = 29 };

  memset (buf, 0, 4096);
  memcpy (buf, &eh, sizeof eh);
  return sizeof eh + n * sizeof (Elf64_Phdr);
}

static void
elf_phdr (unsigned char *buf, size_t i, uint32_t type, uint64_t off, uint64_t filesz)
{
  Elf64_Phdr ph = { .p_type = type, .p_offset = off, .p_filesz = filesz, .p_memsz = filesz + 100 };
  memcpy (buf + sizeof (Elf64_Ehdr) + i * sizeof ph, &ph, sizeof ph);
}

static void
test_elf_exec_prefix (void)
{
  unsigned char buf[4096];
  Elf64_Ehdr eh;
  uint64_t prefix = 0;

  /* Segments end at 0x5000; debug info and section headers follow. */
  elf_head (buf, 3, 0x90000);
  elf_phdr (buf, 0, PT_LOAD, 0, 0x1000);
  elf_phdr (buf, 1, PT_LOAD, 0x3000, 0x2000);
  elf_phdr (buf, 2, PT_GNU_STACK, 0, 0);
  SK_CHECK (sk_elf_exec_prefix (buf, sizeof buf, 0x90000 + 30 * 64, &prefix) == 0);
  SK_CHECK (prefix == 0x5000);
  memcpy (&eh, buf, sizeof eh);
  SK_CHECK (eh.e_shoff == 0 && eh.e_shnum == 0 && eh.e_shstrndx == SHN_UNDEF);
  SK_CHECK (eh.e_phnum == 3 && eh.e_phoff == sizeof eh);

  /* Section headers inside the copied part stay as they are. */
  elf_head (buf, 1, 0x100);
  elf_phdr (buf, 0, PT_LOAD, 0, 0x8000);
  SK_CHECK (sk_elf_exec_prefix (buf, sizeof buf, 0x9000, &prefix) == 0);
  memcpy (&eh, buf, sizeof eh);
  SK_CHECK (prefix == 0x8000 && eh.e_shoff == 0x100 && eh.e_shnum == 30);

  /* No segment with file contents: the program headers are the end. */
  elf_head (buf, 2, 0);
  elf_phdr (buf, 0, PT_GNU_STACK, 0, 0);
  SK_CHECK (sk_elf_exec_prefix (buf, sizeof buf, 0x9000, &prefix) == 0);
  SK_CHECK (prefix == sizeof (Elf64_Ehdr) + 2 * sizeof (Elf64_Phdr));

  /* Anything odd: copy the whole file (-1). */
  SK_CHECK (sk_elf_exec_prefix (buf, 10, 0x9000, &prefix) < 0); /* shorter than a header */
  elf_head (buf, 1, 0);
  elf_phdr (buf, 0, PT_LOAD, 0x1000, 0x9000);
  SK_CHECK (sk_elf_exec_prefix (buf, sizeof buf, 0x9000, &prefix) < 0); /* segment past EOF */
  elf_phdr (buf, 0, PT_LOAD, UINT64_MAX - 1, 0x10);
  SK_CHECK (sk_elf_exec_prefix (buf, sizeof buf, 0x9000, &prefix) < 0); /* offset + size overflows */
  elf_head (buf, 100, 0);
  SK_CHECK (sk_elf_exec_prefix (buf, 1024, 0x9000, &prefix) < 0); /* program headers not in HEAD */
  elf_head (buf, 1, 0);
  buf[EI_CLASS] = ELFCLASS32;
  SK_CHECK (sk_elf_exec_prefix (buf, sizeof buf, 0x9000, &prefix) < 0);
  elf_head (buf, 1, 0);
  buf[0] = '#';
  SK_CHECK (sk_elf_exec_prefix (buf, sizeof buf, 0x9000, &prefix) < 0); /* a script */
  elf_head (buf, 0, 0);
  SK_CHECK (sk_elf_exec_prefix (buf, sizeof buf, 0x9000, &prefix) < 0); /* no program headers */
}

int
main (void)
{
  SK_RUN (test_container_ids);
  SK_RUN (test_signals);
  SK_RUN (test_mount_opts_flags);
  SK_RUN (test_mount_opts_bind_and_propagation);
  SK_RUN (test_sysctl_rules);
  SK_RUN (test_log_lines);
  SK_RUN (test_idmap_rules);
  SK_RUN (test_overlay_layers);
  SK_RUN (test_elf_exec_prefix);
  return sk_test_done ();
}
