/*
 * ex1_fetch_all.c — exercise 03.1: fetch every resource at once.
 *
 * Write fetch_all(). For every id in 0..n-1 it calls fetch(id, &values[id]), a function
 * the caller gives you that suspends for a while (think: a network request) and returns
 * 0 or a negative errno. Run all the fetches concurrently, one task each, so that the
 * whole takes as long as the slowest fetch, not the sum of them all. Return when every
 * task has finished and been freed: 0, the first error in id order, or -ENOMEM.
 *
 * A task body has one void * argument: give each task a small struct of its own saying
 * which id it fetches and where the value goes, and keep those structs alive until the
 * tasks are done.
 *
 * Check it:  build/cio-grade check 03.1      A hint:  build/cio-grade hint 03.1
 * See it:    build/cio-grade run 03.1
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>

typedef int (*fetch_fn)(int id, int *value);

int fetch_all(fetch_fn fetch, size_t n, int *values);

/* What one fetching task needs to know. */
struct fetch_arg {
    fetch_fn fetch; /* the caller's fetch function */
    int      id;    /* which resource */
    int     *value; /* where its value goes: &values[id] */
};

/* A task body: fetch one resource. */
static int fetch_one(void *p)
{
    struct fetch_arg *a = p;
    return a->fetch(a->id, a->value);
}

int fetch_all(fetch_fn fetch, size_t n, int *values)
{
    /* TODO: this fetches one after the other: n slow requests in a row. Spawn a task
     * running fetch_one() per id instead, then wait for all of them together. */
    int rc = 0;
    for (size_t id = 0; id < n; id++) {
        int r = fetch((int)id, &values[id]);
        if (r && !rc) rc = r;
    }
    (void)fetch_one;
    return rc;
}
