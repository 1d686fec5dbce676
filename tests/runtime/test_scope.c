/*
 * test_scope.c — cancel scopes (Trio's move_on_at / move_on_after): deadlines fire at
 * their exact virtual time, cio_scope_close() says whether the scope was cancelled and
 * the task runs on, nested scopes each keep their own deadline, a shielded scope keeps
 * a task's cancellation out but not its own deadline, and a task cancelled from outside
 * stays cancelled through every scope except a shielded one.
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

#include "cio.h"
#include "support.h"

/* ---------------------------------------------------------------------------------- */
/* A task records each result with the loop time it was obtained; the test compares   */
/* the whole sequence with the expected one.                                          */
/* ---------------------------------------------------------------------------------- */

enum { MAX_STEPS = 16 };

struct steps {
    double t0;                    /* loop time when the recording task started */
    int    value[MAX_STEPS];      /* a result: a call's return value */
    double at[MAX_STEPS];         /* loop time it was obtained, relative to t0 */
    int    n;                     /* results recorded */
};

struct expected {
    int    value;                 /* the result expected */
    double at;                    /* at this loop time, relative to t0 */
    const char *what;             /* the call, for the failure message */
};

static void record(struct steps *st, int value) {
    if (st->n < MAX_STEPS) {
        st->value[st->n] = value;
        st->at[st->n] = cio_now() - st->t0;
    }
    st->n++;
}

