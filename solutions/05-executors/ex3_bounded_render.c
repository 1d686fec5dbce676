/*
 * ex3_bounded_render.c — reference solution for 05.3: at most `limit` renders in flight.
 * Every page gets a task, and every task first takes a permit from a semaphore of
 * `limit` permits: the first `limit` start at once, and each one that finishes hands
 * its permit to the next page in line (the semaphore is FIFO), so no slot sits idle.
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>

/* ---- Provided by the test (see the stub for the contract) ---- */
struct page;
int render_page(struct page *p);

struct render_arg {
    struct page *page;  /* the page this task renders */
    cio_sem     *slots; /* permits: one per render allowed in flight */
};

static int render_task(void *p)
{
    struct render_arg *a = p;
    int rc = cio_sem_acquire(a->slots);
    if (rc < 0) return rc;              /* cancelled while waiting: no permit taken */
    rc = render_page(a->page);
    cio_sem_release(a->slots);          /* on every path, or the slot is lost for good */
    return rc;
}

int render_all(struct page **pages, size_t n, unsigned limit)
{
    if (limit == 0) return -EINVAL;
    cio_sem *slots = cio_sem_new(limit);
    struct render_arg *args = calloc(n ? n : 1, sizeof *args);
    cio_task **ts = calloc(n ? n : 1, sizeof *ts);
    int rc = 0;
    size_t started = 0;
    if (!slots || !args || !ts) {
        rc = -ENOMEM;
        goto out;
    }
    for (; started < n; started++) {
        args[started] = (struct render_arg){pages[started], slots};
        if (!(ts[started] = cio_spawn(render_task, &args[started]))) {
            rc = -ENOMEM;
            break;
        }
    }
    /* The first error in page order; if we are cancelled, every task is cancelled and
     * waited for before cio_gather() returns, so the semaphore is free to be freed. */
    int gather_rc = cio_gather(ts, started);
    if (rc == 0) rc = gather_rc;
out:
    if (slots) cio_sem_free(slots);
    free(args);
    free(ts);
    return rc;
}
