/*
 * ex1_transfer_test.c — tests of exercise 06.1 (transfer): money is never created or
 * lost, no account goes below zero, and the fraud checks still overlap.
 *
 * Every case runs many transfers at once, one task each, and the grader runs every case
 * under 20 schedule seeds (CIO_SEED): a race that one order hides, another shows.
 */
#include "cio_test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The learner's side (keep in step with ex1_transfer.c) ---------------------- */

struct bank {
    long  *balance;  /* balance[i]: the money in account i; shared by every task */
    size_t accounts; /* how many accounts there are */
    int  (*approve)(struct bank *b, size_t from, size_t to, long amount); /* suspends */
    void  *ctx;      /* the fraud service's own data */
};

int transfer(struct bank *b, size_t from, size_t to, long amount);

/* ---- A deterministic random source, varied by the schedule seed ------------------ */

static uint64_t next_random(uint64_t *state) /* splitmix64 */
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* ---- The fraud service the tests plug in ----------------------------------------- */

enum { MAX_JOBS = 256 };

struct fraud {
    uint64_t rng;           /* varies the delay of each check */
    double   fixed_delay;   /* > 0: every check takes exactly this long; else 1..50 ms */
    unsigned refuse_every;  /* > 0: refuse the checks whose amount is a multiple of this */
    unsigned calls;         /* checks asked so far */
    unsigned in_flight;     /* checks running now */
    unsigned max_in_flight; /* the most that ran at once */
    long     asked[MAX_JOBS]; /* the amounts asked about, in order */
};

static int approve(struct bank *b, size_t from, size_t to, long amount)
{
    (void)from;
    (void)to;
    struct fraud *f = b->ctx;
    if (f->calls < MAX_JOBS)
        f->asked[f->calls] = amount;
    f->calls++;
    if (++f->in_flight > f->max_in_flight)
        f->max_in_flight = f->in_flight;
    double delay = f->fixed_delay > 0 ? f->fixed_delay
                                      : 0.001 * (double)(1 + next_random(&f->rng) % 50);
    int rc = cio_sleep(delay);
    f->in_flight--;
    if (rc != 0)
        return rc;
    if (f->refuse_every && amount % f->refuse_every == 0)
        return -EPERM;
    return 0;
}

/* ---- Running many transfers at once ---------------------------------------------- */

struct job {
    struct bank *bank;   /* shared by every job */
    size_t       from;   /* the request */
    size_t       to;     /* the request */
    long         amount; /* the request */
    int          rc;     /* what transfer() returned */
};

static int run_job(void *arg)
{
    struct job *j = arg;
    j->rc = transfer(j->bank, j->from, j->to, j->amount);
    return 0;
}

struct run {
    struct job *jobs;  /* the transfers to run, one task each */
    size_t      njobs; /* how many */
};

static int run_all(void *arg)
{
    struct run *r = arg;
    cio_task *tasks[MAX_JOBS];
    for (size_t i = 0; i < r->njobs; i++) {
        tasks[i] = cio_spawn(run_job, &r->jobs[i]);
        if (!tasks[i])
            return -ENOMEM;
    }
    return cio_gather(tasks, r->njobs);
}

static long total(const long *balance, size_t n)
{
    long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += balance[i];
    return sum;
}

/* Run the jobs; fail with the runtime's words if the run itself went wrong. */
static void run_transfers(struct job *jobs, size_t njobs)
{
    struct run r = {jobs, njobs};
    int rc = cio_test_run(run_all, &r);
    cio_expect(rc == 0, "the run ended with %d (%s), expected 0", rc, strerror(-rc));
    cio_expect(cio_test_stats()->tasks_pending_at_exit == 0,
               "%llu task(s) were still running when the test's main returned: transfer() "
               "must finish its own work before it returns",
               (unsigned long long)cio_test_stats()->tasks_pending_at_exit);
    cio_expect(cio_test_stats()->objects_live == 0,
               "%llu lock/event/semaphore/queue object(s) were never freed",
               (unsigned long long)cio_test_stats()->objects_live);
}

static void expect_no_negative(const long *balance, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        cio_expect(balance[i] >= 0,
                   "%s: account %zu ended at %ld; an account must never go below zero "
                   "(seed %llu). Was the balance checked before a suspension and trusted "
                   "after it?", what, i, balance[i], (unsigned long long)cio_test_seed());
}

/* ---- Visible cases ---------------------------------------------------------------- */

