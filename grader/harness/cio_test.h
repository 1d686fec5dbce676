/*
 * cio_test.h — what every exercise's test file includes.
 *
 * A test file is a list of cmocka test cases plus one CIO_TEST_MAIN() line; the
 * grader's harness (harness.c) supplies main(), runs one case per process and reports
 * the verdict through a channel the learner's code cannot forge. Hidden cases sit
 * between `#ifdef CIO_HIDDEN_TESTS` and `#endif` so that the student release can drop
 * them. Tests run the learner's code with cio_test_run(): virtual clock on, the
 * schedule seed taken from CIO_SEED, reports captured for assertions.
 *
 *     static void total_is_the_slowest(void **state) {
 *         (void)state;
 *         struct fetch f = {...};
 *         assert_int_equal(cio_test_run(fetch_all_main, &f), 0);
 *         cio_expect(cio_test_elapsed() == 3.0, "fetching took %.1f s, expected 3.0 s "
 *                    "(the slowest fetch): did the fetches overlap?", cio_test_elapsed());
 *     }
 *     static const struct CMUnitTest tests[] = {
 *         cmocka_unit_test(total_is_the_slowest),
 *     #ifdef CIO_HIDDEN_TESTS
 *         cmocka_unit_test(some_hidden_case),
 *     #endif
 *     };
 *     CIO_TEST_MAIN(tests)
 */
#ifndef CIO_TEST_H
#define CIO_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cio.h"

/** Declare the test file's cases to the harness. Use once, after the array. */
#define CIO_TEST_MAIN(array)                                                   \
    const struct CMUnitTest *const cio_test_cases = (array);                   \
    const size_t cio_test_ncases = sizeof(array) / sizeof((array)[0]);

extern const struct CMUnitTest *const cio_test_cases; /* defined by CIO_TEST_MAIN */
extern const size_t cio_test_ncases;                   /* defined by CIO_TEST_MAIN */

/**
 * Run @p main under cio_run() the way every exercise test does: virtual clock on,
 * seed from the CIO_SEED environment variable (0 when unset), reports captured
 * (see cio_test_report()), trace written when CIO_TRACE is set.
 * @return cio_run()'s result.
 */
int cio_test_run(cio_fn main, void *arg);
/** cio_test_run() with a config of the test's own; virtual clock and report capture are forced on. */
int cio_test_run_with(cio_fn main, void *arg, const cio_config *cfg);
/** Everything the runtime reported during the last cio_test_run() (never NULL). */
const char *cio_test_report(void);
/** The counters of the last cio_test_run(). */
const cio_stats *cio_test_stats(void);
/** Loop time that passed during the last cio_test_run(), in (virtual) seconds. */
double cio_test_elapsed(void);
/** The seed the current run uses (from CIO_SEED; 0 when unset). */
uint64_t cio_test_seed(void);

/** Fail the test with a message in the learner's terms unless @p cond holds. */
#define cio_expect(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond)) fail_msg(__VA_ARGS__);                                    \
    } while (0)

/** Two loop times are equal to within a nanosecond (virtual times are exact sums). */
#define cio_time_eq(a, b) (((a) - (b)) < 1e-9 && ((b) - (a)) < 1e-9)

#endif /* CIO_TEST_H */
