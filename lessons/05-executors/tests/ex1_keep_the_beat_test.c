/*
 * ex1_keep_the_beat_test.c — tests for 05.1: a blocking read moved to the executor so
 * that a heartbeat keeps ticking every 0.1 s. blocking_read() uses cio_block_for():
 * on the loop thread it stalls every task for the latency (loop time jumps), in an
 * executor job only the job's own result is late — so every time below is exact.
 */
#include "cio_test.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---- What the learner's file defines ----------------------------------------------- */
struct sensor;
int read_sensor(struct sensor *s, int *value);

/* ---- The simulated device ------------------------------------------------------------ */
struct sensor {
    double    latency;      /* seconds blocking_read() holds its thread */
    int       reading;      /* what it returns (>= 0), or -EIO */
    int       reads;        /* blocking_read() calls (atomic: they run on worker threads) */
    int       on_loop;      /* calls made on the loop thread (atomic) */
};

static pthread_t loop_thread; /* the thread running cio_run(), set by each test's main */

int blocking_read(struct sensor *s)
{
    __atomic_add_fetch(&s->reads, 1, __ATOMIC_SEQ_CST);
    if (pthread_equal(pthread_self(), loop_thread)) __atomic_add_fetch(&s->on_loop, 1, __ATOMIC_SEQ_CST);
    cio_block_for(s->latency);
    return s->reading;
}

/* ---- The heartbeat and the reader --------------------------------------------------------- */
#define BEAT   0.1
#define MAXT   64
#define MAXR   8

struct scene {
    struct sensor sensor[4];      /* the devices */
    int           nbeats;         /* heartbeats to run (0: no heartbeat) */
    double        ticks[MAXT];    /* when each heartbeat happened */
    int           nticks;         /* how many happened */
    int           nreads;         /* reads the reader makes, one after another */
    int           which;          /* which sensor the reader reads */
    int           rc[MAXR];       /* read_sensor() results */
    int           value[MAXR];    /* the values it stored */
    double        done_at[MAXR];  /* when each read_sensor() returned */
    double        cancel_at;      /* > 0: cancel the reader at this time */
};

static int heartbeat(void *p)
{
    struct scene *sc = p;
    double start = cio_now();
    for (int k = 1; k <= sc->nbeats && sc->nticks < MAXT; k++) {
        if (cio_sleep_until(start + k * BEAT) < 0) break;
        sc->ticks[sc->nticks++] = cio_now();
    }
    return 0;
}

static int reader(void *p)
{
    struct scene *sc = p;
    for (int i = 0; i < sc->nreads && i < MAXR; i++) {
        sc->value[i] = -1;
        sc->rc[i] = read_sensor(&sc->sensor[sc->which], &sc->value[i]);
        sc->done_at[i] = cio_now();
    }
    return 0;
}

static int scene_main(void *p)
{
    struct scene *sc = p;
    loop_thread = pthread_self();
    cio_task *hb = sc->nbeats ? cio_spawn(heartbeat, sc) : NULL;
    cio_task *rd = cio_spawn(reader, sc);
    if (sc->cancel_at > 0) {
        cio_sleep(sc->cancel_at);
        cio_cancel(rd);
    }
    cio_await(rd);
    if (hb) cio_await(hb);
    return 0;
}

static void run_scene(struct scene *sc)
{
    int run_rc = cio_test_run(scene_main, sc);
    cio_expect(run_rc == 0, "the run returned %d, expected 0", run_rc);
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0 && st->tasks_live == 0,
               "%llu task(s) were left pending", (unsigned long long)st->tasks_pending_at_exit);
}

static void expect_off_loop(struct sensor *s)
{
    cio_expect(s->on_loop == 0,
               "blocking_read() ran on the loop thread %d time(s) out of %d: while it blocks, no "
               "task runs — run it with cio_to_thread()", s->on_loop, s->reads);
}

/* ---- Tests ---------------------------------------------------------------------------- */

/* Two reads of 0.45 s each while the heartbeat ticks ten times: every tick on time. */
static void heartbeat_keeps_time(void **state)
{
    (void)state;
    struct scene sc = {.nbeats = 10, .nreads = 2};
    sc.sensor[0] = (struct sensor){.latency = 0.45, .reading = 42};
    run_scene(&sc);
    cio_expect(sc.nticks == 10, "the heartbeat ticked %d times, expected 10", sc.nticks);
    for (int k = 0; k < 10; k++)
        cio_expect(cio_time_eq(sc.ticks[k], BEAT * (k + 1)),
                   "heartbeat %d came at %.3f s, expected %.3f s: %s", k + 1, sc.ticks[k],
                   BEAT * (k + 1),
                   sc.ticks[k] > BEAT * (k + 1) + 1e-9
                       ? "the loop was blocked — while blocking_read() holds the loop thread, no "
                         "other task can run"
                       : "too early");
    for (int i = 0; i < 2; i++)
        cio_expect(cio_time_eq(sc.done_at[i], 0.45 * (i + 1)),
                   "read %d returned at %.3f s, expected %.3f s (each read takes 0.45 s)", i + 1,
                   sc.done_at[i], 0.45 * (i + 1));
    expect_off_loop(&sc.sensor[0]);
}

