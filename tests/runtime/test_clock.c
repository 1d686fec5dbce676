/*
 * test_clock.c — the virtual clock that makes every timing test exact: when all tasks
 * wait, loop time jumps to the next deadline (1,000 sleepers of up to 1,000 s finish in
 * a blink of real time, each at its exact second); cio_block_for() on the loop thread
 * advances loop time by exactly its amount and holds every other task back; and the
 * CIO_VIRTUAL_CLOCK environment variable overrides the config both ways.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cio.h"
#include "support.h"

static double real_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A real run of the programs below would take at least this long; the virtual clock
   must finish far sooner on any machine, however slow. */
enum { REAL_SECONDS_LIMIT = 10 };

/* ---------------------------------------------------------------------------------- */
/* 1,000 sleepers                                                                     */
/* ---------------------------------------------------------------------------------- */

enum { SLEEPERS = 1000 };

struct sleepers_state {
    double t0;                    /* loop time when main started */
    double woke_at[SLEEPERS];     /* loop time sleeper i woke, relative to t0 */
    int    sleep_rc[SLEEPERS];    /* what sleeper i's cio_sleep() returned */
    int    wake_order[SLEEPERS];  /* indices in the order the sleepers woke */
    int    woken;                 /* sleepers woken so far */
    double elapsed;               /* loop time the whole run took */
};

struct sleeper {
    struct sleepers_state *s;     /* shared results */
    int                    index; /* sleeps index + 1 seconds */
};

static int sleeper_body(void *p) {
    struct sleeper *me = p;
    struct sleepers_state *s = me->s;
    s->sleep_rc[me->index] = cio_sleep((double)(me->index + 1));
    s->woke_at[me->index] = cio_now() - s->t0;
    s->wake_order[s->woken++] = me->index;
    return 0;
}

static int sleepers_main(void *p) {
    struct sleepers_state *s = p;
    static struct sleeper args[SLEEPERS];
    static cio_task *tasks[SLEEPERS];
    s->t0 = cio_now();
    /* spawned in reverse so that wake order cannot come from spawn order */
    for (int i = SLEEPERS - 1; i >= 0; i--) {
        args[i] = (struct sleeper){s, i};
        tasks[i] = cio_spawn(sleeper_body, &args[i]);
        if (tasks[i] == NULL) return -ENOMEM;
    }
    int rc = cio_gather(tasks, SLEEPERS);
    s->elapsed = cio_now() - s->t0;
    return rc;
}

static void thousand_sleepers_finish_at_exact_times_in_no_real_time(void **state) {
    (void)state;
    static struct sleepers_state s;
    memset(&s, 0, sizeof s);
    double real_start = real_seconds();
    cio_config cfg = {.virtual_clock = 1, .slow_step = -1}; /* spawning 1,000 is one long step */
    assert_int_equal(cio_run(sleepers_main, &s, &cfg), 0);
    double real_took = real_seconds() - real_start;

    assert_time_equal(s.elapsed, (double)SLEEPERS);
    assert_int_equal(s.woken, SLEEPERS);
    for (int i = 0; i < SLEEPERS; i++) {
        assert_int_equal(s.sleep_rc[i], 0);
        assert_time_equal(s.woke_at[i], (double)(i + 1));
        assert_int_equal(s.wake_order[i], i);
    }
    if (real_took >= REAL_SECONDS_LIMIT)
        fail_msg("1,000 s of virtual sleeping took %.1f s of real time", real_took);
}

/* ---------------------------------------------------------------------------------- */
/* cio_block_for() on the loop thread                                                 */
/* ---------------------------------------------------------------------------------- */

enum { MAX_TICKS = 32 };

struct block_state {
    double     t0;                /* loop time when main started */
    cio_event *third_tick;        /* set by the heartbeat at its third tick */
    int        stop;              /* set by main: the heartbeat returns at its next tick */
    double     ticks[MAX_TICKS];  /* loop time of each heartbeat tick, relative to t0 */
    int        nticks;            /* ticks so far */
    double     before_block;      /* loop time just before cio_block_for(1.0) */
    double     after_block;       /* loop time just after it */
    int        ticks_after_block; /* nticks right after the block, same step */
};

static int heartbeat(void *p) {
    struct block_state *s = p;
    for (;;) {
        if (cio_sleep(0.1) != 0) return -ECANCELED;
        if (s->stop) return 0;
        if (s->nticks < MAX_TICKS) s->ticks[s->nticks] = cio_now() - s->t0;
        s->nticks++;
        if (s->nticks == 3) cio_event_set(s->third_tick); /* main blocks as this sleep starts */
    }
}

static int blocking_main(void *p) {
    struct block_state *s = p;
    s->t0 = cio_now();
    s->third_tick = cio_event_new();
    cio_task *hb = cio_spawn(heartbeat, s);
    cio_event_wait(s->third_tick);
    s->before_block = cio_now() - s->t0;
    cio_block_for(1.0);
    s->after_block = cio_now() - s->t0;
    s->ticks_after_block = s->nticks;
    cio_sleep(0.25);
    s->stop = 1;
    int rc = cio_await(hb);
    cio_event_free(s->third_tick);
    return rc;
}