/* 200 random transfers between 5 accounts: the sum must not change. */
static void money_is_conserved(void **state)
{
    (void)state;
    enum { ACCOUNTS = 5, JOBS = 200 };
    long balance[ACCOUNTS] = {1000, 1000, 1000, 1000, 1000};
    struct fraud f = {.rng = cio_test_seed() * 7919 + 1};
    struct bank b = {balance, ACCOUNTS, approve, &f};
    struct job jobs[JOBS];
    uint64_t rng = cio_test_seed() + 42;
    for (size_t i = 0; i < JOBS; i++) {
        size_t from = next_random(&rng) % ACCOUNTS;
        size_t to = (from + 1 + next_random(&rng) % (ACCOUNTS - 1)) % ACCOUNTS;
        jobs[i] = (struct job){&b, from, to, 1 + (long)(next_random(&rng) % 400), 99};
    }
    run_transfers(jobs, JOBS);
    long after = total(balance, ACCOUNTS);
    cio_expect(after == 5000,
               "the bank held 5000 before 200 concurrent transfers and %ld after them "
               "(seed %llu): money %s. A transfer that writes back a balance it read before "
               "suspending overwrites what other transfers did meanwhile.",
               after, (unsigned long long)cio_test_seed(),
               after > 5000 ? "appeared from nowhere" : "vanished");
    expect_no_negative(balance, ACCOUNTS, "after 200 transfers");
    for (size_t i = 0; i < JOBS; i++)
        cio_expect(jobs[i].rc == 0 || jobs[i].rc == -ENOSPC,
                   "transfer %zu returned %d (%s); expected 0 or -ENOSPC", i, jobs[i].rc,
                   strerror(-jobs[i].rc));
}

/* Ten transfers of 30 from an account holding 100: exactly three can succeed. */
static void no_overdraft(void **state)
{
    (void)state;
    long balance[2] = {100, 0};
    struct fraud f = {.rng = cio_test_seed() * 31 + 5};
    struct bank b = {balance, 2, approve, &f};
    struct job jobs[10];
    for (size_t i = 0; i < 10; i++)
        jobs[i] = (struct job){&b, 0, 1, 30, 99};
    run_transfers(jobs, 10);
    int ok = 0, refused = 0;
    for (size_t i = 0; i < 10; i++) {
        if (jobs[i].rc == 0)
            ok++;
        else if (jobs[i].rc == -ENOSPC)
            refused++;
    }
    cio_expect(ok == 3 && refused == 7,
               "account 0 held 100 and ten tasks each moved 30 out of it at once: 3 should "
               "succeed and 7 get -ENOSPC, but %d succeeded and %d got -ENOSPC (seed %llu). "
               "Each of them checked the balance before the fraud check suspended it; "
               "by the time it moved the money, the check was out of date.",
               ok, refused, (unsigned long long)cio_test_seed());
    cio_expect(balance[0] == 10 && balance[1] == 90,
               "after the ten transfers accounts 0 and 1 hold %ld and %ld; expected 10 and 90 "
               "(seed %llu)", balance[0], balance[1], (unsigned long long)cio_test_seed());
}

/* Eight transfers out of one account, each fraud check taking 1.0 s: 1.0 s in all. */
static void fraud_checks_overlap(void **state)
{
    (void)state;
    long balance[9] = {1000, 0, 0, 0, 0, 0, 0, 0, 0};
    struct fraud f = {.fixed_delay = 1.0};
    struct bank b = {balance, 9, approve, &f};
    struct job jobs[8];
    for (size_t i = 0; i < 8; i++)
        jobs[i] = (struct job){&b, 0, i + 1, 10, 99};
    run_transfers(jobs, 8);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 1.0),
               "8 transfers out of one account, each waiting 1.0 s for the fraud service, took "
               "%.1f s of loop time; the checks should overlap and take 1.0 s in all. Is "
               "something (a lock?) held while the fraud service is asked?", took);
    cio_expect(f.max_in_flight == 8, "only %u fraud checks ran at once; all 8 should have",
               f.max_in_flight);
    cio_expect(balance[0] == 920,
               "account 0 held 1000 and sent 8 × 10; it holds %ld, expected 920 (seed %llu)",
               balance[0], (unsigned long long)cio_test_seed());
    for (size_t i = 1; i < 9; i++)
        cio_expect(balance[i] == 10, "account %zu should have received 10 and holds %ld", i,
                   balance[i]);
}

#ifdef CIO_HIDDEN_TESTS
/* ---- Hidden cases ----------------------------------------------------------------- */

/* Each account's final balance must equal what its successful transfers say, and the
   transfers the fraud service refused must have moved nothing. */
