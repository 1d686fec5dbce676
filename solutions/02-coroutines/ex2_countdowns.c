/*
 * ex2_countdowns.c — exercise 02.2 (reference solution): several countdowns at once,
 * one task each, so that the whole takes as long as the longest countdown.
 *
 * Each task sleeps until an absolute time (cio_sleep_until) so that nothing drifts;
 * cio_gather() waits for them all and frees them.
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>

struct countdown {
    const char *name;     /* shown in reports (set by the caller) */
    int         from;     /* the first number said; then from-1, ..., 0 (set by the caller) */
    double      interval; /* seconds between two numbers (set by the caller) */
    void      (*say)(struct countdown *c, int n); /* the caller's: call it for each number */
    void       *user;     /* the caller's; leave it alone */
};

int run_countdowns(struct countdown *cs, size_t n);

static int count_down(void *arg)
{
    struct countdown *c = arg;
    double start = cio_now();
    for (int k = c->from; k >= 0; k--) {
        if (k < c->from) {
            int rc = cio_sleep_until(start + (c->from - k) * c->interval);
            if (rc < 0) return rc;
        }
        c->say(c, k);
    }
    return 0;
}

int run_countdowns(struct countdown *cs, size_t n)
{
    if (n == 0) return 0;
    cio_task **ts = calloc(n, sizeof *ts);
    if (!ts) return -ENOMEM;
    int rc = 0;
    size_t started = 0;
    for (; started < n; started++) {
        ts[started] = cio_spawn_named(count_down, &cs[started], cs[started].name);
        if (!ts[started]) {
            rc = -ENOMEM;
            break;
        }
    }
    if (rc) /* cannot run them all: stop the ones that started, but still await them */
        for (size_t i = 0; i < started; i++) cio_cancel(ts[i]);
    int grc = cio_gather(ts, started);
    free(ts);
    return rc ? rc : grc;
}
