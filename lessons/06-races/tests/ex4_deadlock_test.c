/*
 * ex4_deadlock_test.c — tests of exercise 06.4 (vault_transfer): transfers in opposite
 * directions and in rings finish instead of deadlocking, money and the audit log agree,
 * no two records of one account overlap, and unrelated transfers still overlap.
 *
 * The grader runs every case under 20 schedule seeds (CIO_SEED). A deadlock makes
 * cio_run print its report and return -EDEADLK; the tests show that report.
 */
#include "cio_test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* ---- The learner's side (keep in step with ex4_deadlock.c) ----------------------- */

struct vault {
    long      *balance;  /* balance[i]: the money in account i */
    cio_lock **lock;     /* lock[i] guards balance[i] and account i's audit records */
    size_t     accounts; /* how many accounts there are */
    int      (*record)(struct vault *v, size_t account, long delta); /* suspends; 0 */
    void      *ctx;      /* the audit log's own data */
};

int vault_transfer(struct vault *v, size_t from, size_t to, long amount);

/* ---- The audit log the tests plug in ------------------------------------------------ */

enum { MAX_ACCOUNTS = 8, MAX_JOBS = 64 };

static uint64_t next_random(uint64_t *state) /* splitmix64 */
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

struct audit {
    double   seconds;               /* >= 0: each record takes this; < 0: random 0..20 ms */
    uint64_t rng;                   /* for the random durations */
    long     sum[MAX_ACCOUNTS];     /* the sum of the deltas recorded per account */
    unsigned writing[MAX_ACCOUNTS]; /* records of each account being written right now */
    unsigned overlaps;              /* times a record started while another of its account ran */
    size_t   overlap_account;       /* the first account that saw it */
    unsigned records;               /* records written */
};

static int record(struct vault *v, size_t account, long delta)
{
    struct audit *a = v->ctx;
    if (a->writing[account]++ > 0 && a->overlaps++ == 0)
        a->overlap_account = account;
    a->sum[account] += delta;
    a->records++;
    double d = a->seconds >= 0 ? a->seconds : 0.001 * (double)(next_random(&a->rng) % 21);
    int rc = cio_sleep(d);
    a->writing[account]--;
    return rc;
}

/* ---- Running many transfers at once ---------------------------------------------- */

struct job {
    size_t from;   /* the request */
    size_t to;     /* the request */
    long   amount; /* the request */
    int    rc;     /* what vault_transfer returned */
};

struct world {
    struct vault v;                    /* handed to every transfer */
    long         balance[MAX_ACCOUNTS];/* the vault's money */
    long         start[MAX_ACCOUNTS];  /* the money before the run */
    cio_lock    *lock[MAX_ACCOUNTS];   /* made and freed by world_main */
    struct audit audit;                /* the vault's log */
    struct job   jobs[MAX_JOBS];       /* the transfers */
    size_t       njobs;                /* how many */
};

struct job_arg {
    struct world *w; /* shared */
    struct job   *j; /* this task's transfer */
};

static int run_job(void *arg)
{
    struct job_arg *a = arg;
    a->j->rc = vault_transfer(&a->w->v, a->j->from, a->j->to, a->j->amount);
    return 0;
}

static int world_main(void *arg)
{
    struct world *w = arg;
    for (size_t i = 0; i < w->v.accounts; i++)
        if (!(w->lock[i] = cio_lock_new()))
            return -ENOMEM;
    struct job_arg args[MAX_JOBS];
    cio_task *tasks[MAX_JOBS];
    for (size_t i = 0; i < w->njobs; i++) {
        args[i] = (struct job_arg){w, &w->jobs[i]};
        char name[32]; /* "transfer 0->1": names the task in the deadlock report */
        snprintf(name, sizeof name, "transfer %zu->%zu", w->jobs[i].from, w->jobs[i].to);
        if (!(tasks[i] = cio_spawn_named(run_job, &args[i], name)))
            return -ENOMEM;
    }
    int rc = cio_gather(tasks, w->njobs);
    if (rc == 0) /* after a deadlock a lock may still be held: then leave them be */
        for (size_t i = 0; i < w->v.accounts; i++)
            cio_lock_free(w->lock[i]);
    return rc;
}

static void world_init(struct world *w, size_t accounts, long each, double record_seconds)
{
    memset(w, 0, sizeof *w);
    w->v = (struct vault){w->balance, w->lock, accounts, record, &w->audit};
    for (size_t i = 0; i < accounts; i++)
        w->balance[i] = w->start[i] = each;
    w->audit.seconds = record_seconds;
    w->audit.rng = cio_test_seed() * 7 + 11;
}

static void add_job(struct world *w, size_t from, size_t to, long amount)
{
    w->jobs[w->njobs++] = (struct job){from, to, amount, 99};
}

/* Run; check what every case checks: no deadlock, the audit agrees with the money,
   no two records of one account overlapped, nothing left behind. */
