/*
 * ex2_limit.c — reference solution of exercise 06.2: concurrent fetches, at most
 * `limit` in flight.
 *
 * One task per item; each holds a permit of a semaphore while it fetches. The
 * semaphore hands a freed permit straight to the longest waiter, so a new fetch starts
 * the moment any running one ends (no batches), in index order.
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

/* Fetches item @p i; suspends while it works; returns 0 or a negative errno. */
typedef int (*fetch_fn)(void *ctx, size_t i);

/* What one fetching task needs. */
struct slot {
    fetch_fn fetch;  /* the caller's function */
    void    *ctx;    /* its context */
    size_t   index;  /* which item this task fetches */
    cio_sem *permits;/* shared: at most `limit` fetches hold one */
    int     *status; /* where the result goes: the caller's status[index] */
};

static int fetch_one(void *arg)
{
    struct slot *s = arg;
    int rc = cio_sem_acquire(s->permits);
    if (rc != 0) {
        *s->status = rc; /* cancelled while waiting for a permit: holds none */
        return rc;
    }
    *s->status = s->fetch(s->ctx, s->index);
    cio_sem_release(s->permits); /* on every path, or the permit is lost for good */
    return *s->status;
}

int fetch_all_limited(fetch_fn fetch, void *ctx, size_t n, unsigned limit, int *status)
{
    if (limit == 0)
        return -EINVAL;
    if (n == 0)
        return 0;
    cio_sem *permits = cio_sem_new(limit);
    struct slot *slots = calloc(n, sizeof *slots);
    cio_task **tasks = calloc(n, sizeof *tasks);
    if (!permits || !slots || !tasks) {
        if (permits)
            cio_sem_free(permits);
        free(slots);
        free(tasks);
        return -ENOMEM;
    }
    size_t spawned = 0;
    int rc = 0;
    for (; spawned < n; spawned++) {
        slots[spawned] = (struct slot){fetch, ctx, spawned, permits, &status[spawned]};
        tasks[spawned] = cio_spawn(fetch_one, &slots[spawned]);
        if (!tasks[spawned]) {
            rc = -ENOMEM;
            break;
        }
    }
    /* cio_gather returns the first error in array order: exactly what is asked. */
    int gathered = cio_gather(tasks, spawned);
    if (rc == 0)
        rc = gathered;
    cio_sem_free(permits);
    free(slots);
    free(tasks);
    return rc;
}
