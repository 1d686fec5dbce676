/* deadlock.c — lesson 06: two tasks, two locks, two orders.
 *   cc -std=gnu11 -Iruntime/include lessons/06-races/experiments/deadlock.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/deadlock && /tmp/deadlock */
#include <cio.h>
#include <stdio.h>

static cio_lock *a, *b;

static int lock_both(cio_lock *first, cio_lock *second)
{
    int rc = cio_lock_acquire(first);
    if (rc != 0)
        return rc;
    cio_sleep(0.1);                       /* any suspension point will do */
    rc = cio_lock_acquire(second);        /* waits for the other task, which waits for us */
    if (rc == 0)
        cio_lock_release(second);
    cio_lock_release(first);
    return rc;
}

static int one_way(void *arg)   { (void)arg; return lock_both(a, b); }
static int other_way(void *arg) { (void)arg; return lock_both(b, a); }

static int main_task(void *arg)
{
    (void)arg;
    a = cio_lock_new();
    b = cio_lock_new();
    cio_task *t[2] = {cio_spawn(one_way, NULL), cio_spawn(other_way, NULL)};
    return cio_gather(t, 2);
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1};
    int rc = cio_run(main_task, NULL, &cfg);
    printf("cio_run returned %d\n", rc);
    return 0;
}
