/* seeds_fixed.c — lesson 06: the same, with the check and the act under one lock.
 *   cc -std=gnu11 -Iruntime/include lessons/06-races/experiments/seeds_fixed.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/seeds_fixed && /tmp/seeds_fixed */
#include <cio.h>
#include <stdio.h>

static int connections, connected;
static cio_lock *connecting;              /* held from the check to the act */

static int get_connection(void)
{
    int rc = cio_lock_acquire(connecting);
    if (rc != 0)
        return rc;                        /* cancelled while waiting: holds nothing */
    if (!connected) {
        cio_yield();                      /* others may run, but not past the lock */
        connections++;
        connected = 1;
    }
    cio_lock_release(connecting);
    return 0;
}

static int early(void *arg) { (void)arg; return get_connection(); }
static int late(void *arg)  { (void)arg; cio_yield(); return get_connection(); }

static int main_task(void *arg)
{
    (void)arg;
    connecting = cio_lock_new();
    cio_task *t[2] = {cio_spawn(early, NULL), cio_spawn(late, NULL)};
    int rc = cio_gather(t, 2);
    cio_lock_free(connecting);
    return rc;
}

int main(void)
{
    int worst = 0;
    for (uint64_t seed = 0; seed < 1000; seed++) {
        connections = connected = 0;
        cio_config cfg = {.virtual_clock = 1, .seed = seed};
        cio_run(main_task, NULL, &cfg);
        if (connections > worst)
            worst = connections;
    }
    printf("1000 seeds: at most %d connection(s)\n", worst);
    return 0;
}
