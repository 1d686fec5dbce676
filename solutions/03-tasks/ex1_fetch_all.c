/*
 * ex1_fetch_all.c — exercise 03.1 (reference solution): fetch every resource at once,
 * so that the whole takes as long as the slowest fetch.
 *
 * One task per resource, each with its own small argument struct (results go through
 * arg); cio_gather() awaits and frees them all and returns the first error in id order.
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>

typedef int (*fetch_fn)(int id, int *value);

int fetch_all(fetch_fn fetch, size_t n, int *values);

struct fetch_arg {
    fetch_fn fetch; /* the caller's fetch function */
    int      id;    /* which resource */
    int     *value; /* where its value goes: &values[id] */
};

static int fetch_one(void *p)
{
    struct fetch_arg *a = p;
    return a->fetch(a->id, a->value);
}

int fetch_all(fetch_fn fetch, size_t n, int *values)
{
    if (n == 0) return 0;
    struct fetch_arg *args = calloc(n, sizeof *args);
    cio_task **ts = calloc(n, sizeof *ts);
    int rc = 0;
    size_t started = 0;
    if (!args || !ts) {
        rc = -ENOMEM;
        goto out;
    }
    for (; started < n; started++) {
        args[started] = (struct fetch_arg){fetch, (int)started, &values[started]};
        ts[started] = cio_spawn(fetch_one, &args[started]);
        if (!ts[started]) {
            rc = -ENOMEM;
            break;
        }
    }
    if (rc) /* could not start them all: stop those that did, but still account for them */
        for (size_t i = 0; i < started; i++) cio_cancel(ts[i]);
    int grc = cio_gather(ts, started); /* args must outlive the tasks: freed only after this */
    if (!rc) rc = grc;
out:
    free(ts);
    free(args);
    return rc;
}
