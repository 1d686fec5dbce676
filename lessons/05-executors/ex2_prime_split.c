/*
 * ex2_prime_split.c — exercise 05.2: split a CPU-heavy computation over the pool.
 *
 * count_primes_parallel() counts the primes in [lo, hi). count_primes() does the work
 * for one range; it is pure computation and slow (it charges 10 µs of loop time per
 * number). Run on the loop, it freezes every other task; run as one job, it uses one
 * core of many. Split [lo, hi) into `parts` chunks whose sizes differ by at most one,
 * count every chunk at the same time on the executor (cio_to_thread), and add up the
 * counts into *count. Return 0; -EINVAL if parts < 1 or hi < lo; -ENOMEM.
 * The answer must be right for any number of parts and any number of executor threads.
 *
 * The code below counts everything in one go, on the loop thread.
 * Check with  build/cio-grade check 05.2   (hints: build/cio-grade hint 05.2)
 */
#include <cio.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* ---- Provided by the test -------------------------------------------------------------
 * count_primes  the number of primes p with lo <= p < hi; thread-safe; slow (it calls
 *               cio_block_for((hi - lo) * 10e-6)). Call it only from executor jobs.
 */
long count_primes(long lo, long hi);

struct chunk {
    long lo, hi;  /* the half-open range [lo, hi) this chunk covers */
    long count;   /* primes found in it */
};

int count_primes_parallel(long lo, long hi, int parts, long *count)
{
    /* TODO: check the arguments; cut [lo, hi) into `parts` struct chunks; count each one in an executor job
     * (a function `int job(void *chunk)` run with cio_to_thread); give each job a task
     * of its own (cio_spawn) so that they all wait at once; gather the tasks; add up. */
    (void)parts;
    *count = count_primes(lo, hi);
    return 0;
}
