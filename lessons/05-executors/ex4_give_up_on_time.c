/*
 * ex4_give_up_on_time.c — exercise 05.4: give up on a job that cannot be stopped.
 *
 * lookup() resolves a host name with blocking_lookup(), a blocking call like
 * getaddrinfo(3) that nothing can interrupt. Run it on the executor, and give up after
 * `timeout` seconds: return -ETIMEDOUT then, at once, leaving the caller's `out`
 * untouched. On success copy the address (a string of at most n bytes, with its '\0')
 * into out and return 0; pass on blocking_lookup()'s error (-ENOENT); if the caller is
 * cancelled, return -ECANCELED at once.
 *
 * The catch: a thread cannot be stopped, so after you give up the job runs on, and
 * reads the name and writes the answer whenever it finishes. By then lookup() has
 * returned: its stack frame is gone, and the caller may have reused `name` and `out`.
 * Whatever the job touches must outlive lookup() — and still be freed exactly once.
 *
 * Check with  build/cio-grade check 05.4   (hints: build/cio-grade hint 05.4)
 */
#include <cio.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- Provided by the test: a slow resolver ---------------------------------------------
 * blocking_lookup  blocks its thread for the name's latency (cio_block_for), then writes
 *                  the address into out (at most n bytes, '\0'-terminated): 0, or -ENOENT.
 */
int blocking_lookup(const char *name, char *out, size_t n);

int lookup(const char *name, double timeout, char *out, size_t n)
{
    /* TODO: run blocking_lookup() in an executor job, inside a cio_scope with a deadline
     * `timeout` seconds away. Give the job memory of its own that outlives this call:
     * a copy of the name and a buffer for the answer, freed by whichever of lookup()
     * and the job is done with it last (an atomic reference count). */
    (void)timeout;
    return blocking_lookup(name, out, n);
}
