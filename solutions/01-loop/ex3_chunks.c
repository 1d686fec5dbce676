/*
 * ex3_chunks.c — exercise 01.3 (reference solution): split a long computation into
 * chunks, one per loop callback, so that timers (a heartbeat) still run on time.
 *
 * Each callback does one chunk and queues the next with cio_call_soon(): between two
 * chunks the loop finishes its iteration, checks its timers and runs what is due.
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

static void step(void *arg)
{
    struct job *j = arg;
    if (j->next < j->chunks) {
        j->do_chunk(j, j->next++);
        /* Not a loop: give the loop back, and ask to be called again. */
        if (cio_call_soon(step, j).id) return;
        j->next = j->chunks; /* cannot schedule: nothing will ever run the rest */
    }
    j->on_done(j);
}

int crunch(struct job *j)
{
    j->next = 0;
    return cio_call_soon(step, j).id ? 0 : -ENOMEM;
}
