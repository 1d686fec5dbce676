/*
 * ex4_deadlock_demo.c — two transfers in opposite directions (`build/cio-grade run 06.4`).
 *
 * "alice->bob" and "bob->alice" start at the same moment, each writing audit records
 * that take 0.5 s. With the stub they deadlock, and cio_run prints its deadlock report
 * and returns -EDEADLK; with your fix both finish in 2.0 s of loop time.
 */
#include <cio.h>

#include <errno.h>
#include <stdio.h>

struct vault {
    long      *balance;  /* balance[i]: the money in account i */
    cio_lock **lock;     /* lock[i] guards balance[i] and account i's audit records */
    size_t     accounts; /* how many accounts there are */
    int      (*record)(struct vault *v, size_t account, long delta); /* suspends */
    void      *ctx;      /* the audit log's own data */
};

int vault_transfer(struct vault *v, size_t from, size_t to, long amount);

static int record(struct vault *v, size_t account, long delta)
{
    (void)v;
    printf("  %5.2f s  audit: account %zu %+ld\n", cio_now(), account, delta);
    return cio_sleep(0.5);
}

/* One transfer, as a task. */
struct job {
    struct vault *v;      /* shared */
    size_t        from;   /* the request */
    size_t        to;     /* the request */
    long          amount; /* the request */
};

static int run_job(void *arg)
{
    struct job *j = arg;
    int rc = vault_transfer(j->v, j->from, j->to, j->amount);
    printf("  %5.2f s  transfer %zu->%zu returned %d\n", cio_now(), j->from, j->to, rc);
    return 0;
}

static int two_transfers(void *arg)
{
    (void)arg;
    long balance[2] = {100, 100};
    cio_lock *locks[2];
    locks[0] = cio_lock_new(); /* alice's account (one line each: reports name the line) */
    locks[1] = cio_lock_new(); /* bob's account */
    struct vault v = {balance, locks, 2, record, NULL};
    struct job a = {&v, 0, 1, 30}, b = {&v, 1, 0, 20};
    cio_task *t[2] = {cio_spawn_named(run_job, &a, "alice->bob"),
                      cio_spawn_named(run_job, &b, "bob->alice")};
    int rc = cio_gather(t, 2);
    if (rc == 0) {
        printf("  balances: %ld and %ld (expected 90 and 110)\n", balance[0], balance[1]);
        cio_lock_free(locks[0]);
        cio_lock_free(locks[1]);
    }
    return rc;
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1};
    int rc = cio_run(two_transfers, NULL, &cfg);
    printf("cio_run returned %d%s\n", rc, rc == -EDEADLK ? " (-EDEADLK: a deadlock)" : "");
    return 0;
}
