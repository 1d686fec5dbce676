/*
 * ex1_order_test.c — tests for exercise 01.1 (schedule_tea): the four steps run as
 * loop callbacks, in order, at exact loop times, and the alarm never rings.
 * Every run happens under the virtual clock, so times are exact sums.
 */
#include "cio_test.h"

#include <errno.h>
#include <string.h>

struct tea {
    double     boil_time;  /* seconds from "kettle on" to "pour" (set by the caller) */
    double     steep_time; /* seconds from "pour" to "tea ready" (set by the caller) */
    cio_handle alarm;      /* a callback the caller scheduled; it must never run */
    void     (*step)(struct tea *t, const char *name); /* the caller's: call it for each step */
    void      *user;       /* the caller's; leave it alone */
};

int schedule_tea(struct tea *t);

/* ---- what the test records ------------------------------------------------------ */

enum { MAX_STEPS = 16 };

struct record {
    const char *names[MAX_STEPS]; /* step names in the order they ran */
    double      times[MAX_STEPS]; /* loop time of each step, relative to t0 */
    int         in_task[MAX_STEPS]; /* 1 if the step ran inside a task, not a loop callback */
    int         early[MAX_STEPS]; /* 1 if the step ran before schedule_tea() returned */
    int         nsteps;           /* how many steps ran */
    int         alarm_rang;       /* how many times the alarm rang */
    int         returned;         /* set once schedule_tea() has returned */
    double      t0;               /* cio_now() just before schedule_tea() */
    int         rc;               /* what schedule_tea() returned */
};

static void record_step(struct tea *t, const char *name)
{
    struct record *r = t->user;
    if (r->nsteps >= MAX_STEPS) return;
    r->names[r->nsteps] = name;
    r->times[r->nsteps] = cio_now() - r->t0;
    r->in_task[r->nsteps] = cio_current() != NULL;
    r->early[r->nsteps] = !r->returned;
    r->nsteps++;
}

static void ring_alarm(void *arg) { ((struct record *)arg)->alarm_rang++; }

/* One pot of tea: the parameters, the alarm's time, and how long to wait first. */
struct pot {
    struct tea    tea;      /* what schedule_tea() gets */
    struct record rec;      /* what happened */
    double        alarm_at; /* seconds after t0 the alarm would ring */
};

static void pot_init(struct pot *p, double boil, double steep, double alarm_at)
{
    memset(p, 0, sizeof *p);
    p->tea.boil_time = boil;
    p->tea.steep_time = steep;
    p->tea.step = record_step;
    p->tea.user = &p->rec;
    p->alarm_at = alarm_at;
}

static void pot_start(struct pot *p)
{
    p->rec.t0 = cio_now();
    p->tea.alarm = cio_call_later(p->alarm_at, ring_alarm, &p->rec);
    p->rec.rc = schedule_tea(&p->tea);
    p->rec.returned = 1;
}

struct scene {
    struct pot *pots;    /* the pots to brew at once */
    int         npots;   /* how many */
    double      delay;   /* loop time to let pass before starting */
};

static int scene_main(void *arg)
{
    struct scene *s = arg;
    if (s->delay > 0) cio_sleep(s->delay);
    for (int i = 0; i < s->npots; i++) pot_start(&s->pots[i]);
    cio_sleep(60.0); /* long after every step; free under the virtual clock */
    return 0;
}

static void run_scene(struct scene *s)
{
    assert_int_equal(cio_test_run(scene_main, s), 0);
}

/* The checks every test needs before it can look at its own aspect. */
static void expect_all_steps(const struct record *r)
{
    cio_expect(r->rc == 0, "schedule_tea() returned %d (%s), expected 0", r->rc,
               r->rc == -ENOSYS ? "-ENOSYS: still the stub" : "an error");
    cio_expect(r->nsteps == 4, "%d step(s) ran, expected 4: \"kettle on\", \"cups out\", "
               "\"pour\", \"tea ready\"", r->nsteps);
}

static const char *const expected_order[4] = {"kettle on", "cups out", "pour", "tea ready"};

static void expect_order(const struct record *r)
{
    for (int i = 0; i < 4; i++)
        cio_expect(r->names[i] && strcmp(r->names[i], expected_order[i]) == 0,
                   "step %d was \"%s\", expected \"%s\" (the order must be kettle on, cups "
                   "out, pour, tea ready)", i + 1, r->names[i] ? r->names[i] : "(none)",
                   expected_order[i]);
}

