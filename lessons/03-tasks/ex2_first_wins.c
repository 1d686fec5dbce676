/*
 * ex2_first_wins.c — exercise 03.2: ask every mirror, keep the first answer.
 *
 * Write first_answer(). The same question can go to n mirrors; ask(mirror, &answer) asks
 * one (it suspends for a while, then returns 0 and writes its answer, or a negative errno).
 * Ask all n at once, one task each, and:
 *   - as soon as one succeeds, store its answer in *answer and return 0; do not wait
 *     for the slower mirrors: cancel them (cio_cancel);
 *   - a mirror that fails does not win: keep waiting for the others;
 *   - if every mirror fails, return the error of the one that failed first (in time);
 *   - when you return, every task you spawned has finished and been freed, the
 *     cancelled ones included (cancelling only asks: you still await them).
 * Return -EINVAL if n is 0, -ENOMEM if a task could not be created.
 *
 * Check it:  build/cio-grade check 03.2      A hint:  build/cio-grade hint 03.2
 * See it:    build/cio-grade run 03.2
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>

typedef int (*mirror_fn)(int mirror, int *answer);

int first_answer(mirror_fn ask, size_t n, int *answer);

/* What one asking task needs, and where its answer goes. */
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
    /* TODO: spawn one ask_one task per mirror; cio_wait_any() until one succeeds;
     * cancel the rest and wait for them before returning. */
    (void)ask;
    (void)n;
    (void)answer;
    (void)ask_one;
    return -ENOSYS;
}