static void ledger_matches_every_account(void **state)
{
    (void)state;
    enum { ACCOUNTS = 3, JOBS = 150 };
    long start[ACCOUNTS] = {500, 500, 500};
    long balance[ACCOUNTS];
    memcpy(balance, start, sizeof balance);
    struct fraud f = {.rng = cio_test_seed() * 131 + 9, .refuse_every = 7};
    struct bank b = {balance, ACCOUNTS, approve, &f};
    struct job jobs[JOBS];
    uint64_t rng = cio_test_seed() * 3 + 17;
    for (size_t i = 0; i < JOBS; i++) {
        size_t from = next_random(&rng) % ACCOUNTS;
        size_t to = (from + 1 + next_random(&rng) % (ACCOUNTS - 1)) % ACCOUNTS;
        jobs[i] = (struct job){&b, from, to, 1 + (long)(next_random(&rng) % 300), 99};
    }
    run_transfers(jobs, JOBS);
    long expect[ACCOUNTS];
    memcpy(expect, start, sizeof expect);
    for (size_t i = 0; i < JOBS; i++) {
        int refused = jobs[i].amount % 7 == 0;
        if (refused)
            cio_expect(jobs[i].rc == -EPERM || jobs[i].rc == -ENOSPC,
                       "the fraud service refused transfer %zu (%ld from %zu to %zu) with "
                       "-EPERM, but transfer() returned %d", i, jobs[i].amount, jobs[i].from,
                       jobs[i].to, jobs[i].rc);
        else
            cio_expect(jobs[i].rc == 0 || jobs[i].rc == -ENOSPC,
                       "transfer %zu returned %d (%s); the service approved it, so 0 or "
                       "-ENOSPC was expected", i, jobs[i].rc, strerror(-jobs[i].rc));
        if (jobs[i].rc == 0) {
            expect[jobs[i].from] -= jobs[i].amount;
            expect[jobs[i].to] += jobs[i].amount;
        }
    }
    for (size_t a = 0; a < ACCOUNTS; a++)
        cio_expect(balance[a] == expect[a],
                   "account %zu holds %ld, but its successful transfers say it should hold "
                   "%ld (seed %llu): some update was lost or applied twice", a, balance[a],
                   expect[a], (unsigned long long)cio_test_seed());
    expect_no_negative(balance, ACCOUNTS, "after 150 transfers");
}

/* Bad requests get -EINVAL without asking the fraud service, even among real ones. */
static void invalid_requests_ask_nobody(void **state)
{
    (void)state;
    long balance[3] = {300, 300, 300};
    struct fraud f = {.rng = cio_test_seed() + 3};
    struct bank b = {balance, 3, approve, &f};
    struct job jobs[] = {
        {&b, 0, 1, 100, 99}, {&b, 1, 1, 1001, 99}, {&b, 1, 0, 100, 99},
        {&b, 3, 0, 1002, 99}, {&b, 0, 2, 250, 99}, {&b, 2, 0, 0, 99},
        {&b, 2, 1, -1003, 99}, {&b, 0, 1, 100, 99}, {&b, 1, 2, 300, 99},
    };
    size_t n = sizeof jobs / sizeof jobs[0];
    run_transfers(jobs, n);
    const size_t bad[] = {1, 3, 5, 6};
    for (size_t k = 0; k < 4; k++)
        cio_expect(jobs[bad[k]].rc == -EINVAL,
                   "transfer(from=%zu, to=%zu, amount=%ld) returned %d; expected -EINVAL",
                   jobs[bad[k]].from, jobs[bad[k]].to, jobs[bad[k]].amount, jobs[bad[k]].rc);
    for (unsigned c = 0; c < f.calls && c < MAX_JOBS; c++)
        cio_expect(f.asked[c] == 100 || f.asked[c] == 250 || f.asked[c] == 300,
                   "the fraud service was asked about an amount of %ld, which belongs to an "
                   "invalid request: check the arguments before asking", f.asked[c]);
    long after = total(balance, 3);
    cio_expect(after == 900, "the bank held 900 before and %ld after (seed %llu)", after,
               (unsigned long long)cio_test_seed());
    expect_no_negative(balance, 3, "after the mixed requests");
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(money_is_conserved),
    cmocka_unit_test(no_overdraft),
    cmocka_unit_test(fraud_checks_overlap),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(ledger_matches_every_account),
    cmocka_unit_test(invalid_requests_ask_nobody),
#endif
};

CIO_TEST_MAIN(tests)
