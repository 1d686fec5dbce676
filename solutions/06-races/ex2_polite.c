/*
 * ex2_polite.c — reference solution of exercise 06.2: a crawler with a per-host and a
 * total limit.
 *
 * One task per URL; a semaphore per host and one for the total. Each task takes its
 * host's permit first and the total permit second: while it waits for its busy host it
 * holds nothing that a URL of another host could use. (The other order wastes total
 * slots on tasks that cannot run yet; taking permits in the caller's loop, as in lesson
 * 05, blocks every later URL behind the first one that waits.)
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

/* Fetches URL @p i; suspends while it works; returns 0 or a negative errno. */
typedef int (*fetch_fn)(void *ctx, size_t i);

/* The crawl. The test fills it in and owns it. */
struct crawl {
    size_t        n;        /* URLs to fetch, numbered 0 .. n-1 */
    const size_t *host;     /* host[i]: the host of URL i, 0 .. hosts-1 */
    size_t        hosts;    /* how many hosts */
    unsigned      per_host; /* at most this many fetches from one host at a time */
    unsigned      total;    /* at most this many fetches at a time, all hosts together */
    fetch_fn      fetch;    /* the fetcher */
    void         *ctx;      /* passed to fetch */
    int          *status;   /* status[i] receives fetch(ctx, i)'s result */
};

/* What one fetching task needs. */
struct visit {
    const struct crawl *c;         /* the crawl */
    size_t              i;         /* which URL */
    cio_sem            *host_slot; /* its host's semaphore */
    cio_sem            *any_slot;  /* the total semaphore */
};

static int visit(void *arg)
{
    struct visit *v = arg;
    int rc = cio_sem_acquire(v->host_slot); /* the scarcer permit first, holding nothing */
    if (rc == 0) {
        rc = cio_sem_acquire(v->any_slot);
        if (rc == 0) {
            rc = v->c->fetch(v->c->ctx, v->i);
            cio_sem_release(v->any_slot);
        }
        cio_sem_release(v->host_slot);
    }
    v->c->status[v->i] = rc;
    return rc;
}

int crawl_all(const struct crawl *c)
{
    if (c->per_host == 0 || c->total == 0)
        return -EINVAL;
    for (size_t i = 0; i < c->n; i++)
        if (c->host[i] >= c->hosts)
            return -EINVAL;
    if (c->n == 0)
        return 0;

    cio_sem **host_slots = calloc(c->hosts, sizeof *host_slots);
    struct visit *visits = calloc(c->n, sizeof *visits);
    cio_task **tasks = calloc(c->n, sizeof *tasks);
    cio_sem *any_slot = cio_sem_new(c->total);
    int rc = host_slots && visits && tasks && any_slot ? 0 : -ENOMEM;
    for (size_t h = 0; rc == 0 && h < c->hosts; h++)
        if (!(host_slots[h] = cio_sem_new(c->per_host)))
            rc = -ENOMEM;

    size_t spawned = 0;
    for (; rc == 0 && spawned < c->n; spawned++) {
        visits[spawned] = (struct visit){c, spawned, host_slots[c->host[spawned]], any_slot};
        if (!(tasks[spawned] = cio_spawn(visit, &visits[spawned])))
            rc = -ENOMEM;
    }
    if (rc != 0 && spawned > 0)
        spawned--; /* the last one failed to start */
    int gathered = cio_gather(tasks, spawned); /* the first error in index order */
    if (rc == 0)
        rc = gathered;

    for (size_t h = 0; host_slots && h < c->hosts; h++)
        if (host_slots[h])
            cio_sem_free(host_slots[h]);
    if (any_slot)
        cio_sem_free(any_slot);
    free(host_slots);
    free(visits);
    free(tasks);
    return rc;
}
