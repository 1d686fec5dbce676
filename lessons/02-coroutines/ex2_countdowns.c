/*
 * ex2_countdowns.c — exercise 02.2: several countdowns at once.
 *
 * Write run_countdowns(). Each countdown c in cs[0..n-1] says c->from at once, then
 * c->from - 1 one c->interval later, and so on down to 0, calling c->say(c, number):
 *
 *     "A" from 3 every 1.0 s:   3 at 0.0   2 at 1.0   1 at 2.0   0 at 3.0
 *     "B" from 2 every 1.5 s:   2 at 0.0   1 at 1.5   0 at 3.0
 *
 * All countdowns run at the same time, each in a task of its own (name it c->name with
 * cio_spawn_named, so that reports say which countdown is which): together they take as
 * long as the longest one, here 3.0 s, not 6.0 s one after the other. n may be anything
 * from 0 to hundreds. Return when every countdown has finished (every task awaited): 0,
 * or -ENOMEM.
 *
 * Check it:  build/cio-grade check 02.2      A hint:  build/cio-grade hint 02.2
 * See it:    build/cio-grade run 02.2
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

/* One countdown, as a task body. Today it is also called one after the other. */
static int count_down(void *arg)
{
    struct countdown *c = arg;
    for (int k = c->from; k >= 0; k--) {
        if (k < c->from) cio_sleep(c->interval);
        c->say(c, k);
    }
    return 0;
}

int run_countdowns(struct countdown *cs, size_t n)
{
    /* TODO: this runs the countdowns one after the other, from the caller's task. Spawn
     * one task per countdown instead, then wait for all of them. */
    for (size_t i = 0; i < n; i++) count_down(&cs[i]);
    return 0;
}
