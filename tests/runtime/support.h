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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* How a forked child ended, for tests of what must stop the program. */
struct child_outcome {
    int  signalled;               /* nonzero if the child died of a signal */
    int  signal;                  /* which signal */
    int  exit_code;               /* exit status if it exited */
    char err[16384];              /* what it wrote to stderr (truncated, NUL-terminated) */
};

/* Runs @p body in a child with stderr captured; the child exits 0 if body returns. */
static inline void run_in_child(void (*body)(void), struct child_outcome *out) {
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* the test framework's handlers must not catch the child's signals */
        int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS};
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        alarm(30); /* a case that hangs instead of stopping dies of SIGALRM */
        body();
        _exit(0);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    char sink[4096];
    while ((n = read(fds[0], len < sizeof out->err - 1 ? out->err + len : sink,
                     len < sizeof out->err - 1 ? sizeof out->err - 1 - len : sizeof sink)) > 0)
        if (len < sizeof out->err - 1) len += (size_t)n;
    out->err[len] = '\0';
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    out->signalled = WIFSIGNALED(status);
    out->signal = out->signalled ? WTERMSIG(status) : 0;
    out->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif /* CIO_TEST_SUPPORT_H */
