/* Test-only crash points for the crash-consistency tests (tests/integration/
 * faults.bats): with STOCKADE_TEST_CRASH_AT=NAME in the environment, the
 * process SIGKILLs itself when it reaches the point called NAME, exactly as
 * if it had been killed from outside at that moment.  Unset, it does
 * nothing.  Not a feature: never set it outside the tests. */
#ifndef STOCKADE_RUNTIME_CRASH_POINT_H
#define STOCKADE_RUNTIME_CRASH_POINT_H

void sk_test_crash_point (const char *name);

#endif