static void expect_times(const struct record *r, double boil, double steep)
{
    const double want[4] = {0.0, 0.0, boil, boil + steep};
    static const char *const why[4] = {"at once", "at once", "boil_time",
                                       "boil_time + steep_time"};
    for (int i = 0; i < 4; i++)
        cio_expect(cio_time_eq(r->times[i], want[i]),
                   "\"%s\" ran at t0 + %.3f s, expected t0 + %.3f s (%s, where t0 is when "
                   "schedule_tea() was called; boil_time is %.3f s, steep_time %.3f s)",
                   r->names[i], r->times[i], want[i], why[i], boil, steep);
}

/* ---- the tests ------------------------------------------------------------------- */

static void steps_in_order(void **state)
{
    (void)state;
    struct pot p;
    pot_init(&p, 3.0, 4.0, 2.0);
    struct scene s = {&p, 1, 0.0};
    run_scene(&s);
    expect_all_steps(&p.rec);
    expect_order(&p.rec);
}

static void steps_at_exact_times(void **state)
{
    (void)state;
    struct pot p;
    pot_init(&p, 3.0, 4.0, 2.0);
    struct scene s = {&p, 1, 0.0};
    run_scene(&s);
    expect_all_steps(&p.rec);
    expect_order(&p.rec);
    expect_times(&p.rec, 3.0, 4.0);
}

static void steps_run_as_loop_callbacks(void **state)
{
    (void)state;
    struct pot p;
    pot_init(&p, 3.0, 4.0, 2.0);
    struct scene s = {&p, 1, 0.0};
    run_scene(&s);
    expect_all_steps(&p.rec);
    for (int i = 0; i < 4; i++) {
        cio_expect(!p.rec.early[i], "\"%s\" ran before schedule_tea() returned: schedule it "
                   "with cio_call_soon() instead of calling t->step() yourself", p.rec.names[i]);
        cio_expect(!p.rec.in_task[i], "\"%s\" ran inside a task, not as a loop callback",
                   p.rec.names[i]);
    }
}

static void alarm_never_rings(void **state)
{
    (void)state;
    struct pot p;
    pot_init(&p, 3.0, 4.0, 2.0);
    struct scene s = {&p, 1, 0.0};
    run_scene(&s);
    expect_all_steps(&p.rec);
    cio_expect(p.rec.alarm_rang == 0, "the alarm rang %d time(s) at t0 + 2.0 s; cancel "
               "t->alarm with cio_handle_cancel()", p.rec.alarm_rang);
}

#ifdef CIO_HIDDEN_TESTS
/* t0 is not 0: times must be relative to when schedule_tea() was called. */
static void starts_later(void **state)
{
    (void)state;
    struct pot p;
    pot_init(&p, 1.5, 0.25, 1.0);
    struct scene s = {&p, 1, 5.0};
    run_scene(&s);
    expect_all_steps(&p.rec);
    expect_order(&p.rec);
    expect_times(&p.rec, 1.5, 0.25);
    cio_expect(p.rec.alarm_rang == 0, "the alarm rang; it must be cancelled");
}

/* Two pots at once: each keeps its own times, so nothing may live in globals. */
static void two_pots_at_once(void **state)
{
    (void)state;
    struct pot p[2];
    pot_init(&p[0], 3.0, 4.0, 2.0);
    pot_init(&p[1], 1.0, 0.5, 0.75);
    struct scene s = {p, 2, 0.0};
    run_scene(&s);
    expect_all_steps(&p[0].rec);
    expect_all_steps(&p[1].rec);
    expect_order(&p[0].rec);
    expect_order(&p[1].rec);
    expect_times(&p[0].rec, 3.0, 4.0);
    expect_times(&p[1].rec, 1.0, 0.5);
    cio_expect(p[0].rec.alarm_rang == 0 && p[1].rec.alarm_rang == 0,
               "an alarm rang; each pot's alarm must be cancelled");
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(steps_in_order),
    cmocka_unit_test(steps_at_exact_times),
    cmocka_unit_test(steps_run_as_loop_callbacks),
    cmocka_unit_test(alarm_never_rings),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(starts_later),
    cmocka_unit_test(two_pots_at_once),
#endif
};
CIO_TEST_MAIN(tests)
