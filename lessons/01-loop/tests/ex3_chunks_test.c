/*
 * ex3_chunks_test.c — tests for exercise 01.3 (crunch): the chunks all run, once and in
 * order, on_done comes once at the end, and a heartbeat timer is never late by more
 * than one chunk. Each chunk is simulated with cio_block_for(), which under the virtual
 * clock advances loop time exactly as a real computation would stall a real loop.
 */
#include "cio_test.h"

#include <errno.h>
#include <string.h>

struct job {
    int    chunks;                          /* how many chunks of work (set by the caller) */
    void (*do_chunk)(struct job *j, int i); /* the caller's: does chunk i; it blocks the loop */
    void (*on_done)(struct job *j);         /* the caller's: call it once, after the last chunk */
    void  *user;                            /* the caller's; leave it alone */
    int    next;                            /* yours: the next chunk to do */
};

int crunch(struct job *j);

/* ---- a job under test ------------------------------------------------------------- */

enum { MAX_CHUNKS = 512 };

struct work {
    struct job j;                 /* what crunch() gets */
    double     chunk_time;        /* each chunk blocks the loop this long */
    int        order[MAX_CHUNKS]; /* the i of each do_chunk call, in call order */
    int        calls;             /* how many do_chunk calls came */
    int        done;              /* how many on_done calls came */
    int        chunks_at_done;    /* do_chunk calls seen when on_done was first called */
    double     done_at;           /* loop time of the first on_done, relative to t0 */
    double     t0;                /* cio_now() just before crunch() */
    int        rc;                /* what crunch() returned */
};

static void do_chunk(struct job *j, int i)
{
    struct work *w = j->user;
    if (w->calls < MAX_CHUNKS) w->order[w->calls] = i;
    w->calls++;
    cio_block_for(w->chunk_time); /* a computation: nothing else runs meanwhile */
}

static void on_done(struct job *j)
{
    struct work *w = j->user;
    if (!w->done++) {
        w->done_at = cio_now() - w->t0;
        w->chunks_at_done = w->calls;
    }
}

static void work_init(struct work *w, int chunks, double chunk_time)
{
    memset(w, 0, sizeof *w);
    w->j.chunks = chunks;
    w->j.do_chunk = do_chunk;
    w->j.on_done = on_done;
    w->j.user = w;
    w->chunk_time = chunk_time;
}

/* ---- the heartbeat: a timer every 0.25 s that notes how late it ran ---------------- */

struct heart {
    double         period;      /* seconds between beats */
    double         t0;          /* when it started */
    int            beats;       /* beats so far */
    double         worst;       /* the worst lateness seen, in seconds */
    int            worst_beat;  /* which beat it was */
    struct work   *works;       /* stop beating once every job is done */
    int            nworks;      /* how many jobs */
};

static void beat(void *arg)
{
    struct heart *h = arg;
    h->beats++;
    double late = cio_now() - (h->t0 + h->beats * h->period);
    if (late > h->worst) {
        h->worst = late;
        h->worst_beat = h->beats;
    }
    for (int i = 0; i < h->nworks; i++)
        if (!h->works[i].done) {
            cio_call_at(h->t0 + (h->beats + 1) * h->period, beat, h);
            return;
        }
}

struct scene {
    struct work *works;  /* the jobs, started together */
    int          nworks; /* how many */
    struct heart heart;  /* the heartbeat */
};

static int scene_main(void *arg)
{
    struct scene *s = arg;
    double total = 0;
    s->heart.period = 0.25;
    s->heart.t0 = cio_now();
    s->heart.works = s->works;
    s->heart.nworks = s->nworks;
    cio_call_at(s->heart.t0 + s->heart.period, beat, &s->heart);
    for (int i = 0; i < s->nworks; i++) {
        s->works[i].t0 = cio_now();
        s->works[i].rc = crunch(&s->works[i].j);
        total += s->works[i].j.chunks * s->works[i].chunk_time;
    }
    cio_sleep(total + 5.0);
    return 0;
}

static void run_scene(struct scene *s)
{
    assert_int_equal(cio_test_run(scene_main, s), 0);
    for (int i = 0; i < s->nworks; i++) {
        const struct work *w = &s->works[i];
        cio_expect(w->rc == 0, "crunch() returned %d (%s), expected 0", w->rc,
                   w->rc == -ENOSYS ? "-ENOSYS: still the stub" : "an error");
        cio_expect(w->done, "on_done was never called (%d of %d chunks ran)", w->calls,
                   w->j.chunks);
    }
}

/* A beat that falls due while chunk k runs is queued behind chunk k+1, which chunk k
 * queued before the timer fired: so, one chunk per callback, no beat is later than two
 * chunks. Doing everything in one go makes it late by the whole computation. */
