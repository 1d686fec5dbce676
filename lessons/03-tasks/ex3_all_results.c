/*
 * ex3_all_results.c — exercise 03.3: every result, and the first error.
 *
 * Write load_all(). For each item in items[0..n-1], load(item.id, &item.value) suspends
 * for a while and returns 0 or a negative errno. Load all the items at once, one task
 * each, and let every load run to its end even when others fail. Then:
 *   - each item's status holds what its own load returned (its value is valid when 0);
 *   - load_all() returns 0 if every load succeeded, else the error of the first item
 *     that failed in array order (not the first to fail in time);
 *   - every task has finished and been freed when load_all() returns.
 * Return -ENOMEM if a task could not be created.
 *
 * A task's status is returned to whoever awaits it, but cio_gather() only reports one
 * error for them all: each task must also leave its own status where you can read it.
 *
 * Check it:  build/cio-grade check 03.3      A hint:  build/cio-grade hint 03.3
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

/* What one loading task needs. */
struct load_arg {
    load_fn      load; /* the caller's function */
    struct item *item; /* the item this task loads and reports on */
};

static int load_one(void *p)
{
    struct load_arg *a = p;
    /* TODO: load the item and record its status in the item as well as returning it. */
    (void)a;
    return -ENOSYS;
}

int load_all(load_fn load, struct item *items, size_t n)
{
    /* TODO: one load_one task per item; wait for them all; return the first error in
     * array order. */
    (void)load;
    (void)items;
    (void)n;
    (void)load_one;
    return -ENOSYS;
}
