/*
 * ex2_limit.c — exercise 06.2: fetch many things concurrently, but never more than
 * `limit` at once (a server allows only so many connections per client).
 *
 * This version fetches one item at a time: correct, and far too slow. Run
 * `build/cio-grade check 06.2`.
 *
 * TODO: run the fetches concurrently, with at most `limit` in flight at any moment, and
 * start the next one as soon as any running fetch finishes (not when a whole batch has).
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>

/* Fetches item @p i; suspends while it works; returns 0 or a negative errno. */
typedef int (*fetch_fn)(void *ctx, size_t i);

/*
 * Fetch items 0 .. n-1 with fetch(ctx, i), at most @p limit at a time. Every item is
 * fetched, even when some fail; status[i] receives fetch(ctx, i)'s result.
 * @return 0 if every fetch succeeded, else the first error in index order (like
 *         cio_gather); -EINVAL if limit is 0; -ENOMEM if memory ran out.
 */
int fetch_all_limited(fetch_fn fetch, void *ctx, size_t n, unsigned limit, int *status)
{
    if (limit == 0)
        return -EINVAL;

    /* TODO: one task per fetch, and a semaphore with `limit` permits that each fetch
       holds while it runs. Remember: every task you spawn must be awaited or gathered,
       and every object you create must be freed. */
    int first_error = 0;
    for (size_t i = 0; i < n; i++) {
        status[i] = fetch(ctx, i);
        if (status[i] != 0 && first_error == 0)
            first_error = status[i];
    }
    return first_error;
}
