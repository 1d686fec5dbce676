/* ex1_counter.c — reference solution of fixture exercise 02.1. */
#include <cio.h>
#include <stdlib.h>

int count_up(int workers, int rounds);

struct shared { int value; int rounds; cio_lock *lock; };

static int worker(void *arg)
{
    struct shared *s = arg;
    for (int i = 0; i < s->rounds; i++) {
        if (cio_lock_acquire(s->lock) != 0) return -1;
        int v = s->value;
        cio_yield();
        s->value = v + 1;
        cio_lock_release(s->lock);
    }
    return 0;
}

int count_up(int workers, int rounds)
{
    struct shared s = {0, rounds, cio_lock_new()};
    cio_task **ts = calloc((size_t)workers, sizeof *ts);
    for (int i = 0; i < workers; i++) ts[i] = cio_spawn(worker, &s);
    cio_gather(ts, (size_t)workers);
    free(ts);
    cio_lock_free(s.lock);
    return s.value;
}