/* The reading comes back through *value; a broken sensor's error through the result. */
static void reading_is_returned(void **state)
{
    (void)state;
    struct scene sc = {.nreads = 1};
    sc.sensor[0] = (struct sensor){.latency = 0.3, .reading = 1234};
    run_scene(&sc);
    cio_expect(sc.rc[0] == 0 && sc.value[0] == 1234,
               "read_sensor() returned %d with *value = %d, expected 0 with 1234", sc.rc[0],
               sc.value[0]);
    expect_off_loop(&sc.sensor[0]);

    struct scene broken = {.nreads = 1};
    broken.sensor[0] = (struct sensor){.latency = 0.2, .reading = -EIO};
    run_scene(&broken);
    cio_expect(broken.rc[0] == -EIO, "read_sensor() on a broken sensor returned %d, expected -EIO "
               "(%d), blocking_read()'s error", broken.rc[0], -EIO);
    cio_expect(cio_time_eq(broken.done_at[0], 0.2), "read_sensor() returned at %.3f s, expected "
               "0.200 s", broken.done_at[0]);
    expect_off_loop(&broken.sensor[0]);
}

/* Five reads: the loop never ran a step longer than an instant. */
static void loop_never_blocked(void **state)
{
    (void)state;
    struct scene sc = {.nreads = 5};
    sc.sensor[0] = (struct sensor){.latency = 0.25, .reading = 7};
    run_scene(&sc);
    const cio_stats *st = cio_test_stats();
    cio_expect(st->longest_step < 1e-9,
               "task '%s' ran %.3f s without letting the loop run: blocking_read() must not run "
               "on the loop thread", st->longest_step_task, st->longest_step);
    cio_expect(st->executor_jobs == 5, "%llu executor job(s) for 5 reads, expected 5",
               (unsigned long long)st->executor_jobs);
    cio_expect(cio_time_eq(sc.done_at[4], 1.25), "the fifth read returned at %.3f s, expected "
               "1.250 s", sc.done_at[4]);
}

#ifdef CIO_HIDDEN_TESTS
/* Two readers of two sensors at once, two executor threads: the reads overlap. */
struct pair { struct scene a, b; };

static int pair_main(void *p)
{
    struct pair *pr = p;
    loop_thread = pthread_self();
    cio_task *ta = cio_spawn(reader, &pr->a), *tb = cio_spawn(reader, &pr->b);
    cio_await(ta);
    cio_await(tb);
    return 0;
}

static void two_sensors_overlap(void **state)
{
    (void)state;
    struct pair pr = {.a = {.nreads = 1}, .b = {.nreads = 1}};
    pr.a.sensor[0] = (struct sensor){.latency = 0.5, .reading = 1};
    pr.b.sensor[0] = (struct sensor){.latency = 0.7, .reading = 2};
    cio_config cfg = {.executor_threads = 2};
    int run_rc = cio_test_run_with(pair_main, &pr, &cfg);
    cio_expect(run_rc == 0, "the run returned %d, expected 0", run_rc);
    cio_expect(pr.a.value[0] == 1 && pr.b.value[0] == 2, "the readings were %d and %d, expected 1 "
               "and 2", pr.a.value[0], pr.b.value[0]);
    cio_expect(cio_time_eq(pr.a.done_at[0], 0.5) && cio_time_eq(pr.b.done_at[0], 0.7),
               "the reads returned at %.3f s and %.3f s, expected 0.500 s and 0.700 s: two reads "
               "on two executor threads overlap", pr.a.done_at[0], pr.b.done_at[0]);
}

/* The reader is cancelled during a 1.0 s read: read_sensor() returns at once. */
static void cancel_returns_at_once(void **state)
{
    (void)state;
    struct scene sc = {.nreads = 1, .cancel_at = 0.2, .nbeats = 5};
    sc.sensor[0] = (struct sensor){.latency = 1.0, .reading = 5};
    run_scene(&sc);
    cio_expect(sc.rc[0] == -ECANCELED, "read_sensor() returned %d when its task was cancelled, "
               "expected -ECANCELED", sc.rc[0]);
    cio_expect(cio_time_eq(sc.done_at[0], 0.2), "read_sensor() returned at %.3f s, expected 0.200 s "
               "(at once when cancelled; the job finishes in the background)", sc.done_at[0]);
    cio_expect(sc.nticks == 5 && cio_time_eq(sc.ticks[4], 0.5), "the heartbeat ticked %d times, "
               "the last at %.3f s, expected 5 ticks, the last at 0.500 s", sc.nticks,
               sc.nticks ? sc.ticks[sc.nticks - 1] : 0.0);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(heartbeat_keeps_time),
    cmocka_unit_test(reading_is_returned),
    cmocka_unit_test(loop_never_blocked),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(two_sensors_overlap),
    cmocka_unit_test(cancel_returns_at_once),
#endif
};
CIO_TEST_MAIN(tests)
