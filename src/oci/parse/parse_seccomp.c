/* `linux.seccomp`.  Syscall names are not checked here: whether a name exists
 * depends on the architecture, which is the seccomp module's business. */
#include "parse_internal.h"

#include <stdlib.h>
#include <string.h>

#include "stockade/cleanup.h"

/* Seccomp compares at most six syscall arguments. */
#define SECCOMP_MAX_ARG_INDEX 5

static int
parse_arg (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_seccomp_arg *a = out;
  uint64_t index = 0;

  if (jr_uint (obj, p, "index", JR_REQUIRED, SECCOMP_MAX_ARG_INDEX, &index, NULL, err) < 0
      || jr_u64 (obj, p, "value", JR_REQUIRED, &a->value, err) < 0
      || jr_u64 (obj, p, "valueTwo", JR_OPTIONAL, &a->value_two, err) < 0
      || jr_enum (obj, p, "op", JR_REQUIRED, &oci_tbl_seccomp_op, &a->op, NULL, err) < 0)
    return -1;
  a->index = (uint32_t) index;
  return 0;
}

static void
arg_clear (void *out)
{
  free (((struct oci_seccomp_arg *) out)->op);
}

static int
parse_syscall (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_seccomp_syscall *s = out;

  if (jr_strv (obj, p, "names", JR_REQUIRED | JR_NONEMPTY, &s->names, err) < 0
      || jr_enum (obj, p, "action", JR_REQUIRED, &oci_tbl_seccomp_action, &s->action, NULL, err) < 0
      || jr_opt_u32 (obj, p, "errnoRet", &s->errno_ret, err) < 0
      || jr_array (obj, p, "args", JR_OPTIONAL, sizeof (struct oci_seccomp_arg), parse_arg, arg_clear,
                   (void **) &s->args, &s->n_args, err) < 0)
    return -1;
  return 0;
}

static void
syscall_clear (void *out)
{
  struct oci_seccomp_syscall *s = out;

  sk_strv_free (s->names);
  free (s->action);
  jr_array_free (s->args, s->n_args, sizeof (struct oci_seccomp_arg), arg_clear);
}

static bool
uses_notify (const struct oci_seccomp *s)
{
  static const char notify[] = "SCMP_ACT_NOTIFY";

  if (strcmp (s->default_action, notify) == 0)
    return true;
  for (size_t i = 0; i < s->n_syscalls; i++)
    if (strcmp (s->syscalls[i].action, notify) == 0)
      return true;
  return false;
}

int
oci_parse_seccomp (yajl_val obj, const struct jpath *p, void *out, sk_error_t *err)
{
  struct oci_seccomp *s = out;

  if (jr_enum (obj, p, "defaultAction", JR_REQUIRED, &oci_tbl_seccomp_action, &s->default_action, NULL,
               err) < 0
      || jr_opt_u32 (obj, p, "defaultErrnoRet", &s->default_errno_ret, err) < 0
      || jr_enum_strv (obj, p, "architectures", &oci_tbl_seccomp_arch, &s->architectures, err) < 0
      || jr_enum_strv (obj, p, "flags", &oci_tbl_seccomp_flag, &s->flags, err) < 0
      || jr_string (obj, p, "listenerPath", JR_OPTIONAL, &s->listener_path, err) < 0
      || jr_string (obj, p, "listenerMetadata", JR_OPTIONAL, &s->listener_metadata, err) < 0
      || jr_array (obj, p, "syscalls", JR_OPTIONAL, sizeof (struct oci_seccomp_syscall), parse_syscall,
                   syscall_clear, (void **) &s->syscalls, &s->n_syscalls, err) < 0)
    return -1;
  /* The spec: listenerPath MUST be set when SCMP_ACT_NOTIFY is used. */
  if (s->listener_path == NULL && uses_notify (s))
    return jr_fail (err, JP_KEY (p, "listenerPath"), "required when SCMP_ACT_NOTIFY is used");
  return 0;
}

void
oci_seccomp_clear (void *out)
{
  struct oci_seccomp *s = out;

  free (s->default_action);
  sk_strv_free (s->architectures);
  sk_strv_free (s->flags);
  free (s->listener_path);
  free (s->listener_metadata);
  jr_array_free (s->syscalls, s->n_syscalls, sizeof (struct oci_seccomp_syscall), syscall_clear);
}
