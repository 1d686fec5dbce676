/*
 * ex3_pipeline_test.c — tests of exercise 06.3 (pipeline_run): every item is consumed
 * exactly once under every schedule, the queue's bound holds producers back, consumers
 * work side by side, and the shutdown leaves nothing running or allocated.
 *
 * The grader runs every case under 20 schedule seeds (CIO_SEED).
 */
#include "cio_test.h"

#include <errno.h>
#include <string.h>

/* ---- The learner's side (keep in step with ex3_pipeline.c) ----------------------- */

struct pipeline {
    size_t producers; /* how many producer tasks to run */
    size_t consumers; /* how many consumer tasks to run */
    size_t capacity;  /* the queue's bound */
    int  (*produce)(void *ctx, size_t producer, void **item); /* suspends; 1: item, 0: done */
    int  (*consume)(void *ctx, size_t consumer, void *item);  /* suspends; 0 */
    void  *ctx;       /* passed to produce and consume */
};

int pipeline_run(const struct pipeline *p);

/* ---- A simulated workload ----------------------------------------------------------- */

enum { MAX_PRODUCERS = 16, MAX_PER_PRODUCER = 64, MAX_ITEMS = MAX_PRODUCERS * MAX_PER_PRODUCER };

static uint64_t next_random(uint64_t *state) /* splitmix64 */
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

struct work {
    size_t   per_producer;        /* items each producer makes */
    double   produce_seconds;     /* >= 0: each produce takes this; < 0: random 0..50 ms */
    double   consume_seconds;     /* >= 0: each consume takes this; < 0: random 0..100 ms */
    size_t   bound;               /* most items allowed between produce and consume */
    uint64_t rng;                 /* for the random delays */
    size_t   made[MAX_PRODUCERS]; /* items each producer has made so far */
    int      token[MAX_ITEMS];    /* the items: token[i] == i; pointers to them travel */
    unsigned seen[MAX_ITEMS];     /* how many times each item was consumed */
    size_t   produced;            /* items produced so far */
    size_t   taken;               /* consume calls started so far */
    size_t   most_between;        /* the largest produced - taken ever seen */
    unsigned bad_item;            /* consume got a pointer that is no item */
};

static double delay_of(struct work *w, double fixed, unsigned spread_ms)
{
    return fixed >= 0 ? fixed : 0.001 * (double)(next_random(&w->rng) % (spread_ms + 1));
}

static int produce(void *ctx, size_t producer, void **item)
{
    struct work *w = ctx;
    if (w->made[producer] == w->per_producer)
        return 0; /* done: says so at once, so that the last item sets the total time */
    int rc = cio_sleep(delay_of(w, w->produce_seconds, 50));
    if (rc != 0)
        return rc;
    size_t id = producer * MAX_PER_PRODUCER + w->made[producer]++;
    *item = &w->token[id];
    w->produced++;
    if (w->produced - w->taken > w->most_between)
        w->most_between = w->produced - w->taken;
    return 1;
}

static int consume(void *ctx, size_t consumer, void *item)
{
    (void)consumer;
    struct work *w = ctx;
    int *t = item;
    if (t < w->token || t >= w->token + MAX_ITEMS)
        w->bad_item++;
    else
        w->seen[t - w->token]++;
    w->taken++;
    return cio_sleep(delay_of(w, w->consume_seconds, 100));
}

struct call {
    struct pipeline p;  /* what pipeline_run gets */
    int             rc; /* what it returned */
};

static int call_main(void *arg)
{
    struct call *c = arg;
    c->rc = pipeline_run(&c->p);
    return 0;
}

/* Run the pipeline and check what every case checks: it ran, returned 0, every item
   was consumed exactly once, nothing was left running or allocated. */
static void run_pipeline(struct work *w, size_t producers, size_t consumers, size_t capacity)
{
    for (size_t i = 0; i < MAX_ITEMS; i++)
        w->token[i] = (int)i;
    struct call c = {{producers, consumers, capacity, produce, consume, w}, 99};
    int rc = cio_test_run(call_main, &c);
    cio_expect(rc != -EDEADLK,
               "the run deadlocked (seed %llu): tasks still waited and nothing could wake them; "
               "the runtime's report says who waits for what. A consumer waiting in "
               "cio_queue_get for items that will never come needs the queue closed once the "
               "producers are done; a producer waiting in cio_queue_put needs a consumer left "
               "to take (did the consumers stop early, when the queue looked empty?)",
               (unsigned long long)cio_test_seed());
    cio_expect(rc == 0, "the run ended with %d (%s), expected 0", rc, strerror(-rc));
    cio_expect(c.rc == 0, "pipeline_run returned %d (%s), expected 0%s", c.rc, strerror(-c.rc),
               c.rc == -EPIPE ? ". -EPIPE comes from putting into a closed queue: was it closed "
                                "before every producer had finished?" : "");
    cio_expect(w->bad_item == 0, "consume was handed %u pointer(s) that are no item",
               w->bad_item);
    size_t lost = 0, twice = 0, first_lost = 0, first_twice = 0;
    for (size_t pr = 0; pr < producers; pr++)
        for (size_t k = 0; k < w->per_producer; k++) {
            size_t id = pr * MAX_PER_PRODUCER + k;
            if (w->seen[id] == 0 && lost++ == 0)
                first_lost = id;
            if (w->seen[id] > 1 && twice++ == 0)
                first_twice = id;
        }
    cio_expect(lost == 0,
               "%zu of %zu items were produced but never consumed (the first: item %zu of "
               "producer %zu), seed %llu. Did a consumer stop while items were still coming?",
               lost, producers * w->per_producer, first_lost % MAX_PER_PRODUCER,
               first_lost / MAX_PER_PRODUCER, (unsigned long long)cio_test_seed());
    cio_expect(twice == 0, "%zu item(s) were consumed more than once (the first: item %zu of "
               "producer %zu, %u times), seed %llu", twice, first_twice % MAX_PER_PRODUCER,
               first_twice / MAX_PER_PRODUCER, w->seen[first_twice],
               (unsigned long long)cio_test_seed());
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0,
               "%llu task(s) were still running when pipeline_run returned: wait for every "
               "producer and consumer before returning",
               (unsigned long long)st->tasks_pending_at_exit);
    cio_expect(st->objects_live == 0,
               "%llu queue/lock/event object(s) were never freed",
               (unsigned long long)st->objects_live);
}

