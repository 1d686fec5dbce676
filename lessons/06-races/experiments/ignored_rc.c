/* ignored_rc.c — lesson 06: releasing a lock whose acquire failed.
 *   cc -std=gnu11 -Iruntime/include lessons/06-races/experiments/ignored_rc.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/ignored_rc && /tmp/ignored_rc */
#include <cio.h>
#include <stdio.h>

static cio_lock *a, *b;

static int lock_both(cio_lock *first, cio_lock *second)
{
    cio_lock_acquire(first);
    cio_sleep(0.1);
    cio_lock_acquire(second);             /* -ECANCELED after the deadlock report... */
    cio_lock_release(second);             /* ...and this releases a lock it does not hold */
    cio_lock_release(first);
    return 0;
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
    return cio_run(main_task, NULL, &cfg) == 0 ? 0 : 1;
}
