/*
 * ex1_transfer_demo.c — run your transfer() under ten schedules (`build/cio-grade run 06.1`).
 *
 * Each run starts 100 concurrent transfers between 4 accounts holding 1,000 each, with a
 * fraud check that takes 1 to 50 ms, under schedule seed 1, 2, ... 10 (CIO_SEED picks
 * the order in which ready tasks run). It prints the bank's total after each run: with a
 * correct transfer() it is 4000 every time.
 */
#include <cio.h>

#include <stdint.h>
#include <stdio.h>

struct bank {
    long  *balance;  /* balance[i]: the money in account i */
    size_t accounts; /* how many accounts there are */
    int  (*approve)(struct bank *b, size_t from, size_t to, long amount); /* suspends */
    void  *ctx;      /* the fraud service's own data */
};

int transfer(struct bank *b, size_t from, size_t to, long amount);

static uint64_t rng_state; /* the demo's random numbers (xorshift) */

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int approve(struct bank *b, size_t from, size_t to, long amount)
{
    (void)b, (void)from, (void)to, (void)amount;
    return cio_sleep(0.001 * (double)(1 + next_random() % 50));
}

/* One transfer, as a task. */
struct job {
    struct bank *bank;   /* shared */
    size_t       from;   /* the request */
    size_t       to;     /* the request */
    long         amount; /* the request */
    int          rc;     /* transfer()'s answer */
};

static int run_job(void *arg)
{
    struct job *j = arg;
    j->rc = transfer(j->bank, j->from, j->to, j->amount);
    return 0;
}

static int hundred_transfers(void *arg)
{
    struct bank *b = arg;
    struct job jobs[100];
    cio_task *t[100];
    for (int i = 0; i < 100; i++) {
        size_t from = next_random() % 4, to = (from + 1 + next_random() % 3) % 4;
        jobs[i] = (struct job){b, from, to, 1 + (long)(next_random() % 500), 0};
        t[i] = cio_spawn(run_job, &jobs[i]);
    }
    return cio_gather(t, 100);
}

int main(void)
{
    for (uint64_t seed = 1; seed <= 10; seed++) {
        long balance[4] = {1000, 1000, 1000, 1000};
        struct bank b = {balance, 4, approve, NULL};
        rng_state = 0x9e3779b97f4a7c15ull * seed;
        cio_config cfg = {.virtual_clock = 1, .seed = seed};
        cio_run(hundred_transfers, &b, &cfg);
        long total = balance[0] + balance[1] + balance[2] + balance[3];
        printf("seed %2llu: accounts %5ld %5ld %5ld %5ld   total %5ld%s\n",
               (unsigned long long)seed, balance[0], balance[1], balance[2], balance[3], total,
               total == 4000 ? "" : "   <- money appeared or vanished");
    }
    return 0;
}
