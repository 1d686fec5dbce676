/*
 * ex1_pingpong_test.c — tests for exercise 02.1 (play): ping and pong alternate exactly,
 * each from its own task, both tasks are finished when play() returns, and no loop time
 * passes. The grader runs these under many schedule seeds (CIO_SEED), so that an
 * alternation that only holds in FIFO order is caught.
 */
#include "cio_test.h"

#include <errno.h>
#include <string.h>

struct table {
    int    rallies; /* how many times each player hits (set by the caller) */
    void (*hit)(struct table *t, const char *who); /* the caller's: call it for each hit */
    void  *user;    /* the caller's; leave it alone */
    int    turn;    /* yours: 0 when ping may hit, 1 when pong may */
};

int play(struct table *t);

/* ---- what the test records ------------------------------------------------------ */

enum { MAX_HITS = 4096 };

struct match {
    struct table t;                 /* what play() gets */
    int          rc;                /* what play() returned */
    cio_task    *main_task;         /* the task that called play() */
    const char  *who[MAX_HITS];     /* the name passed with each hit */
    cio_task    *from[MAX_HITS];    /* the task each hit came from */
    int          hits;              /* how many hits came */
    uint64_t     live_before;       /* tasks alive just before play() */
    uint64_t     live_after;        /* tasks alive just after play() returned */
};

static void hit(struct table *t, const char *who)
{
    struct match *m = t->user;
    if (m->hits < MAX_HITS) {
        m->who[m->hits] = who;
        m->from[m->hits] = cio_current();
    }
    m->hits++;
}

static int match_main(void *arg)
{
    struct match *m = arg;
    cio_stats st;
    m->main_task = cio_current();
    cio_stats_get(&st);
    m->live_before = st.tasks_live;
    m->rc = play(&m->t);
    cio_stats_get(&st);
    m->live_after = st.tasks_live;
    return 0;
}

static void run_match(struct match *m, int rallies)
{
    memset(m, 0, sizeof *m);
    m->t.rallies = rallies;
    m->t.hit = hit;
    m->t.user = m;
    assert_int_equal(cio_test_run(match_main, m), 0);
    cio_expect(m->rc == 0, "play() returned %d (%s), expected 0", m->rc,
               m->rc == -ENOSYS ? "-ENOSYS: still the stub" : "an error");
}

static void expect_alternation(const struct match *m)
{
    int want = 2 * m->t.rallies;
    cio_expect(m->hits == want, "%d hits came, expected %d (%d rallies each for ping and "
               "pong) (schedule seed %llu)", m->hits, want, m->t.rallies,
               (unsigned long long)cio_test_seed());
    for (int i = 0; i < m->hits && i < MAX_HITS; i++) {
        const char *w = i % 2 ? "pong" : "ping";
        cio_expect(m->who[i] && strcmp(m->who[i], w) == 0,
                   "hit %d was \"%s\", expected \"%s\": %s (schedule seed %llu)", i + 1,
                   m->who[i] ? m->who[i] : "(null)", w,
                   i ? (m->who[i - 1] && m->who[i] && strcmp(m->who[i - 1], m->who[i]) == 0
                            ? "the same player hit twice in a row; a yield does not promise "
                              "that the other task runs next"
                            : "the order broke")
                     : "ping serves first",
                   (unsigned long long)cio_test_seed());
    }
}

/* ---- the tests ------------------------------------------------------------------- */

static void alternates_exactly(void **state)
{
    (void)state;
    struct match m;
    run_match(&m, 10);
    expect_alternation(&m);
}

static void every_hit_from_its_own_task(void **state)
{
    (void)state;
    struct match m;
    run_match(&m, 5);
    expect_alternation(&m);
    cio_task *ping = m.from[0], *pong = m.from[1];
    cio_expect(ping && pong && ping != m.main_task && pong != m.main_task,
               "the hits came from play()'s own task; each player must be a task of its own "
               "(cio_spawn)");
    cio_expect(ping != pong, "ping and pong hit from the same task; spawn one task per player");
    for (int i = 0; i < m.hits; i++)
        cio_expect(m.from[i] == (i % 2 ? pong : ping),
                   "hit %d (%s) came from a different task than that player's first hit",
                   i + 1, m.who[i]);
}

static void both_done_when_play_returns(void **state)
{
    (void)state;
    struct match m;
    run_match(&m, 5);
    expect_alternation(&m);
    cio_expect(m.live_after == m.live_before, "when play() returned, %llu task(s) were still "
               "alive besides the caller; await both players before returning",
               (unsigned long long)(m.live_after - m.live_before));
    cio_expect(cio_test_stats()->tasks_pending_at_exit == 0,
               "%llu task(s) were still pending when the test ended",
               (unsigned long long)cio_test_stats()->tasks_pending_at_exit);
}

static void no_loop_time_passes(void **state)
{
    (void)state;
    struct match m;
    run_match(&m, 10);
    expect_alternation(&m);
    cio_expect(cio_test_elapsed() == 0.0, "the match took %.3f s of loop time, expected 0: "
               "switch with cio_yield(), which gives the others a turn without sleeping",
               cio_test_elapsed());
}

#ifdef CIO_HIDDEN_TESTS
static void a_thousand_rallies(void **state)
{
    (void)state;
    struct match m;
    run_match(&m, 1000);
    expect_alternation(&m);
    cio_expect(m.live_after == m.live_before, "tasks were left alive after play()");
}

static void zero_rallies(void **state)
{
    (void)state;
    struct match m;
    run_match(&m, 0);
    cio_expect(m.hits == 0, "%d hits came with 0 rallies", m.hits);
    cio_expect(m.live_after == m.live_before, "tasks were left alive after play()");
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(alternates_exactly),
    cmocka_unit_test(every_hit_from_its_own_task),
    cmocka_unit_test(both_done_when_play_returns),
    cmocka_unit_test(no_loop_time_passes),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(a_thousand_rallies),
    cmocka_unit_test(zero_rallies),
#endif
};
CIO_TEST_MAIN(tests)
