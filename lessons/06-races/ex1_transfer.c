/*
 * ex1_transfer.c — exercise 06.1: a bank transfer that loses money under some schedules.
 *
 * transfer() moves money between two accounts after a remote fraud service approves it.
 * Many transfers run at once, one task each. This version reads the balance, waits for
 * the fraud service, then writes the balance it read: while it waited, other transfers
 * changed that account, and their work is overwritten. Run `build/cio-grade check 06.1`.
 *
 * TODO: make transfer() correct under every schedule without making the fraud checks
 * wait for each other (they are slow: they must still overlap).
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

/*
 * Move @p amount from account @p from to account @p to.
 * @return 0 when the money moved;
 *         -EINVAL for a bad account index, from == to, or amount <= 0 (nothing asked);
 *         the fraud service's error when it refuses (nothing moves);
 *         -ENOSPC when @p from holds less than @p amount at the moment the money
 *         would move (nothing moves; an account never goes below zero).
 */
int transfer(struct bank *b, size_t from, size_t to, long amount)
{
    if (from >= b->accounts || to >= b->accounts || from == to || amount <= 0)
        return -EINVAL;

    long have = b->balance[from]; /* read now... */
    if (have < amount)
        return -ENOSPC;

    /* TODO: approve() suspends, and every other transfer may run before it returns.
       What does that do to `have`, and to the check above it? */
    int rc = b->approve(b, from, to, amount);
    if (rc != 0)
        return rc;

    b->balance[from] = have - amount; /* ...written back after the wait: a lost update */
    b->balance[to] += amount;
    return 0;
}
