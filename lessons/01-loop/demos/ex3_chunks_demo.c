/*
 * ex3_chunks_demo.c — `cio-grade run 01.3`: a heartbeat every 0.25 s while crunch()
 * does 20 chunks of 0.1 s of work. Prints each beat and how late it came: all at once,
 * the first beat is 1.75 s late; one chunk per callback, never more than two chunks.
 * Virtual clock: instant and exact (CIO_VIRTUAL_CLOCK=0 shows it in real time).
 */
#include <cio.h>

#include <stdio.h>

struct job {
    int    chunks;                          /* how many chunks of work (set by the caller) */
    void (*do_chunk)(struct job *j, int i); /* the caller's: does chunk i; it blocks the loop */
    void (*on_done)(struct job *j);         /* the caller's: call it once, after the last chunk */
    void  *user;                            /* the caller's; leave it alone */
    int    next;                            /* yours: the next chunk to do */
};

int crunch(struct job *j);

static double t0;  /* when it all started */
static int    beats; /* heartbeats so far */
static int    done;  /* set by on_done */

static void beat(void *arg)
{
    (void)arg;
    beats++;
    double due = beats * 0.25, now = cio_now() - t0;
    printf("  heartbeat %2d at %.2f s (due %.2f s, late %.2f s)\n", beats, now, due, now - due);
    if (!done) cio_call_at(t0 + (beats + 1) * 0.25, beat, NULL);
}

static void do_chunk(struct job *j, int i)
{
    (void)j;
    printf("chunk %2d at %.2f s\n", i, cio_now() - t0);
    cio_block_for(0.1); /* stands for 0.1 s of computation */
}

static void on_done(struct job *j)
{
    (void)j;
    done = 1;
    printf("done at %.2f s\n", cio_now() - t0);
}

static int demo(void *arg)
{
    (void)arg;
    struct job j = {.chunks = 20, .do_chunk = do_chunk, .on_done = on_done};
    t0 = cio_now();
    cio_call_at(t0 + 0.25, beat, NULL);
    printf("crunch() returned %d\n", crunch(&j));
    cio_sleep(3.0);
    return 0;
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1};
    return cio_run(demo, NULL, &cfg) == 0 ? 0 : 1;
}
