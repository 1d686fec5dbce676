/*
 * ex2_polite.c — exercise 06.2: a polite crawler with two limits at once.
 *
 * crawl_all() fetches n URLs spread over several hosts. To be polite it never has more
 * than `per_host` fetches running against any one host, and to spare its own machine
 * never more than `total` fetches in all. This version fetches one URL at a time:
 * polite, and far too slow. Run `build/cio-grade check 06.2`.
 *
 * TODO: fetch concurrently within both limits, so that a free slot is used as soon as
 * some URL can take it — a URL waiting for its busy host must not keep a URL of
 * another host from running.
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

/*
 * Fetch every URL (even when some fail) within both limits.
 * @return 0 if every fetch succeeded, else the first error in index order (like
 *         cio_gather); -EINVAL if per_host or total is 0 or a host index is out of
 *         range (nothing fetched); -ENOMEM if memory ran out.
 */
int crawl_all(const struct crawl *c)
{
    if (c->per_host == 0 || c->total == 0)
        return -EINVAL;
    for (size_t i = 0; i < c->n; i++)
        if (c->host[i] >= c->hosts)
            return -EINVAL;

    /* TODO: lesson 05 limited jobs in flight with one semaphore. Here there are two
       kinds of limit: one semaphore for the total, and one per host. In which order
       should a fetch take its permits, so that it never holds one it cannot use yet? */
    int first_error = 0;
    for (size_t i = 0; i < c->n; i++) {
        c->status[i] = c->fetch(c->ctx, i);
        if (c->status[i] != 0 && first_error == 0)
            first_error = c->status[i];
    }
    return first_error;
}