static void run_world(struct world *w)
{
    int rc = cio_test_run(world_main, w);
    cio_expect(rc != -EDEADLK,
               "cio_run returned -EDEADLK under seed %llu: the transfers deadlocked. The "
               "runtime's deadlock report (in the output) shows each waiting task, the lock it "
               "waits for, and the task that holds that lock: follow them from task to task "
               "until you are back where you started.",
               (unsigned long long)cio_test_seed());
    cio_expect(rc == 0, "the run ended with %d (%s), expected 0", rc, strerror(-rc));
    cio_expect(w->audit.overlaps == 0,
               "two audit records of account %zu were written at the same time (%u times in "
               "all, seed %llu): a record must be written while its account is locked",
               w->audit.overlap_account, w->audit.overlaps, (unsigned long long)cio_test_seed());
    long before = 0, after = 0;
    for (size_t i = 0; i < w->v.accounts; i++) {
        before += w->start[i];
        after += w->balance[i];
        cio_expect(w->balance[i] >= 0, "account %zu ended at %ld (seed %llu)", i,
                   w->balance[i], (unsigned long long)cio_test_seed());
        cio_expect(w->balance[i] - w->start[i] == w->audit.sum[i],
                   "account %zu changed by %ld but its audit records add up to %ld (seed "
                   "%llu): record each side once, and only for money that really moves",
                   i, w->balance[i] - w->start[i], w->audit.sum[i],
                   (unsigned long long)cio_test_seed());
    }
    cio_expect(before == after, "the vault held %ld before and %ld after (seed %llu)", before,
               after, (unsigned long long)cio_test_seed());
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0 && st->objects_live == 0,
               "%llu task(s) left running and %llu object(s) unfreed: does every transfer "
               "release both of its locks?", (unsigned long long)st->tasks_pending_at_exit,
               (unsigned long long)st->objects_live);
}

/* ---- Visible cases ---------------------------------------------------------------- */

static void opposite_transfers_finish(void **state)
{
    (void)state;
    static struct world w;
    world_init(&w, 4, 100, 0.5);
    add_job(&w, 0, 1, 10);
    add_job(&w, 1, 0, 20);
    add_job(&w, 2, 3, 30);
    add_job(&w, 3, 2, 40);
    run_world(&w);
    for (size_t i = 0; i < w.njobs; i++)
        cio_expect(w.jobs[i].rc == 0, "transfer %zu -> %zu of %ld returned %d; expected 0",
                   w.jobs[i].from, w.jobs[i].to, w.jobs[i].amount, w.jobs[i].rc);
    long expect[4] = {110, 90, 110, 90};
    for (size_t i = 0; i < 4; i++)
        cio_expect(w.balance[i] == expect[i], "account %zu holds %ld; expected %ld", i,
                   w.balance[i], expect[i]);
}

static void independent_transfers_overlap(void **state)
{
    (void)state;
    static struct world w;
    world_init(&w, 4, 100, 1.0);
    add_job(&w, 0, 1, 10);
    add_job(&w, 1, 0, 20);
    add_job(&w, 2, 3, 30);
    add_job(&w, 3, 2, 40);
    run_world(&w);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 4.0),
               "four transfers (0->1, 1->0, 2->3, 3->2), each writing two 1.0 s records, "
               "took %.1f s of loop time; expected 4.0 s: the two transfers between 0 and 1 "
               "must take turns, but they need not wait for those between 2 and 3.%s", took,
               took > 7.9 ? " Is one lock guarding everything?" : "");
}

static void money_and_audit_agree(void **state)
{
    (void)state;
    static struct world w;
    world_init(&w, 4, 500, -1);
    uint64_t rng = cio_test_seed() * 13 + 1;
    add_job(&w, 0, 3, 50);
    add_job(&w, 3, 0, 60);
    for (size_t i = 0; i < 40; i++) {
        size_t from = next_random(&rng) % 4;
        size_t to = (from + 1 + next_random(&rng) % 3) % 4;
        add_job(&w, from, to, 1 + (long)(next_random(&rng) % 300));
    }
    run_world(&w);
    for (size_t i = 0; i < w.njobs; i++)
        cio_expect(w.jobs[i].rc == 0 || w.jobs[i].rc == -ENOSPC,
                   "transfer %zu -> %zu of %ld returned %d; expected 0 or -ENOSPC",
                   w.jobs[i].from, w.jobs[i].to, w.jobs[i].amount, w.jobs[i].rc);
}

#ifdef CIO_HIDDEN_TESTS
/* ---- Hidden cases ----------------------------------------------------------------- */

static void ring_of_transfers(void **state)
{
    (void)state;
    static struct world w;
    world_init(&w, 5, 100, -1);
    for (size_t round = 0; round < 3; round++)
        for (size_t i = 0; i < 5; i++)
            add_job(&w, i, (i + 1) % 5, 10);
    run_world(&w);
    for (size_t i = 0; i < w.njobs; i++)
        cio_expect(w.jobs[i].rc == 0, "in the ring, transfer %zu -> %zu returned %d", w.jobs[i].from,
                   w.jobs[i].to, w.jobs[i].rc);
}

static void refusals_unlock_both_accounts(void **state)
{
    (void)state;
    static struct world w;
    world_init(&w, 3, 10, -1);
    add_job(&w, 0, 1, 50); /* -ENOSPC */
    add_job(&w, 1, 0, 5);
    add_job(&w, 0, 1, 5);
    add_job(&w, 2, 2, 5);  /* -EINVAL: from == to */
    add_job(&w, 2, 7, 5);  /* -EINVAL: no such account */
    add_job(&w, 1, 2, 0);  /* -EINVAL: nothing to move */
    add_job(&w, 2, 1, 5);
    add_job(&w, 1, 2, 100);/* -ENOSPC */
    run_world(&w);
    const int expect[] = {-ENOSPC, 0, 0, -EINVAL, -EINVAL, -EINVAL, 0, -ENOSPC};
    for (size_t i = 0; i < w.njobs; i++)
        cio_expect(w.jobs[i].rc == expect[i],
                   "transfer %zu -> %zu of %ld returned %d; expected %d", w.jobs[i].from,
                   w.jobs[i].to, w.jobs[i].amount, w.jobs[i].rc, expect[i]);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(opposite_transfers_finish),
    cmocka_unit_test(independent_transfers_overlap),
    cmocka_unit_test(money_and_audit_agree),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(ring_of_transfers),
    cmocka_unit_test(refusals_unlock_both_accounts),
#endif
};

CIO_TEST_MAIN(tests)
