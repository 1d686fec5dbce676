/*
 * ex3_graceful_shutdown.c — exercise 04.3: stop the workers, keep the log.
 *
 * run_service() runs `nworkers` workers: worker i calls worker_loop(sv, i), which
 * serves requests forever and buffers a log record for each. The service stops in one
 * of two ways:
 *  - shutdown: someone cancels the task running run_service() (asyncio.run() does this
 *    to the main task on Ctrl-C). Every worker must stop; then the buffered log is
 *    flushed with flush_log(), which takes time and must really complete.
 *    Return -ECANCELED.
 *  - a worker fails (worker_loop() returns an error such as -EIO): the other workers
 *    must stop too; flush the log; return that worker's error.
 * The flush starts only after every worker has returned (else records would be lost),
 * and it gets at most 2.0 s: if it is not done by then, give up on it and return
 * -ETIMEDOUT, so that a stuck disk cannot hang the shutdown.
 *
 * Check with  build/cio-grade check 04.3   (hints: build/cio-grade hint 04.3)
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>

/* ---- Provided by the test: a simulated service -----------------------------------------
 * worker_loop  serves requests forever; returns only with an error, or -ECANCELED when
 *              cancelled.
 * flush_log    writes the buffered records to disk; takes the test's flush time;
 *              0, or -ECANCELED if it was interrupted (then nothing was written).
 */
struct service;
int worker_loop(struct service *sv, int id);
int flush_log(struct service *sv);

struct worker_arg {
    struct service *sv; /* the service the worker serves */
    int             id; /* its number, 0..nworkers-1 */
};

/* A task body for one worker: cio_fn takes one pointer, so it gets a worker_arg. */
static int worker_main(void *p)
{
    struct worker_arg *a = p;
    return worker_loop(a->sv, a->id);
}

int run_service(struct service *sv, int nworkers)
{
    (void)sv;
    (void)nworkers;
    (void)worker_main;
    /* TODO:
     *  1. start the workers as children of a task group (cio_group_new, cio_group_spawn),
     *     each with its own worker_arg that lives until they have all returned;
     *  2. wait for the group: it returns when every child has returned — when a child
     *     failed, or when this task was cancelled;
     *  3. flush in a scope that cancellation from outside cannot reach, but that has a
     *     2.0 s deadline of its own (cio_scope_open_after with shield = 1).
     */
    return -ENOSYS;
}
