/*
 * ex3_bounded_render.c — reference solution for 05.3: at most `limit` renders in flight.
 * The loop takes a permit from a semaphore of `limit` permits *before* it starts a page's
 * task, and the task gives it back when its render is done. So pages start in page order
 * whatever order the scheduler runs ready tasks in, a freed slot is refilled at once,
 * and never more than `limit` tasks exist at a time.
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>

/* ---- Provided by the test (see the stub for the contract) ---- */
struct page;
int render_page(struct page *p);

struct render_arg {
    struct page *page;  /* the page this task renders */
    cio_sem     *slots; /* the permit it holds is given back here */
};

static int render_task(void *p)
{
    struct render_arg *a = p;
    int rc = render_page(a->page);
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
        if ((rc = cio_sem_acquire(slots)) < 0) break;  /* wait for a free slot (or a cancel) */
        args[started] = (struct render_arg){pages[started], slots};
        if (!(ts[started] = cio_spawn(render_task, &args[started]))) {
            cio_sem_release(slots);
            rc = -ENOMEM;
            break;
        }
    }
    /* Cancelled while waiting for a slot: stop the pages in flight too. */
    if (rc == -ECANCELED)
        for (size_t i = 0; i < started; i++) cio_cancel(ts[i]);
    /* Wait for every page started: the first error in page order. If we are cancelled
     * while waiting here, cio_gather() cancels and waits for all of them. */
    int gather_rc = cio_gather(ts, started);
    if (rc == 0) rc = gather_rc;
out:
    if (slots) cio_sem_free(slots);
    free(args);
    free(ts);
    return rc;
}
