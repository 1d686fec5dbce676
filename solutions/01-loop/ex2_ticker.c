/*
 * ex2_ticker.c — exercise 01.2 (reference solution): a ticker that fires at exact
 * multiples of its period, never drifting, and stops itself after `count` ticks.
 *
 * Each tick schedules the next one at an absolute time, start + n * period, with
 * cio_call_at(): lateness of one tick (a slow on_tick, a busy loop) never moves the next.
 */
#include <cio.h>

#include <errno.h>

struct ticker {
    double     period;  /* seconds between ticks (set by the caller) */
    int        count;   /* ticks to fire before stopping by itself (set by the caller) */
    void     (*on_tick)(struct ticker *t, int n); /* the caller's: called with n = 1, 2, ... */
    void      *user;    /* the caller's; leave it alone */
    double     start;   /* yours: loop time when ticker_start() ran */
    int        ticks;   /* yours: ticks fired so far */
    int        stopped; /* yours: nonzero once stopped (by ticker_stop or after the last tick) */
    cio_handle next;    /* yours: the pending tick, so that ticker_stop() can cancel it */
};

int  ticker_start(struct ticker *t);
void ticker_stop(struct ticker *t);

static void tick(void *arg)
{
    struct ticker *t = arg;
    int n = ++t->ticks;
    t->next.id = 0; /* this tick has run; nothing is pending until we schedule one */
    if (n < t->count) {
        /* Absolute time: a late tick does not push the next one back. Scheduling it
         * before on_tick also lets on_tick stop the ticker by cancelling it. */
        t->next = cio_call_at(t->start + (n + 1) * t->period, tick, t);
    } else {
        t->stopped = 1;
    }
    t->on_tick(t, n);
}

int ticker_start(struct ticker *t)
{
    if (!(t->period > 0) || t->count < 0) return -EINVAL;
    t->start = cio_now();
    t->ticks = 0;
    t->stopped = 0;
    t->next.id = 0;
    if (t->count == 0) {
        t->stopped = 1;
        return 0;
    }
    t->next = cio_call_at(t->start + t->period, tick, t);
    return t->next.id ? 0 : -ENOMEM;
}

void ticker_stop(struct ticker *t)
{
    t->stopped = 1;
    if (t->next.id) cio_handle_cancel(t->next); /* -EALREADY is harmless */
    t->next.id = 0;
}
