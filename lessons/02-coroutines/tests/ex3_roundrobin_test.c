/*
 * ex3_roundrobin_test.c — tests for exercise 02.3 (a ucontext round-robin scheduler):
 * coroutines take turns in FIFO order, finished ones leave the ring, new ones join at
 * the back, each keeps its own stack across switches, and rr_run() counts them.
 * Plain C: no event loop runs here, only the learner's scheduler.
 */
#include "cio_test.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*rr_fn)(void *arg);
struct rr;
struct rr *rr_new(size_t stack_size);
int  rr_spawn(struct rr *s, rr_fn fn, void *arg);
void rr_yield(struct rr *s);
int  rr_run(struct rr *s);
void rr_free(struct rr *s);

/* ---- a coroutine that logs its letter and yields, `steps` times --------------------- */

enum { LOG_MAX = 8192 };

struct log {
    char   text[LOG_MAX]; /* one letter per step, in the order they ran */
    size_t len;           /* letters so far */
};

struct worker {
    struct rr     *s;        /* the scheduler it runs on */
    char           letter;   /* what it logs */
    int            steps;    /* how many times it logs and yields */
    struct log    *log;      /* the shared log */
    int            spawn_at; /* at this step (1-based) it spawns `child`; 0: never */
    struct worker *child;    /* the coroutine it spawns */
    int            spawn_rc; /* what rr_spawn() returned for the child */
};

static void work(void *arg)
{
    struct worker *w = arg;
    for (int i = 1; i <= w->steps; i++) {
        if (w->log->len < LOG_MAX - 1) w->log->text[w->log->len++] = w->letter;
        if (w->spawn_at == i) w->spawn_rc = rr_spawn(w->s, work, w->child);
        rr_yield(w->s);
    }
}

static struct rr *new_rr(size_t stack)
{
    struct rr *s = rr_new(stack);
    cio_expect(s != NULL, "rr_new(%zu) returned NULL", stack);
    return s;
}

static void spawn(struct rr *s, struct worker *w)
{
    int rc = rr_spawn(s, work, w);
    cio_expect(rc == 0, "rr_spawn() returned %d (%s), expected 0", rc,
               rc == -ENOSYS ? "-ENOSYS: still the stub" : "an error");
}

static void expect_log(const struct log *l, const char *want)
{
    cio_expect(l->len == strlen(want) && memcmp(l->text, want, l->len) == 0,
               "the coroutines ran in the order \"%.*s\", expected \"%s\"", (int)l->len,
               l->text, want);
}

/* A coroutine whose function returns continues at its context's uc_link; with uc_link
 * NULL the whole process exits, in the middle of the test. Say so if that happens. */
static int in_rr_run;

static void explain_exit(void)
{
    if (in_rr_run)
        fprintf(stderr, "the program exited inside rr_run(): when a coroutine's function "
                        "returns, it continues at its context's uc_link, and with uc_link "
                        "NULL the whole program exits. Set uc_link to the scheduler's own "
                        "context (s->sched) before makecontext().\n");
}

static void watch_exits(void)
{
    static int registered;
    if (!registered++) atexit(explain_exit);
}

static void expect_run(struct rr *s, int want)
{
    watch_exits();
    in_rr_run = 1;
    int n = rr_run(s);
    in_rr_run = 0;
    cio_expect(n == want, "rr_run() returned %d (%s), expected %d (the number of coroutines "
               "that finished)", n, n == -ENOSYS ? "-ENOSYS: still the stub" : "wrong", want);
}

/* ---- the tests ------------------------------------------------------------------- */

static void takes_turns_round_robin(void **state)
{
    (void)state;
    static struct log log;
    memset(&log, 0, sizeof log);
    struct rr *s = new_rr(65536);
    struct worker w[3] = {{s, 'A', 3, &log, 0, NULL, 0}, {s, 'B', 3, &log, 0, NULL, 0},
                          {s, 'C', 3, &log, 0, NULL, 0}};
    for (int i = 0; i < 3; i++) spawn(s, &w[i]);
    expect_run(s, 3);
    expect_log(&log, "ABCABCABC");
    rr_free(s);
}

static void finished_ones_leave_the_ring(void **state)
{
    (void)state;
    static struct log log;
    memset(&log, 0, sizeof log);
    struct rr *s = new_rr(65536);
    struct worker w[3] = {{s, 'A', 1, &log, 0, NULL, 0}, {s, 'B', 3, &log, 0, NULL, 0},
                          {s, 'C', 2, &log, 0, NULL, 0}};
    for (int i = 0; i < 3; i++) spawn(s, &w[i]);
    expect_run(s, 3);
    expect_log(&log, "ABCBCB");
    rr_free(s);
}

