/*
 * ex3_pipeline.c — reference solution of exercise 06.3: producers and consumers joined
 * by a bounded queue, shut down by closing the queue.
 *
 * The queue's bound gives back-pressure (a producer waits while it is full). Closing it
 * once every producer has finished is the shutdown signal: consumers drain what is
 * left and stop at -EPIPE ("closed and empty"), so nothing is lost or taken twice.
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

/* The work to do. The test fills it in; produce and consume never fail here. */
struct pipeline {
    size_t producers; /* how many producer tasks to run (numbered 0 .. producers-1) */
    size_t consumers; /* how many consumer tasks to run (numbered 0 .. consumers-1) */
    size_t capacity;  /* the queue's bound: at most this many items wait in it (>= 1) */
    int  (*produce)(void *ctx, size_t producer, void **item); /* suspends; 1: item, 0: done */
    int  (*consume)(void *ctx, size_t consumer, void *item);  /* suspends; 0 */
    void  *ctx;       /* passed to produce and consume */
};

/* What one producer or consumer task needs. */
struct worker {
    const struct pipeline *p;     /* the work */
    cio_queue             *queue; /* shared by every worker */
    size_t                 index; /* which producer or consumer this is */
};

static int produce_all(void *arg)
{
    struct worker *w = arg;
    void *item;
    int more;
    while ((more = w->p->produce(w->p->ctx, w->index, &item)) == 1) {
        int rc = cio_queue_put(w->queue, item); /* waits while the queue is full */
        if (rc != 0)
            return rc;
    }
    return more;
}

static int consume_all(void *arg)
{
    struct worker *w = arg;
    void *item;
    int rc;
    while ((rc = cio_queue_get(w->queue, &item)) == 0)
        w->p->consume(w->p->ctx, w->index, item);
    /* -EPIPE: closed and empty, the normal end. Anything else is a real error. */
    return rc == -EPIPE ? 0 : rc;
}

int pipeline_run(const struct pipeline *p)
{
    if (p->producers == 0 || p->consumers == 0 || p->capacity == 0)
        return -EINVAL;
    size_t nworkers = p->producers + p->consumers;
    cio_queue *queue = cio_queue_new(p->capacity);
    struct worker *workers = calloc(nworkers, sizeof *workers);
    cio_task **tasks = calloc(nworkers, sizeof *tasks);
    if (!queue || !workers || !tasks) {
        if (queue)
            cio_queue_free(queue);
        free(workers);
        free(tasks);
        return -ENOMEM;
    }
    /* Producers first in both arrays, so that they can be gathered on their own. */
    int rc = 0;
    size_t spawned = 0;
    for (; spawned < nworkers; spawned++) {
        int producer = spawned < p->producers;
        workers[spawned] = (struct worker){p, queue, producer ? spawned : spawned - p->producers};
        tasks[spawned] = cio_spawn(producer ? produce_all : consume_all, &workers[spawned]);
        if (!tasks[spawned]) {
            rc = -ENOMEM;
            break;
        }
    }
    size_t producers = spawned < p->producers ? spawned : p->producers;
    int produced = cio_gather(tasks, producers);
    /* Every producer is done: nothing more will come. Consumers drain what is queued,
       then cio_queue_get returns -EPIPE and they stop. */
    cio_queue_close(queue);
    int consumed = cio_gather(tasks + producers, spawned - producers);
    cio_queue_free(queue);
    free(workers);
    free(tasks);
    if (rc == 0)
        rc = produced ? produced : consumed;
    return rc;
}
