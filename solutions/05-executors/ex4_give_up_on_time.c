/*
 * ex4_give_up_on_time.c — reference solution for 05.4: a blocking lookup with a
 * timeout. The waiting task gives up at the deadline, but the job cannot be stopped
 * and runs on, so everything it touches lives in one heap block of its own (a copy of
 * the name, its own answer buffer), shared by the waiter and the job with a reference
 * count: whichever of the two lets go last frees it.
 */
#include <cio.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- Provided by the test (see the stub for the contract) ---- */
int blocking_lookup(const char *name, char *out, size_t n);

struct query {
    atomic_int refs;   /* holders: the waiter and the job; the last one frees the query */
    size_t     n;      /* size of answer */
    char      *answer; /* the job writes the address here, inside this block */
    char       name[]; /* a copy of the name: the caller's string may be gone meanwhile */
};

static void query_release(struct query *q)
{
    if (atomic_fetch_sub(&q->refs, 1) == 1) free(q);
}

/* On an executor thread. After query_release() it must not touch q again. */
static int query_job(void *p)
{
    struct query *q = p;
    int rc = blocking_lookup(q->name, q->answer, q->n);
    query_release(q);
    return rc;
}

int lookup(const char *name, double timeout, char *out, size_t n)
{
    /* Already cancelled: cio_to_thread() would return -ECANCELED without running the
     * job, and the job's reference would never be let go. */
    if (cio_is_cancelled()) return -ECANCELED;

    size_t len = strlen(name) + 1;
    struct query *q = malloc(sizeof *q + len + n);
    if (!q) return -ENOMEM;
    atomic_init(&q->refs, 2);
    memcpy(q->name, name, len);
    q->answer = q->name + len;
    q->n = n;

    cio_scope deadline;
    cio_scope_open_after(&deadline, timeout, 0);
    int rc = cio_to_thread(query_job, q);
    if (cio_scope_close(&deadline) && rc == -ECANCELED) rc = -ETIMEDOUT;

    if (rc == -ENOMEM) {                /* never submitted: the job holds no reference */
        free(q);
        return rc;
    }
    if (rc == 0) strcpy(out, q->answer); /* only now: out is the caller's, and it is waiting */
    query_release(q);
    return rc;
}