static void expect_bounded(const struct work *w, size_t bound, size_t capacity)
{
    cio_expect(w->most_between <= bound,
               "at one point %zu items had been produced and not yet taken by a consumer; "
               "with a queue of %zu the most possible is %zu (the queue full, every producer "
               "holding one, every consumer just handed one). Is the queue bounded?",
               w->most_between, capacity, bound);
}

/* ---- Visible cases ---------------------------------------------------------------- */

static void every_item_exactly_once(void **state)
{
    (void)state;
    static struct work w;
    memset(&w, 0, sizeof w);
    w.per_producer = 20;
    w.produce_seconds = -1;
    w.consume_seconds = -1;
    w.rng = cio_test_seed() * 977 + 3;
    run_pipeline(&w, 3, 4, 3);
    expect_bounded(&w, 3 + 3 + 4, 3);
}

static void queue_is_bounded(void **state)
{
    (void)state;
    static struct work w;
    memset(&w, 0, sizeof w);
    w.per_producer = 30;
    w.produce_seconds = 0;
    w.consume_seconds = 1.0;
    run_pipeline(&w, 1, 2, 2);
    expect_bounded(&w, 2 + 1 + 2, 2);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 15.0),
               "30 items, 2 consumers, 1.0 s each took %.1f s of loop time; expected 15.0 s",
               took);
}

static void consumers_run_in_parallel(void **state)
{
    (void)state;
    static struct work w;
    memset(&w, 0, sizeof w);
    w.per_producer = 12;
    w.produce_seconds = 0;
    w.consume_seconds = 1.0;
    run_pipeline(&w, 1, 3, 4);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 4.0),
               "12 items consumed by 3 consumers at 1.0 s each took %.1f s of loop time; "
               "expected 4.0 s: the consumers should work side by side", took);
}

static void clean_shutdown(void **state)
{
    (void)state;
    static struct work w;
    memset(&w, 0, sizeof w);
    w.per_producer = 5;
    w.produce_seconds = 1.0; /* the queue is often empty: consumers must keep waiting */
    w.consume_seconds = 0;
    run_pipeline(&w, 2, 3, 2);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 5.0),
               "2 producers making 5 items at 1.0 s each, with fast consumers, took %.1f s of "
               "loop time; expected 5.0 s: pipeline_run should return right after the last "
               "item is consumed", took);
    cio_expect(cio_test_stats()->tasks_live == 0, "%llu task(s) were never freed",
               (unsigned long long)cio_test_stats()->tasks_live);
}

#ifdef CIO_HIDDEN_TESTS
/* ---- Hidden cases ----------------------------------------------------------------- */

static void no_items_at_all(void **state)
{
    (void)state;
    static struct work w;
    memset(&w, 0, sizeof w);
    w.per_producer = 0;
    w.produce_seconds = 0;
    w.consume_seconds = 0;
    run_pipeline(&w, 3, 2, 1);
    cio_expect(w.taken == 0, "consume was called %zu time(s) though nothing was produced",
               w.taken);

    struct call bad = {{1, 0, 1, produce, consume, &w}, 99};
    int rc = cio_test_run(call_main, &bad);
    cio_expect(rc == 0 && bad.rc == -EINVAL,
               "pipeline_run with no consumers returned %d; expected -EINVAL", bad.rc);
}

static void many_producers_one_slot(void **state)
{
    (void)state;
    static struct work w;
    memset(&w, 0, sizeof w);
    w.per_producer = 10;
    w.produce_seconds = 0;
    w.consume_seconds = 0.125;
    run_pipeline(&w, 10, 2, 1);
    expect_bounded(&w, 1 + 10 + 2, 1);
    double took = cio_test_elapsed();
    cio_expect(cio_time_eq(took, 6.25),
               "100 items, 2 consumers, 0.125 s each took %.3f s of loop time; expected 6.250 s",
               took);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(every_item_exactly_once),
    cmocka_unit_test(queue_is_bounded),
    cmocka_unit_test(consumers_run_in_parallel),
    cmocka_unit_test(clean_shutdown),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(no_items_at_all),
    cmocka_unit_test(many_producers_one_slot),
#endif
};

CIO_TEST_MAIN(tests)
