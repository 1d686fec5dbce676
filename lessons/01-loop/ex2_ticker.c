/*
 * ex2_ticker.c — exercise 01.2: a ticker that never drifts and stops itself.
 *
 * Write ticker_start() and ticker_stop(). ticker_start() remembers start = cio_now() and
 * makes the loop call t->on_tick(t, n) for n = 1, 2, ..., t->count at exactly
 *
 *     start + n * t->period
 *
 * then stops by itself (with t->count == 0 there is no tick at all). Exactly means
 * exactly: on_tick may take a while (it may block the loop), and the loop may be late for
 * a tick because something else blocked it; neither may push the next tick later.
 * ticker_stop() stops it for good: no tick runs after it, even when on_tick itself calls
 * it, and calling it twice or after the last tick is fine.
 *
 * Return 0; -EINVAL if t->period <= 0 or t->count < 0; -ENOMEM if the loop could not
 * schedule a callback (its handle's id is 0). Keep your state in the "yours" fields:
 * two tickers may run at the same time.
 *
 * Check it:  build/cio-grade check 01.2      A hint:  build/cio-grade hint 01.2
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

/* The loop calls this for every tick; it fires one tick and arranges the next. */
static void tick(void *arg)
{
    struct ticker *t = arg;
    /* TODO: count the tick, schedule the next one (unless this was the last), call on_tick. */
    (void)t;
}

int ticker_start(struct ticker *t)
{
    /* TODO: check the arguments, note the start time, schedule the first tick. */
    (void)t;
    (void)tick;
    return -ENOSYS;
}

void ticker_stop(struct ticker *t)
{
    /* TODO: mark the ticker stopped and cancel the pending tick. */
    (void)t;
}
