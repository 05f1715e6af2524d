/* Minimal TAP unit-test harness shared by every unit test executable.
 *
 *   static void test_something (void) { SK_CHECK (x == 1); SK_CHECK_STR (a, "b"); }
 *   int main (void) { SK_RUN (test_something); return sk_test_done (); }
 *
 * Each SK_RUN is one TAP test point ("ok N - name" / "not ok N - name");
 * failed checks print "# file:line: ..." diagnostics.  The plan line comes last
 * so tests need no count up front.  Registered in meson with protocol : 'tap'. */
#ifndef SK_TEST_H
#define SK_TEST_H

#include <stdio.h>
#include <string.h>

static int sk_test_n;
static int sk_test_failed_total;
static int sk_test_cur_failed;

#define SK_CHECK(cond)                                                          \
  do                                                                            \
    {                                                                           \
      if (!(cond))                                                              \
        {                                                                       \
          printf ("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
          sk_test_cur_failed = 1;                                               \
        }                                                                       \
    }                                                                           \
  while (0)

#define SK_CHECK_STR(got, want)                                                 \
  do                                                                            \
    {                                                                           \
      const char *g_ = (got), *w_ = (want);                                     \
      if (g_ == NULL || w_ == NULL ? g_ != w_ : strcmp (g_, w_) != 0)           \
        {                                                                       \
          printf ("# %s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
                  #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");               \
          sk_test_cur_failed = 1;                                               \
        }                                                                       \
    }                                                                           \
  while (0)

/* got contains want as a substring */
#define SK_CHECK_CONTAINS(got, want)                                            \
  do                                                                            \
    {                                                                           \
      const char *g_ = (got), *w_ = (want);                                     \
      if (g_ == NULL || strstr (g_, w_) == NULL)                                \
        {                                                                       \
          printf ("# %s:%d: %s: \"%s\" does not contain \"%s\"\n", __FILE__,    \
                  __LINE__, #got, g_ ? g_ : "(null)", w_);                      \
          sk_test_cur_failed = 1;                                               \
        }                                                                       \
    }                                                                           \
  while (0)

#define SK_RUN(fn)                                                              \
  do                                                                            \
    {                                                                           \
      sk_test_cur_failed = 0;                                                   \
      fn ();                                                                    \
      sk_test_n++;                                                              \
      printf ("%s %d - %s\n", sk_test_cur_failed ? "not ok" : "ok", sk_test_n,  \
              #fn);                                                             \
      sk_test_failed_total += sk_test_cur_failed;                               \
      fflush (stdout);                                                          \
    }                                                                           \
  while (0)

static inline int
sk_test_done (void)
{
  printf ("1..%d\n", sk_test_n);
  return sk_test_failed_total ? 1 : 0;
}

#endif