static void expect_steps(const struct steps *st, const struct expected *want, int n) {
    if (st->n != n) fail_msg("recorded %d results, expected %d", st->n, n);
    for (int i = 0; i < n; i++) {
        if (st->value[i] != want[i].value)
            fail_msg("step %d (%s): got %d, expected %d", i, want[i].what, st->value[i], want[i].value);
        if (fabs(st->at[i] - want[i].at) > 1e-9)
            fail_msg("step %d (%s): at t0+%.9f, expected t0+%.9f", i, want[i].what, st->at[i], want[i].at);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Deadlines: absolute and relative, exact; close says whether it fired; move_on       */
/* ---------------------------------------------------------------------------------- */

static int absolute_deadline_main(void *p) {
    struct steps *st = p;
    st->t0 = cio_now();
    cio_scope s;
    cio_scope_open(&s, st->t0 + 1.5, 0);
    record(st, cio_scope_fired(&s));
    record(st, cio_sleep(10.0));
    record(st, cio_scope_fired(&s));
    record(st, cio_scope_close(&s));
    record(st, cio_sleep(1.0));
    record(st, cio_is_cancelled());
    return 0;
}

static void absolute_deadline_fires_at_its_time_and_the_task_runs_on(void **state) {
    (void)state;
    struct steps st = {0};
    assert_int_equal(run_virtual(absolute_deadline_main, &st), 0);
    const struct expected want[] = {
        {0, 0.0, "fired before the deadline"},
        {-ECANCELED, 1.5, "sleep(10) inside"},
        {1, 1.5, "fired after the deadline"},
        {1, 1.5, "close"},
        {0, 2.5, "sleep(1) after close"},
        {0, 2.5, "is_cancelled after close"},
    };
    expect_steps(&st, want, 6);
}

static int relative_deadline_main(void *p) {
    struct steps *st = p;
    st->t0 = cio_now();
    cio_sleep(0.5);
    cio_scope s;
    cio_scope_open_after(&s, 2.0, 0);
    record(st, cio_sleep(10.0));
    record(st, cio_scope_close(&s));
    return 0;
}

static void relative_deadline_fires_after_its_delay(void **state) {
    (void)state;
    struct steps st = {0};
    assert_int_equal(run_virtual(relative_deadline_main, &st), 0);
    const struct expected want[] = {
        {-ECANCELED, 2.5, "sleep(10) inside a 2 s scope opened at 0.5"},
        {1, 2.5, "close"},
    };
    expect_steps(&st, want, 2);
}

static int unfired_scope_main(void *p) {
    struct steps *st = p;
    st->t0 = cio_now();
    cio_scope s;
    cio_scope_open_after(&s, 5.0, 0);
    record(st, cio_sleep(1.0));
    record(st, cio_scope_fired(&s));
    record(st, cio_scope_close(&s));
    record(st, cio_sleep(10.0)); /* the closed scope's deadline (t0+5) must not fire */
    return 0;
}

static void scope_closed_before_its_deadline_returns_zero_and_is_disarmed(void **state) {
    (void)state;
    struct steps st = {0};
    assert_int_equal(run_virtual(unfired_scope_main, &st), 0);
    const struct expected want[] = {
        {0, 1.0, "sleep(1) inside a 5 s scope"},
        {0, 1.0, "fired"},
        {0, 1.0, "close"},
        {0, 11.0, "sleep(10) after close, across the old deadline"},
    };
    expect_steps(&st, want, 4);
}

static int cancel_in_same_task_main(void *p) {
    struct steps *st = p;
    st->t0 = cio_now();
    cio_scope s;
    cio_scope_open(&s, INFINITY, 0);
    record(st, cio_yield());
    cio_scope_cancel(&s); /* never suspends */
    record(st, cio_scope_fired(&s));
    record(st, cio_yield());
    record(st, cio_sleep(1.0));
    record(st, cio_scope_close(&s));
    record(st, cio_yield());

    cio_scope past;
    cio_scope_open(&past, cio_now() - 1.0, 0); /* a deadline already passed */
    record(st, cio_yield());
    record(st, cio_scope_close(&past));
    return 0;
}

static void scope_cancel_and_past_deadlines_cancel_at_once(void **state) {
    (void)state;
    struct steps st = {0};
    assert_int_equal(run_virtual(cancel_in_same_task_main, &st), 0);
    const struct expected want[] = {
        {0, 0.0, "yield before cio_scope_cancel"},
        {1, 0.0, "fired after cio_scope_cancel"},
        {-ECANCELED, 0.0, "yield after cio_scope_cancel"},
        {-ECANCELED, 0.0, "sleep(1) after cio_scope_cancel: level-triggered, no wait"},
        {1, 0.0, "close"},
        {0, 0.0, "yield after close"},
        {-ECANCELED, 0.0, "yield in a scope whose deadline has passed"},
        {1, 0.0, "close of that scope"},
    };
    expect_steps(&st, want, 8);
}

/* ---------------------------------------------------------------------------------- */
/* Nested scopes                                                                      */
/* ---------------------------------------------------------------------------------- */

static int inner_first_main(void *p) {
    struct steps *st = p;
    st->t0 = cio_now();
    cio_scope outer, inner;
    cio_scope_open_after(&outer, 3.0, 0);
    cio_scope_open_after(&inner, 1.0, 0);
    record(st, cio_sleep(10.0));
    record(st, cio_scope_fired(&outer));
    record(st, cio_scope_close(&inner));
    record(st, cio_sleep(10.0));
    record(st, cio_scope_close(&outer));
    record(st, cio_sleep(1.0));
    return 0;
}

static void nested_inner_deadline_fires_first_then_the_outer(void **state) {
    (void)state;
    struct steps st = {0};
    assert_int_equal(run_virtual(inner_first_main, &st), 0);
    const struct expected want[] = {
        {-ECANCELED, 1.0, "sleep(10) in inner (1 s) inside outer (3 s)"},
        {0, 1.0, "outer fired when the inner did"},
        {1, 1.0, "close inner"},
        {-ECANCELED, 3.0, "sleep(10) in outer"},
        {1, 3.0, "close outer"},
        {0, 4.0, "sleep(1) after both closed"},
    };
    expect_steps(&st, want, 6);
}

static int outer_first_main(void *p) {
    struct steps *st = p;
    st->t0 = cio_now();
    cio_scope outer, inner;
    cio_scope_open_after(&outer, 1.0, 0);
    cio_scope_open_after(&inner, 5.0, 0);
    record(st, cio_sleep(10.0));
    record(st, cio_scope_fired(&inner));
    record(st, cio_scope_close(&inner)); /* the inner scope itself was not cancelled */
    record(st, cio_sleep(1.0));          /* still inside the fired outer scope */
    record(st, cio_scope_close(&outer));
    record(st, cio_sleep(10.0));         /* across the closed inner scope's deadline */
    return 0;
}

static void nested_outer_deadline_cancels_inside_the_inner_scope(void **state) {
    (void)state;
    struct steps st = {0};
    assert_int_equal(run_virtual(outer_first_main, &st), 0);
    const struct expected want[] = {
        {-ECANCELED, 1.0, "sleep(10) in inner (5 s) inside outer (1 s)"},
        {0, 1.0, "inner fired"},
        {0, 1.0, "close inner: not cancelled itself"},
        {-ECANCELED, 1.0, "sleep(1) in the fired outer scope"},
        {1, 1.0, "close outer"},
        {0, 11.0, "sleep(10) after both closed"},
    };
    expect_steps(&st, want, 6);
}

/* ---------------------------------------------------------------------------------- */
/* Shields                                                                            */
/* ---------------------------------------------------------------------------------- */

struct shield_state {
    struct steps st;              /* what the guarded task recorded */
    int          status;          /* cio_await() of the guarded task */
};

/* Cancelled at t0+1 (by main) while sleeping in a shielded scope opened at t0. */
static int guarded_from_the_start(void *p) {
    struct shield_state *s = p;
    cio_scope shield;
    cio_scope_open(&shield, INFINITY, 1);
    record(&s->st, cio_sleep(2.0));
    record(&s->st, cio_scope_close(&shield));
    record(&s->st, cio_yield());
    /* cleanup after cancellation: a second shielded scope, then a shielded deadline */
    cio_scope_open(&shield, INFINITY, 1);
    record(&s->st, cio_sleep(0.5));
    record(&s->st, cio_scope_close(&shield));
    cio_scope_open_after(&shield, 0.25, 1);
    record(&s->st, cio_sleep(10.0));
    record(&s->st, cio_scope_close(&shield));
    record(&s->st, cio_sleep(1.0));
    return 0;
}

static int cancel_guarded_main(void *p) {
    struct shield_state *s = p;
    s->st.t0 = cio_now();
    cio_task *t = cio_spawn(guarded_from_the_start, s);
    cio_sleep(1.0);
    cio_cancel(t);
    s->status = cio_await(t);
    return 0;
}

static void shielded_scope_keeps_task_cancellation_out_but_not_its_deadline(void **state) {
    (void)state;
    struct shield_state s = {0};
    assert_int_equal(run_virtual(cancel_guarded_main, &s), 0);
    assert_int_equal(s.status, 0);
    const struct expected want[] = {
        {0, 2.0, "sleep(2) in a shield while the task is cancelled at 1"},
        {0, 2.0, "close shield: the shield itself was not cancelled"},
        {-ECANCELED, 2.0, "yield after the shield closed: still cancelled"},
        {0, 2.5, "cleanup sleep(0.5) in a new shield"},
        {0, 2.5, "close that shield"},
        {-ECANCELED, 2.75, "sleep(10) in a shield with its own 0.25 s deadline"},
        {1, 2.75, "close it: its deadline fired"},
        {-ECANCELED, 2.75, "sleep(1) outside any shield"},
    };
    expect_steps(&s.st, want, 8);
}

static int shield_inside_fired_scope_main(void *p) {
    struct steps *st = p;
    st->t0 = cio_now();
    cio_scope outer, shield;
    cio_scope_open_after(&outer, 1.0, 0);
    cio_scope_open(&shield, INFINITY, 1);
    record(st, cio_sleep(2.0)); /* the outer scope fires at 1 but cannot reach in */
    record(st, cio_scope_fired(&outer));
    record(st, cio_scope_close(&shield));
    record(st, cio_sleep(1.0));
    record(st, cio_scope_close(&outer));
    return 0;
}

static void shield_keeps_an_outer_scopes_deadline_out(void **state) {
    (void)state;
    struct steps st = {0};
    assert_int_equal(run_virtual(shield_inside_fired_scope_main, &st), 0);
    const struct expected want[] = {
        {0, 2.0, "sleep(2) in a shield inside a 1 s scope"},
        {1, 2.0, "outer fired"},
        {0, 2.0, "close shield"},
        {-ECANCELED, 2.0, "sleep(1) back in the fired outer scope"},
        {1, 2.0, "close outer"},
    };
    expect_steps(&st, want, 5);
}

/* ---------------------------------------------------------------------------------- */
/* A task cancelled from outside stays cancelled through every non-shielded scope      */
/* ---------------------------------------------------------------------------------- */

static int cancelled_through_scopes(void *p) {
    struct shield_state *s = p;
    cio_scope plain;
    cio_scope_open(&plain, INFINITY, 0);
    record(&s->st, cio_sleep(10.0)); /* cancelled by main at 1 */
    cio_scope_close(&plain);         /* its result is not what this test is about */
    record(&s->st, cio_sleep(1.0));  /* unlike a fired scope, task cancellation stays */
    cio_scope_open_after(&plain, 100.0, 0);
    record(&s->st, cio_yield());     /* a new non-shielded scope does not hide it */
    cio_scope_close(&plain);
    cio_scope shield;
    cio_scope_open(&shield, INFINITY, 1);
    record(&s->st, cio_sleep(1.0));  /* only a shield does */
    cio_scope_close(&shield);
    record(&s->st, cio_is_cancelled());
    return 0;
}

static int cancel_through_scopes_main(void *p) {
    struct shield_state *s = p;
    s->st.t0 = cio_now();
    cio_task *t = cio_spawn(cancelled_through_scopes, s);
    cio_sleep(1.0);
    cio_cancel(t);
    s->status = cio_await(t);
    return 0;
}

static void task_cancellation_reaches_through_every_scope_but_a_shield(void **state) {
    (void)state;
    struct shield_state s = {0};
    assert_int_equal(run_virtual(cancel_through_scopes_main, &s), 0);
    const struct expected want[] = {
        {-ECANCELED, 1.0, "sleep(10) in a plain scope, task cancelled at 1"},
        {-ECANCELED, 1.0, "sleep(1) after closing that scope"},
        {-ECANCELED, 1.0, "yield in a new plain scope with a far deadline"},
        {0, 2.0, "sleep(1) in a shield"},
        {1, 2.0, "is_cancelled after the shield"},
    };
    expect_steps(&s.st, want, 5);
}

/* ---------------------------------------------------------------------------------- */
/* cio_scope_cancel() from another task                                               */
/* ---------------------------------------------------------------------------------- */

struct remote_state {
    struct steps st;              /* what the victim recorded */
    cio_scope   *scope;           /* the victim's open scope, published for the canceller */
    int          shield;          /* open the victim's scope shielded */
};

static int victim(void *p) {
    struct remote_state *s = p;
    cio_scope mine;
    cio_scope_open(&mine, INFINITY, s->shield);
    s->scope = &mine;
    record(&s->st, cio_sleep(10.0));
    record(&s->st, cio_scope_fired(&mine));
    s->scope = NULL;
    record(&s->st, cio_scope_close(&mine));
    record(&s->st, cio_sleep(1.0));
    return 0;
}

static int canceller(void *p) {
    struct remote_state *s = p;
    cio_sleep(1.0);
    if (s->scope == NULL) return -ENOENT;
    cio_scope_cancel(s->scope);
    return 0;
}

static int remote_cancel_main(void *p) {
    struct remote_state *s = p;
    s->st.t0 = cio_now();
    cio_task *ts[2] = {cio_spawn(victim, s), cio_spawn(canceller, s)};
    return cio_gather(ts, 2);
}

static void scope_cancelled_from_another_task(void **state) {
    (void)state;
    for (int shield = 0; shield <= 1; shield++) { /* a shield does not stop its own cancel */
        struct remote_state s = {.shield = shield};
        assert_int_equal(run_virtual(remote_cancel_main, &s), 0);
        const struct expected want[] = {
            {-ECANCELED, 1.0, "sleep(10) in a scope another task cancels at 1"},
            {1, 1.0, "fired"},
            {1, 1.0, "close"},
            {0, 2.0, "sleep(1) after close"},
        };
        expect_steps(&s.st, want, 4);
    }
}

int main(void) {
    ignore_cio_environment();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(absolute_deadline_fires_at_its_time_and_the_task_runs_on),
        cmocka_unit_test(relative_deadline_fires_after_its_delay),
        cmocka_unit_test(scope_closed_before_its_deadline_returns_zero_and_is_disarmed),
        cmocka_unit_test(scope_cancel_and_past_deadlines_cancel_at_once),
        cmocka_unit_test(nested_inner_deadline_fires_first_then_the_outer),
        cmocka_unit_test(nested_outer_deadline_cancels_inside_the_inner_scope),
        cmocka_unit_test(shielded_scope_keeps_task_cancellation_out_but_not_its_deadline),
        cmocka_unit_test(shield_keeps_an_outer_scopes_deadline_out),
        cmocka_unit_test(task_cancellation_reaches_through_every_scope_but_a_shield),
        cmocka_unit_test(scope_cancelled_from_another_task),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
