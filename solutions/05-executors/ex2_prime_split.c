/*
 * ex2_prime_split.c — reference solution for 05.2: CPU-heavy work split over the
 * executor pool. The range is cut into `parts` chunks whose sizes differ by at most
 * one; each chunk is counted by its own task on its own job, the tasks are gathered,
 * and the partial counts are summed.
 */
#include <cio.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* ---- Provided by the test (see the stub for the contract) ---- */
long count_primes(long lo, long hi);

struct chunk {
    long lo, hi;  /* the half-open range [lo, hi) this chunk covers */
    long count;   /* primes found in it, written by the job */
};

/* On an executor thread: pure computation, no cio_* calls. */
static int chunk_job(void *p)
{
    struct chunk *c = p;
    c->count = count_primes(c->lo, c->hi);
    return 0;
}

/* On the loop: one task per chunk, so that all the chunks wait at the same time. */
static int chunk_task(void *p)
{
    /* The chunk lives in memory that is freed when the count is done. If we were
     * cancelled, the job would go on writing into it: shield the wait so that no job
     * outlives the chunks (this is Trio's default for to_thread.run_sync). */
    cio_scope shield;
    cio_scope_open(&shield, INFINITY, 1);
    int rc = cio_to_thread(chunk_job, p);
    cio_scope_close(&shield);
    return rc;
}

int count_primes_parallel(long lo, long hi, int parts, long *count)
{
    if (parts < 1 || hi < lo) return -EINVAL;
    struct chunk *cs = calloc((size_t)parts, sizeof *cs);
    cio_task **ts = calloc((size_t)parts, sizeof *ts);
    if (!cs || !ts) {
        free(cs);
        free(ts);
        return -ENOMEM;
    }

    long n = hi - lo;
    int started = 0, rc = 0;
    for (int i = 0; i < parts; i++) {
        cs[i].lo = lo + n * i / parts;          /* sizes differ by at most one */
        cs[i].hi = lo + n * (i + 1) / parts;
        if (!(ts[i] = cio_spawn(chunk_task, &cs[i]))) {
            rc = -ENOMEM;
            break;
        }
        started++;
    }
    int gather_rc = cio_gather(ts, (size_t)started); /* waits for (and frees) every task */
    if (rc == 0) rc = gather_rc;

    long total = 0;
    for (int i = 0; i < started; i++) total += cs[i].count;
    if (rc == 0) *count = total;
    free(cs);
    free(ts);
    return rc;
}