static void expect_heartbeat_kept(const struct scene *s, double chunk)
{
    cio_expect(s->heart.worst <= 2 * chunk + 1e-9,
               "heartbeat %d ran %.3f s late; with one chunk per callback no beat is later "
               "than two chunks%s (%.3f s). Does the loop get control back between chunks?",
               s->heart.worst_beat, s->heart.worst, s->nworks > 1 ? " of each job" : "",
               2 * chunk);
}

static void expect_chunks_in_order(const struct work *w)
{
    cio_expect(w->calls == w->j.chunks, "do_chunk was called %d times, expected %d (once per "
               "chunk)", w->calls, w->j.chunks);
    for (int k = 0; k < w->calls && k < MAX_CHUNKS; k++)
        cio_expect(w->order[k] == k, "call %d of do_chunk did chunk %d, expected chunk %d",
                   k + 1, w->order[k], k);
}

/* ---- the tests ------------------------------------------------------------------- */

static void heartbeat_keeps_its_schedule(void **state)
{
    (void)state;
    struct work w;
    work_init(&w, 100, 0.05);
    struct scene s = {.works = &w, .nworks = 1};
    run_scene(&s);
    expect_heartbeat_kept(&s, 0.05);
}

static void every_chunk_once_in_order(void **state)
{
    (void)state;
    struct work w;
    work_init(&w, 100, 0.05);
    struct scene s = {.works = &w, .nworks = 1};
    run_scene(&s);
    expect_chunks_in_order(&w);
    expect_heartbeat_kept(&s, 0.05);
}

static void done_once_after_the_last_chunk(void **state)
{
    (void)state;
    struct work w;
    work_init(&w, 20, 0.1);
    struct scene s = {.works = &w, .nworks = 1};
    run_scene(&s);
    cio_expect(w.done == 1, "on_done was called %d times, expected once", w.done);
    cio_expect(w.chunks_at_done == 20, "on_done came after %d of 20 chunks, expected after "
               "the last one", w.chunks_at_done);
    expect_heartbeat_kept(&s, 0.1); /* chunks of 0.1 s */
}

static void no_idle_time_between_chunks(void **state)
{
    (void)state;
    struct work w;
    work_init(&w, 100, 0.05);
    struct scene s = {.works = &w, .nworks = 1};
    run_scene(&s);
    expect_heartbeat_kept(&s, 0.05);
    cio_expect(w.done_at <= 100 * 0.05 + 1e-9,
               "the work finished at t0 + %.3f s; its 100 chunks of 0.05 s need only 5.000 s. "
               "Queue the next chunk to run as soon as possible, not after a delay", w.done_at);
}

#ifdef CIO_HIDDEN_TESTS
/* An empty job beside a real one: done at once, and the real one still shares. */
static void zero_chunks(void **state)
{
    (void)state;
    struct work w[2];
    work_init(&w[0], 0, 0.05);
    work_init(&w[1], 50, 0.05);
    struct scene s = {.works = w, .nworks = 2};
    run_scene(&s);
    cio_expect(w[0].calls == 0, "do_chunk was called %d times for a job of 0 chunks",
               w[0].calls);
    cio_expect(w[0].done == 1, "on_done was called %d times for a job of 0 chunks, expected "
               "once", w[0].done);
    expect_chunks_in_order(&w[1]);
    expect_heartbeat_kept(&s, 0.05);
}

/* Two jobs share one loop: both progress, neither starves the heartbeat. */
static void two_jobs_share_the_loop(void **state)
{
    (void)state;
    struct work w[2];
    work_init(&w[0], 40, 0.05);
    work_init(&w[1], 60, 0.02);
    struct scene s = {.works = w, .nworks = 2};
    run_scene(&s);
    expect_chunks_in_order(&w[0]);
    expect_chunks_in_order(&w[1]);
    expect_heartbeat_kept(&s, 0.05 + 0.02); /* each iteration runs one chunk of each */
    cio_expect(w[0].done == 1 && w[1].done == 1, "on_done was called %d and %d times, "
               "expected once each", w[0].done, w[1].done);
    cio_expect(w[0].done_at <= 3.2 + 1e-9 && w[1].done_at <= 3.2 + 1e-9,
               "the jobs finished at t0 + %.3f s and t0 + %.3f s; all their chunks together "
               "need only 3.200 s", w[0].done_at, w[1].done_at);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(heartbeat_keeps_its_schedule),
    cmocka_unit_test(every_chunk_once_in_order),
    cmocka_unit_test(done_once_after_the_last_chunk),
    cmocka_unit_test(no_idle_time_between_chunks),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(zero_chunks),
    cmocka_unit_test(two_jobs_share_the_loop),
#endif
};
CIO_TEST_MAIN(tests)
