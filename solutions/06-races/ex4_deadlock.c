/*
 * ex4_deadlock.c — reference solution of exercise 06.4: transfers that lock two
 * accounts without deadlocking.
 *
 * Every transfer takes the two locks in one global order — the lower account index
 * first — whatever its direction. A cycle of waiters would need some task to hold a
 * higher lock while waiting for a lower one, which this order never does.
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>

/* The vault every transfer works on. The test creates it, its locks too, and owns them. */
struct vault {
    long      *balance;  /* balance[i]: the money in account i */
    cio_lock **lock;     /* lock[i] guards balance[i] and account i's audit records */
    size_t     accounts; /* how many accounts there are */
    int      (*record)(struct vault *v, size_t account, long delta); /* suspends; 0 */
    void      *ctx;      /* the audit log's own data; not yours to touch */
};

int vault_transfer(struct vault *v, size_t from, size_t to, long amount)
{
    if (from >= v->accounts || to >= v->accounts || from == to || amount <= 0)
        return -EINVAL;

    size_t first = from < to ? from : to;  /* the global order: lower index first */
    size_t second = from < to ? to : from;
    int rc = cio_lock_acquire(v->lock[first]);
    if (rc != 0)
        return rc;
    rc = cio_lock_acquire(v->lock[second]);
    if (rc != 0) {
        cio_lock_release(v->lock[first]);
        return rc;
    }

    /* Both accounts are ours until we release them: check, record, move. */
    if (v->balance[from] < amount) {
        rc = -ENOSPC;
    } else {
        v->record(v, from, -amount);
        v->record(v, to, +amount);
        v->balance[from] -= amount;
        v->balance[to] += amount;
    }
    cio_lock_release(v->lock[second]);
    cio_lock_release(v->lock[first]);
    return rc;
}
