/*
 * ex2_first_wins.c — exercise 03.2 (reference solution): ask every mirror at once, keep
 * the first answer that succeeds, cancel the others and wait for them to finish.
 *
 * cio_wait_any() says which task finished first (frees none, cancels none); the winner
 * is awaited for its status, failures are awaited and skipped, and once an answer is in,
 * every loser is cancelled and gathered, so that no task outlives the call.
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>

typedef int (*mirror_fn)(int mirror, int *answer);

int first_answer(mirror_fn ask, size_t n, int *answer);

struct ask_arg {
    mirror_fn ask;    /* the caller's function */
    int       mirror; /* which mirror this task asks */
    int       answer; /* where that mirror's answer goes */
};

static int ask_one(void *p)
{
    struct ask_arg *a = p;
    return a->ask(a->mirror, &a->answer);
}

int first_answer(mirror_fn ask, size_t n, int *answer)
{
    if (n == 0) return -EINVAL;
    struct ask_arg *args = calloc(n, sizeof *args);
    cio_task **ts = calloc(n, sizeof *ts);   /* tasks still running, compacted */
    struct ask_arg **who = calloc(n, sizeof *who); /* whose task ts[i] is */
    int rc = 0, first_error = 0, found = 0;
    size_t live = 0;
    if (!args || !ts || !who) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        args[i] = (struct ask_arg){ask, (int)i, 0};
        ts[live] = cio_spawn(ask_one, &args[i]);
        if (!ts[live]) {
            rc = -ENOMEM;
            break;
        }
        who[live++] = &args[i];
    }
    while (!rc && live > 0 && !found) {
        int k = cio_wait_any(ts, live, -1);
        if (k < 0) { /* we were cancelled: the losers still need cancelling below */
            rc = k;
            break;
        }
        int status = cio_await(ts[k]); /* finished already: returns at once, frees it */
        if (status == 0) {
            *answer = who[k]->answer;
            found = 1;
        } else if (!first_error) {
            first_error = status;
        }
        ts[k] = ts[live - 1]; /* drop it from the running set */
        who[k] = who[live - 1];
        live--;
    }
    for (size_t i = 0; i < live; i++) cio_cancel(ts[i]);
    cio_gather(ts, live); /* losers: wait until they have really stopped, free them */
    if (!rc) rc = found ? 0 : first_error;
out:
    free(who);
    free(ts);
    free(args);
    return rc;
}
