/*
 * ex3_pipeline.c — exercise 06.3: producers and consumers joined by a bounded queue,
 * with a clean shutdown that loses nothing and duplicates nothing.
 *
 * Producers make items (slowly), consumers handle them (slowly); a cio_queue of
 * `capacity` items sits between them, so a fast producer waits instead of piling up
 * memory. When every producer is done, the queue is closed; consumers take what is left
 * and stop when the queue says it is closed and empty. Run `build/cio-grade check 06.3`.
 *
 * TODO: write pipeline_run() (and the two task bodies it needs).
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>

/* The work to do. The test fills it in; produce and consume never fail here. */
struct pipeline {
    size_t producers; /* how many producer tasks to run (numbered 0 .. producers-1) */
    size_t consumers; /* how many consumer tasks to run (numbered 0 .. consumers-1) */
    size_t capacity;  /* the queue's bound: at most this many items wait in it (>= 1) */
    /* Producer @p producer makes its next item: suspends, then returns 1 with *item set,
       or 0 when that producer has nothing more to make. */
    int  (*produce)(void *ctx, size_t producer, void **item);
    /* Consumer @p consumer handles @p item: suspends, returns 0. */
    int  (*consume)(void *ctx, size_t consumer, void *item);
    void  *ctx;       /* passed to produce and consume */
};

/*
 * Run the pipeline to the end: every item produced is consumed exactly once.
 * @return 0 when every item has been consumed and every task has finished;
 *         -EINVAL if there are no producers, no consumers or capacity is 0;
 *         -ENOMEM if memory ran out.
 */
int pipeline_run(const struct pipeline *p)
{
    if (p->producers == 0 || p->consumers == 0 || p->capacity == 0)
        return -EINVAL;

    /* TODO, step by step:
         1. one cio_queue of p->capacity items;
         2. a producer task for each producer: produce until it returns 0, putting each
            item into the queue (cio_queue_put waits while the queue is full);
         3. a consumer task for each consumer: take items (cio_queue_get) and consume
            them, until cio_queue_get says the queue is closed and empty;
         4. wait for every producer, then close the queue, then wait for every consumer;
         5. free what you created.
       Why not let a consumer stop when the queue is empty? Try it, and read the test. */
    return -ENOSYS;
}
