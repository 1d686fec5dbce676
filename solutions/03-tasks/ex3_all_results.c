/*
 * ex3_all_results.c — exercise 03.3 (reference solution): load every item at once, let
 * failures fail alone, keep every item's own status, and report the first error in
 * array order, with every task accounted for.
 *
 * Each task writes its status into its own item before returning; cio_gather() then
 * awaits and frees them all, and its result is already the first error in array order.
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>

struct item {
    int id;     /* which item to load (set by the caller) */
    int value;  /* out: its value, when status is 0 */
    int status; /* out: 0, or the error its load returned */
};

typedef int (*load_fn)(int id, int *value);

int load_all(load_fn load, struct item *items, size_t n);

struct load_arg {
    load_fn      load; /* the caller's function */
    struct item *item; /* the item this task loads and reports on */
};

static int load_one(void *p)
{
    struct load_arg *a = p;
    a->item->status = a->load(a->item->id, &a->item->value);
    return a->item->status;
}

int load_all(load_fn load, struct item *items, size_t n)
{
    if (n == 0) return 0;
    struct load_arg *args = calloc(n, sizeof *args);
    cio_task **ts = calloc(n, sizeof *ts);
    int rc = 0;
    size_t started = 0;
    if (!args || !ts) {
        rc = -ENOMEM;
        goto out;
    }
    for (; started < n; started++) {
        args[started] = (struct load_arg){load, &items[started]};
        ts[started] = cio_spawn(load_one, &args[started]);
        if (!ts[started]) {
            rc = -ENOMEM;
            break;
        }
    }
    for (size_t i = started; i < n; i++) items[i].status = -ENOMEM; /* never started */
    int grc = cio_gather(ts, started); /* awaits all, even after one failed */
    if (!rc) rc = grc;
out:
    free(ts);
    free(args);
    return rc;
}
