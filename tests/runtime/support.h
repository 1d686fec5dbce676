/*
 * support.h — what the runtime's test files share: cmocka, cio.h, exact time
 * comparison, running a task under the virtual clock, and the live-task count.
 * Header-only (static functions) so every test file stays one self-contained binary.
 */
#ifndef CIO_TEST_SUPPORT_H
#define CIO_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "cio.h"

/* Two loop times are equal to within a nanosecond: virtual times are exact sums. */
#define assert_time_equal(got, want)                                                   \
    do {                                                                               \
        double got_ = (got), want_ = (want);                                           \
        if (fabs(got_ - want_) > 1e-9)                                                 \
            fail_msg("%s = %.9f, expected %.9f", #got, got_, want_);                   \
    } while (0)

/* cio_run with only the virtual clock turned on. */
static inline int run_virtual(cio_fn fn, void *arg) {
    cio_config cfg = {.virtual_clock = 1};
    return cio_run(fn, arg, &cfg);
}

/* Tasks allocated and not yet freed, in the running or last run. */
static inline uint64_t live_tasks(void) {
    cio_stats st;
    cio_stats_get(&st);
    return st.tasks_live;
}

/* The tests fix their own configuration: nothing from the caller's environment
 * (CIO_SEED, CIO_TRACE... override cio_config, see cio.h). */
static inline void ignore_cio_environment(void) {
    unsetenv("CIO_SEED");
    unsetenv("CIO_TRACE");
    unsetenv("CIO_VIRTUAL_CLOCK");
    unsetenv("CIO_SLOW_STEP");
    unsetenv("CIO_THREADS");
}

#endif /* CIO_TEST_SUPPORT_H */
