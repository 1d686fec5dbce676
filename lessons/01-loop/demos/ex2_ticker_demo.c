/*
 * ex2_ticker_demo.c — `cio-grade run 01.2`: start a ticker whose every tick blocks the
 * loop for 0.3 s, and print when each tick came. With a drift-free ticker they come on
 * the second; with `call_later(period)` after the work they slide 0.3 s per tick.
 * Virtual clock: instant and exact (CIO_VIRTUAL_CLOCK=0 shows it in real time).
 */
#include <cio.h>

#include <stdio.h>

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

static double t0; /* when the ticker started */

static void on_tick(struct ticker *t, int n)
{
    double now = cio_now() - t0;
    printf("tick %d at %.2f s (due %.2f s, %s)\n", n, now, n * t->period,
           now - n * t->period < 1e-9 ? "on time" : "late");
    cio_block_for(0.3); /* each tick does 0.3 s of work */
}

static int demo(void *arg)
{
    (void)arg;
    struct ticker t = {.period = 1.0, .count = 5, .on_tick = on_tick};
    t0 = cio_now();
    int rc = ticker_start(&t);
    printf("ticker_start() returned %d\n", rc);
    cio_sleep(8.0);
    printf("after 8 s: %d tick(s) came; the ticker should have stopped itself after 5\n",
           t.ticks);
    return 0;
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1, .slow_step = -1};
    return cio_run(demo, NULL, &cfg) == 0 ? 0 : 1;
}
