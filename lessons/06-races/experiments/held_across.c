/* held_across.c — lesson 06: a lock held across a slow suspension makes everyone take turns.
 *   cc -std=gnu11 -Iruntime/include lessons/06-races/experiments/held_across.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/held_across && /tmp/held_across */
#include <cio.h>
#include <stdio.h>

static cio_lock *l;
static long balance = 1000;

static int pay_locked(void *arg)          /* lock around the slow check */
{
    (void)arg;
    cio_lock_acquire(l);
    cio_sleep(1.0);                       /* the fraud service */
    balance -= 10;
    cio_lock_release(l);
    return 0;
}

static int pay_then_commit(void *arg)     /* slow check first, then check-and-act at once */
{
    (void)arg;
    cio_sleep(1.0);
    if (balance >= 10)
        balance -= 10;
    return 0;
}

static double run_ten(cio_fn fn)
{
    double t0 = cio_now();
    cio_task *t[10];
    for (int i = 0; i < 10; i++)
        t[i] = cio_spawn(fn, NULL);
    cio_gather(t, 10);
    return cio_now() - t0;
}

static int main_task(void *arg)
{
    (void)arg;
    l = cio_lock_new();
    printf("lock held across the wait:    %.1f s\n", run_ten(pay_locked));
    printf("wait first, then check + act: %.1f s, balance %ld\n", run_ten(pay_then_commit),
           balance);
    cio_lock_free(l);
    return 0;
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1};
    return cio_run(main_task, NULL, &cfg);
}
