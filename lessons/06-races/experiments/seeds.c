/* seeds.c — lesson 06: a race that the default (FIFO) order never walks into.
 *   cc -std=gnu11 -Iruntime/include lessons/06-races/experiments/seeds.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/seeds && /tmp/seeds */
#include <cio.h>
#include <stdio.h>

static int connections;                   /* how many times we connected */
static int connected;                     /* the "connection", made once and shared */

static int get_connection(void)
{
    if (!connected) {                     /* check... */
        cio_yield();                      /* ...connecting takes a round trip... */
        connections++;                    /* ...act: a second task may have checked too */
        connected = 1;
    }
    return 0;
}

static int early(void *arg) { (void)arg; return get_connection(); }
static int late(void *arg)  { (void)arg; cio_yield(); return get_connection(); }

static int main_task(void *arg)
{
    (void)arg;
    cio_task *t[2] = {cio_spawn(early, NULL), cio_spawn(late, NULL)};
    return cio_gather(t, 2);
}

int main(void)
{
    for (uint64_t seed = 0; seed < 8; seed++) {
        connections = connected = 0;
        cio_config cfg = {.virtual_clock = 1, .seed = seed};
        cio_run(main_task, NULL, &cfg);
        printf("seed %llu: connected %d time%s\n", (unsigned long long)seed, connections,
               connections == 1 ? "" : "s  <- the race");
    }
    return 0;
}