/* A spawns D during its first step: D joins the back of the line, behind B. */
static void spawn_from_inside(void **state)
{
    (void)state;
    static struct log log;
    memset(&log, 0, sizeof log);
    struct rr *s = new_rr(65536);
    struct worker d = {s, 'D', 2, &log, 0, NULL, 0};
    struct worker w[2] = {{s, 'A', 2, &log, 1, &d, 0}, {s, 'B', 2, &log, 0, NULL, 0}};
    for (int i = 0; i < 2; i++) spawn(s, &w[i]);
    expect_run(s, 3);
    cio_expect(w[0].spawn_rc == 0, "rr_spawn() from inside a coroutine returned %d",
               w[0].spawn_rc);
    expect_log(&log, "ABDABD");
    rr_free(s);
}

/* ---- each coroutine keeps its own stack: locals survive while others run ----------- */

struct digger {
    struct rr *s;      /* the scheduler */
    int        depth;  /* how deep to recurse */
    long       result; /* what dig() computed */
};

/* Recurses with a big local array, yielding at every level: if two coroutines shared a
 * stack, or a stack were too small, the sums would come out wrong (or it would crash). */
static long dig(struct rr *s, int depth, int seed)
{
    volatile char pad[2048];
    for (size_t i = 0; i < sizeof pad; i++) pad[i] = (char)(seed + depth + (int)i);
    rr_yield(s);
    long here = 0;
    for (size_t i = 0; i < sizeof pad; i++) here += pad[i];
    return depth == 0 ? here : here + dig(s, depth - 1, seed);
}

static void digger(void *arg)
{
    struct digger *d = arg;
    d->result = dig(d->s, d->depth, d->depth * 7);
}

static void each_has_its_own_stack(void **state)
{
    (void)state;
    struct rr *s = new_rr(256 * 1024);
    struct digger d[3] = {{s, 20, 0}, {s, 30, 0}, {s, 40, 0}};
    long want[3];
    for (int i = 0; i < 3; i++) {
        /* The same computation without switches, for comparison. */
        want[i] = 0;
        for (int k = 0; k <= d[i].depth; k++)
            for (int j = 0; j < 2048; j++) want[i] += (char)(d[i].depth * 7 + k + j);
    }
    for (int i = 0; i < 3; i++) {
        int rc = rr_spawn(s, digger, &d[i]);
        cio_expect(rc == 0, "rr_spawn() returned %d, expected 0", rc);
    }
    expect_run(s, 3);
    for (int i = 0; i < 3; i++)
        cio_expect(d[i].result == want[i], "coroutine %d computed %ld, expected %ld: its locals "
                   "changed while it was switched out. Does every coroutine have a stack of its "
                   "own, of the size rr_new() was given?", i, d[i].result, want[i]);
    rr_free(s);
}

#ifdef CIO_HIDDEN_TESTS
static void a_thousand_coroutines(void **state)
{
    (void)state;
    static struct log log;
    static struct worker w[1000];
    static char want[3001];
    memset(&log, 0, sizeof log);
    struct rr *s = new_rr(16384);
    for (int i = 0; i < 1000; i++) {
        w[i] = (struct worker){s, (char)('a' + i % 26), 3, &log, 0, NULL, 0};
        spawn(s, &w[i]);
    }
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < 1000; i++) want[r * 1000 + i] = (char)('a' + i % 26);
    want[3000] = '\0';
    expect_run(s, 1000);
    expect_log(&log, want);
    rr_free(s);
}

/* Heap bytes in use (glibc): what rr_new() and rr_spawn() took must be back after rr_free(). */
static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

/* rr_run() on an empty scheduler returns 0; a scheduler can run again after it emptied;
 * rr_free() frees coroutines never run (the heap is back where it was). */
static void runs_again_and_frees_the_rest(void **state)
{
    (void)state;
    static struct log log;
    memset(&log, 0, sizeof log);
    watch_exits();
    size_t before = heap_in_use();
    struct rr *s = new_rr(65536);
    expect_run(s, 0);
    struct worker a = {s, 'A', 2, &log, 0, NULL, 0}, b = {s, 'B', 1, &log, 0, NULL, 0};
    spawn(s, &a);
    expect_run(s, 1);
    spawn(s, &a);
    spawn(s, &b);
    expect_run(s, 2);
    expect_log(&log, "AAABA");
    spawn(s, &b); /* never run: rr_free() must free it */
    rr_free(s);
    /* malloc keeps some small freed blocks cached (and counts them as in use), so only a
     * whole stack left behind is a sure sign of a leak. */
    size_t after = heap_in_use();
    cio_expect(after < before + 65536, "%zu bytes of heap were still in use after rr_free(), "
               "at least one coroutine's stack: free every finished coroutine (and its stack) "
               "in rr_run(), and in rr_free() the ones never run", after - before);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(takes_turns_round_robin),
    cmocka_unit_test(finished_ones_leave_the_ring),
    cmocka_unit_test(spawn_from_inside),
    cmocka_unit_test(each_has_its_own_stack),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(a_thousand_coroutines),
    cmocka_unit_test(runs_again_and_frees_the_rest),
#endif
};
CIO_TEST_MAIN(tests)
