/*
 * ex4_deadlock.c — exercise 06.4: transfers that lock two accounts, and deadlock.
 *
 * Each account has a lock, and every change to an account is written to an audit log
 * while that account is locked (the log call suspends). This version locks the source,
 * logs the debit, then locks the destination. Two transfers in opposite directions
 * (A to B, B to A) each hold one lock and wait for the other's, forever: cio_run
 * notices, prints its deadlock report and returns -EDEADLK. Run
 * `build/cio-grade check 06.4` and read the report.
 *
 * TODO: make every transfer finish, under every schedule, while transfers between
 * different accounts still run at the same time.
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>

/* The vault every transfer works on. The test creates it, its locks too, and owns them. */
struct vault {
    long      *balance;  /* balance[i]: the money in account i */
    cio_lock **lock;     /* lock[i] guards balance[i] and account i's audit records */
    size_t     accounts; /* how many accounts there are */
    /* The audit log: records that @p account changes by @p delta. It suspends (it writes
       to disk) and returns 0. Call it only while holding lock[account]. */
    int      (*record)(struct vault *v, size_t account, long delta);
    void      *ctx;      /* the audit log's own data; not yours to touch */
};

/*
 * Move @p amount from account @p from to account @p to, as one step: while it runs, no
 * other transfer touches either account. Writes one audit record for each side.
 * @return 0 when the money moved;
 *         -EINVAL for a bad account index, from == to, or amount <= 0 (nothing locked);
 *         -ENOSPC when @p from holds less than @p amount (nothing moves, nothing is
 *         recorded, and both accounts are unlocked again).
 */
int vault_transfer(struct vault *v, size_t from, size_t to, long amount)
{
    if (from >= v->accounts || to >= v->accounts || from == to || amount <= 0)
        return -EINVAL;

    /* TODO: this takes the two locks in the order of the transfer's direction. Draw two
       transfers going opposite ways, each having taken its first lock, and ask what each
       waits for. Then find an order of taking the locks that every transfer agrees on. */
    int rc = cio_lock_acquire(v->lock[from]);
    if (rc != 0)
        return rc;
    if (v->balance[from] < amount) {
        cio_lock_release(v->lock[from]);
        return -ENOSPC;
    }
    v->record(v, from, -amount); /* suspends, holding lock[from] */

    rc = cio_lock_acquire(v->lock[to]); /* ...the other transfer holds it, and waits for ours */
    if (rc != 0) {
        cio_lock_release(v->lock[from]);
        return rc;
    }
    v->record(v, to, +amount);

    v->balance[from] -= amount;
    v->balance[to] += amount;
    cio_lock_release(v->lock[to]);
    cio_lock_release(v->lock[from]);
    return 0;
}
