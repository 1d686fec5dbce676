/*
 * ex3_chunks.c — exercise 01.3: long work without stalling the loop.
 *
 * Write crunch(). It must make the loop call j->do_chunk(j, i) for i = 0, 1, ...,
 * j->chunks - 1, in that order, and then j->on_done(j) once. crunch() itself returns at
 * once (0, or -ENOMEM if the loop could not schedule a callback).
 *
 * Each chunk blocks the loop while it runs (it stands for real computation). Meanwhile a
 * heartbeat timer wants to run every 0.25 s. The version below does the obvious thing,
 * every chunk in one go, and the heartbeat is late by the whole computation. Split the
 * work so that the loop runs one chunk per callback: no heartbeat may then be late by more
 * than one chunk, and no time may be wasted between chunks.
 *
 * Check it:  build/cio-grade check 01.3      A hint:  build/cio-grade hint 01.3
 * See it:    build/cio-grade run 01.3
 */
#include <cio.h>

#include <errno.h>

struct job {
    int    chunks;                          /* how many chunks of work (set by the caller) */
    void (*do_chunk)(struct job *j, int i); /* the caller's: does chunk i; it blocks the loop */
    void (*on_done)(struct job *j);         /* the caller's: call it once, after the last chunk */
    void  *user;                            /* the caller's; leave it alone */
    int    next;                            /* yours: the next chunk to do */
};

int crunch(struct job *j);

/* The loop calls this; today it does everything in one go. */
static void step(void *arg)
{
    struct job *j = arg;
    /* TODO: do only one chunk here, then ask the loop to call step() again. */
    for (j->next = 0; j->next < j->chunks; j->next++)
        j->do_chunk(j, j->next);
    j->on_done(j);
}

int crunch(struct job *j)
{
    /* TODO: this runs all the work before returning, while the heartbeat waits. Let the
     * loop call step() instead. */
    j->next = 0;
    step(j);
    return 0;
}