static void block_for_advances_loop_time_and_delays_every_task(void **state) {
    (void)state;
    struct block_state s = {0};
    cio_config cfg = {.virtual_clock = 1, .slow_step = -1}; /* the block is on purpose */
    assert_int_equal(cio_run(blocking_main, &s, &cfg), 0);
    assert_time_equal(s.before_block, 0.3);
    assert_time_equal(s.after_block - s.before_block, 1.0);
    assert_int_equal(s.ticks_after_block, 3); /* nothing else ran while the loop was blocked */
    /* the heartbeat's sleep started at 0.3 together with the block: the tick due at 0.4
       comes at 1.3, exactly the blocked second after the previous one, then resumes its beat */
    const double want[] = {0.1, 0.2, 0.3, 1.3, 1.4, 1.5};
    assert_int_equal(s.nticks, 6);
    for (int i = 0; i < 6; i++) assert_time_equal(s.ticks[i], want[i]);
    assert_time_equal(s.ticks[3] - s.ticks[2], 1.0);
}

/* ---------------------------------------------------------------------------------- */
/* cio_sleep_until(): periodic work without drift                                     */
/* ---------------------------------------------------------------------------------- */

struct periodic_state {
    double t0;                    /* loop time when main started */
    double woke_at[10];           /* loop time of each period's wake-up, relative to t0 */
    int    rc;                    /* OR of every cio_sleep_until() result */
};

static int periodic_main(void *p) {
    struct periodic_state *s = p;
    s->t0 = cio_now();
    for (int k = 1; k <= 10; k++) {
        s->rc |= cio_sleep_until(s->t0 + 0.3 * k);
        s->woke_at[k - 1] = cio_now() - s->t0;
        cio_block_for(0.05); /* some work each period: must not shift later periods */
    }
    return 0;
}

static void sleep_until_wakes_at_absolute_times_without_drift(void **state) {
    (void)state;
    struct periodic_state s = {0};
    assert_int_equal(run_virtual(periodic_main, &s), 0);
    assert_int_equal(s.rc, 0);
    for (int k = 1; k <= 10; k++) assert_time_equal(s.woke_at[k - 1], 0.3 * k);
}

/* ---------------------------------------------------------------------------------- */
/* CIO_VIRTUAL_CLOCK overrides the config                                             */
/* ---------------------------------------------------------------------------------- */

struct nap_state {
    double seconds;               /* how long main sleeps */
    int    rc;                    /* what cio_sleep() returned */
    double elapsed;               /* loop time that passed */
};

static int nap_main(void *p) {
    struct nap_state *s = p;
    double t0 = cio_now();
    s->rc = cio_sleep(s->seconds);
    s->elapsed = cio_now() - t0;
    return 0;
}

static void env_virtual_clock_1_turns_it_on(void **state) {
    (void)state;
    struct nap_state s = {.seconds = 100.0};
    cio_config cfg = {.virtual_clock = 0};
    setenv("CIO_VIRTUAL_CLOCK", "1", 1);
    double real_start = real_seconds();
    int rc = cio_run(nap_main, &s, &cfg);
    double real_took = real_seconds() - real_start;
    unsetenv("CIO_VIRTUAL_CLOCK");
    assert_int_equal(rc, 0);
    assert_int_equal(s.rc, 0);
    assert_time_equal(s.elapsed, 100.0);
    if (real_took >= REAL_SECONDS_LIMIT) fail_msg("a virtual 100 s sleep took %.1f s of real time", real_took);
}

static void env_virtual_clock_0_turns_it_off(void **state) {
    (void)state;
    struct nap_state s = {.seconds = 0.2};
    cio_config cfg = {.virtual_clock = 1};
    setenv("CIO_VIRTUAL_CLOCK", "0", 1);
    double real_start = real_seconds();
    int rc = cio_run(nap_main, &s, &cfg);
    double real_took = real_seconds() - real_start;
    unsetenv("CIO_VIRTUAL_CLOCK");
    assert_int_equal(rc, 0);
    assert_int_equal(s.rc, 0);
    if (real_took < 0.19) fail_msg("a real 0.2 s sleep took only %.3f s of real time", real_took);
    assert_true(s.elapsed >= 0.19);
}

int main(void) {
    ignore_cio_environment();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(thousand_sleepers_finish_at_exact_times_in_no_real_time),
        cmocka_unit_test(block_for_advances_loop_time_and_delays_every_task),
        cmocka_unit_test(sleep_until_wakes_at_absolute_times_without_drift),
        cmocka_unit_test(env_virtual_clock_1_turns_it_on),
        cmocka_unit_test(env_virtual_clock_0_turns_it_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
