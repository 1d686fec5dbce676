/*
 * ex1_transfer.c — reference solution of exercise 06.1: a transfer that is correct under
 * every schedule.
 *
 * The slow, suspending step (the fraud check) comes first; the check of the balance and
 * the move come after it, with no suspension in between. Code between two suspension
 * points runs alone on the loop, so no lock is needed, and the fraud checks of many
 * transfers still overlap.
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>

/* The bank every transfer works on. The test creates it and owns it. */
struct bank {
    long  *balance;  /* balance[i]: the money in account i; shared by every task */
    size_t accounts; /* how many accounts there are */
    /* The fraud service: asks whether @p amount may go from @p from to @p to. It suspends
       (it is a network call) and returns 0 (approved) or a negative errno (refused). */
    int  (*approve)(struct bank *b, size_t from, size_t to, long amount);
    void  *ctx;      /* the fraud service's own data; not yours to touch */
};

int transfer(struct bank *b, size_t from, size_t to, long amount)
{
    if (from >= b->accounts || to >= b->accounts || from == to || amount <= 0)
        return -EINVAL;

    /* A cheap early refusal is fine, as long as nothing below trusts it. */
    if (b->balance[from] < amount)
        return -ENOSPC;

    int rc = b->approve(b, from, to, amount); /* suspends: anything may change meanwhile */
    if (rc != 0)
        return rc;

    /* From here to the return there is no suspension point: no other task can run, so
       the check and the move are one indivisible step. */
    if (b->balance[from] < amount)
        return -ENOSPC;
    b->balance[from] -= amount;
    b->balance[to] += amount;
    return 0;
}
