/*
 * ex2_countdowns_demo.c — `cio-grade run 02.2`: three countdowns, printed as they speak,
 * with the loop time of each number and the total. One after the other they take 7.5 s;
 * at the same time, 3.0 s.
 * Virtual clock: instant and exact (CIO_VIRTUAL_CLOCK=0 shows it in real time).
 */
#include <cio.h>

#include <stdio.h>

struct countdown {
    const char *name;     /* shown in reports (set by the caller) */
    int         from;     /* the first number said; then from-1, ..., 0 (set by the caller) */
    double      interval; /* seconds between two numbers (set by the caller) */
    void      (*say)(struct countdown *c, int n); /* the caller's: call it for each number */
    void       *user;     /* the caller's; leave it alone */
};

int run_countdowns(struct countdown *cs, size_t n);

static double t0; /* when they started */

static void say(struct countdown *c, int n)
{
    cio_task *me = cio_current();
    printf("%5.2f s  %-6s %d%s   (task '%s')\n", cio_now() - t0, c->name, n,
           n ? "" : "  liftoff", me ? cio_task_name(me) : "?");
}

static int demo(void *arg)
{
    (void)arg;
    struct countdown cs[] = {
        {"apollo", 3, 1.0, say, NULL},
        {"gemini", 2, 1.5, say, NULL},
        {"vostok", 6, 0.25, say, NULL},
    };
    t0 = cio_now();
    int rc = run_countdowns(cs, 3);
    printf("run_countdowns() returned %d after %.2f s\n", rc, cio_now() - t0);
    return 0;
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1};
    return cio_run(demo, NULL, &cfg) == 0 ? 0 : 1;
}
