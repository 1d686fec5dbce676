/*
 * ex4_give_up_on_time_test.c — tests for 05.4: a blocking lookup run on the executor
 * with a timeout. After the caller gives up, the job runs on; the tests hold some jobs
 * back (a real gate) until the caller has returned and scribbled over its own buffers,
 * then check that the job never used the caller's memory or a dead stack frame, and
 * that the memory it did use was freed (malloc and free are watched for that).
 */
#include "cio_test.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- What the learner's file defines ----------------------------------------------- */
int lookup(const char *name, double timeout, char *out, size_t n);

/* ---- The slow resolver ---------------------------------------------------------------- */
struct entry {
    const char *name;    /* host name */
    double      latency; /* seconds the lookup blocks */
    const char *addr;    /* its address; NULL: no such name (-ENOENT) */
    int         gated;   /* 1: the lookup also waits (real time) for the test to open the gate */
};

static const struct entry dns[] = {
    {"example.org", 0.2, "93.184.216.34", 0},
    {"slow.example", 2.0, "192.0.2.7", 0},
    {"held.example", 2.0, "192.0.2.8", 1},
    {"nowhere.example", 0.4, NULL, 0},
};

/* What blocking_lookup() saw, for the checks. Written on worker threads, read after the
 * run (cio_run() waits for every job) or under `mu`. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  gate_cv = PTHREAD_COND_INITIALIZER;
static int             gate_open;       /* the test opened the gate */
static pthread_t       loop_thread;     /* the thread running cio_run() */
static struct {
    const void *name_ptr, *out_ptr;     /* the pointers it was given */
    char        name_at_start[32];      /* the name when it was called */
    char        name_at_end[32];        /* the name when it answered */
    int         on_loop;                /* it ran on the loop thread */
    int         block;                  /* the noted heap block holding the name, or -1 */
    int         freed_early;            /* that block was freed before the job answered */
} seen[64];
static int nseen;                       /* blocking_lookup() calls */

static void open_gate(void)
{
    pthread_mutex_lock(&mu);
    gate_open = 1;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&mu);
}

static void wait_gate(void)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;                  /* never hang the test, whatever the learner did */
    pthread_mutex_lock(&mu);
    while (!gate_open)
        if (pthread_cond_timedwait(&gate_cv, &mu, &until) != 0) break;
    pthread_mutex_unlock(&mu);
}

static int block_of(const void *a);
static int block_freed(int b);

int blocking_lookup(const char *name, char *out, size_t n)
{
    pthread_mutex_lock(&mu);
    int k = nseen < 64 ? nseen : 63;
    nseen++;
    seen[k].name_ptr = name;
    seen[k].out_ptr = out;
    snprintf(seen[k].name_at_start, sizeof seen[k].name_at_start, "%s", name);
    seen[k].on_loop = pthread_equal(pthread_self(), loop_thread);
    pthread_mutex_unlock(&mu);
    seen[k].block = block_of(name);

    const struct entry *e = NULL;
    for (size_t i = 0; i < sizeof dns / sizeof dns[0]; i++)
        if (strcmp(dns[i].name, name) == 0) e = &dns[i];
    cio_block_for(e ? e->latency : 0.1);
    if (e && e->gated) wait_gate();

    seen[k].freed_early = block_freed(seen[k].block);
    if (seen[k].freed_early) {          /* do not touch freed memory: report it instead */
        memcpy(seen[k].name_at_end, seen[k].name_at_start, sizeof seen[k].name_at_end);
        return -EFAULT;
    }
    pthread_mutex_lock(&mu);
    snprintf(seen[k].name_at_end, sizeof seen[k].name_at_end, "%s", name);
    pthread_mutex_unlock(&mu);
    if (!e || !e->addr) return -ENOENT;
    snprintf(out, n, "%s", e->addr);
    return 0;
}

/* ---- Watching the heap ------------------------------------------------------------------
 * malloc, calloc, realloc and free pass through to the C library; blocks allocated on the
 * loop thread while lookup() runs are noted, so that the tests can check that the block
 * the job was given was freed by the end of the run — exactly once, by whoever was last.
 */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void  __libc_free(void *p);

#define MAXBLOCKS 4096
static pthread_mutex_t heap_mu = PTHREAD_MUTEX_INITIALIZER; /* guards the notes below */
static struct { const char *p; size_t n; int freed; } blocks[MAXBLOCKS]; /* noted blocks */
static int  nblocks;           /* how many are noted */
static int  watching;          /* 1 while lookup() runs (set on the loop thread) */

static void note_block(void *p, size_t n)
{
    if (!p || !watching || !pthread_equal(pthread_self(), loop_thread)) return;
    pthread_mutex_lock(&heap_mu);
    if (nblocks < MAXBLOCKS) blocks[nblocks].p = p, blocks[nblocks].n = n, blocks[nblocks++].freed = 0;
    pthread_mutex_unlock(&heap_mu);
}

static void note_free(void *p)
{
    if (!p) return;
    pthread_mutex_lock(&heap_mu);
    for (int i = nblocks - 1; i >= 0; i--)
        if (blocks[i].p == p && !blocks[i].freed) {
            blocks[i].freed = 1;
            break;
        }
    pthread_mutex_unlock(&heap_mu);
}

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    note_block(p, n);
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    note_block(p, n * size);
    return p;
}

void *realloc(void *old, size_t n)
{
    void *p = __libc_realloc(old, n);
    if (p && old) note_free(old);
    note_block(p, n);
    return p;
}

void free(void *p)
{
    note_free(p);
    __libc_free(p);
}

/* Nonzero if noted block @p b has been freed. */
static int block_freed(int b)
{
    if (b < 0) return 0;
    pthread_mutex_lock(&heap_mu);
    int f = blocks[b].freed;
    pthread_mutex_unlock(&heap_mu);
    return f;
}

/* The live noted block that holds address @p a, or -1. */
static int block_of(const void *a)
{
    int found = -1;
    pthread_mutex_lock(&heap_mu);
    for (int i = nblocks - 1; i >= 0 && found < 0; i--)
        if (!blocks[i].freed && (const char *)a >= blocks[i].p && (const char *)a < blocks[i].p + blocks[i].n)
            found = i;
    pthread_mutex_unlock(&heap_mu);
    return found;
}

/* ---- Callers ------------------------------------------------------------------------- */
#define OUTSZ 64
#define UNTOUCHED "untouched"

struct call {
    char        name[32];      /* the caller's copy of the name (scribbled over afterwards) */
    double      timeout;       /* passed to lookup() */
    double      cancel_at;     /* > 0: the test cancels the caller then; < 0: before it runs */
    char        out[OUTSZ];    /* the caller's buffer */
    int         rc;            /* what lookup() returned */
    double      returned;      /* when */
    const char *stack_mark;    /* an address on the caller's stack */
};

static int caller(void *p)
{
    struct call *c = p;
    char mark = 0;
    c->stack_mark = &mark;
    watching = 1;
    c->rc = lookup(c->name, c->timeout, c->out, OUTSZ);
    watching = 0;
    c->returned = cio_now();
    /* The caller is done with its buffers: it reuses them, as real code would. */
    if (c->rc != 0) {
        memset(c->name, 'X', sizeof c->name - 1);
        c->name[sizeof c->name - 1] = '\0';
    }
    (void)*(volatile char *)&mark;
    return 0;
}

struct scene {
    struct call calls[32];   /* the callers, run one after another */
    int         ncalls;      /* how many */
    int         beats;       /* heartbeats every 0.1 s meanwhile */
    int         nticks;      /* heartbeats that came on time */
};

static int heartbeat(void *p)
{
    struct scene *s = p;
    for (int k = 1; k <= s->beats; k++) {
        if (cio_sleep_until(0.1 * k) < 0) break;
        if (cio_time_eq(cio_now(), 0.1 * k)) s->nticks++;
    }
    return 0;
}

static int scene_main(void *p)
{
    struct scene *s = p;
    loop_thread = pthread_self();
    cio_task *hb = s->beats ? cio_spawn(heartbeat, s) : NULL;
    for (int i = 0; i < s->ncalls; i++) {
        struct call *c = &s->calls[i];
        double t0 = cio_now();
        cio_task *t = cio_spawn(caller, c);
        if (c->cancel_at < 0) {
            cio_cancel(t);              /* before its first line runs */
        } else if (c->cancel_at > 0) {
            cio_sleep_until(t0 + c->cancel_at);
            cio_cancel(t);
        }
        cio_await(t);
        c->returned -= t0;              /* relative to the call */
    }
    open_gate();                        /* held jobs may answer now: the callers are gone */
    if (hb) cio_await(hb);
    return 0;
}

static void add_call(struct scene *s, const char *name, double timeout, double cancel_at)
{
    struct call *c = &s->calls[s->ncalls++];
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->out, sizeof c->out, "%s", UNTOUCHED);
    c->timeout = timeout;
    c->cancel_at = cancel_at;
    c->rc = 12345;
}

static int near(const void *p, const char *mark)
{
    intptr_t d = (const char *)p - mark;
    return d > -65536 && d < 65536;
}

static void run_scene(struct scene *s)
{
    nseen = 0;
    gate_open = 0;
    nblocks = 0;
    /* Abandoned jobs still hold their executor thread until they finish: give the pool
     * enough threads that they never delay a later lookup. */
    cio_config cfg = {.executor_threads = 32};
    int run_rc = cio_test_run_with(scene_main, s, &cfg);
    cio_expect(run_rc == 0, "the run returned %d, expected 0", run_rc);
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0 && st->tasks_live == 0,
               "%llu task(s) were left pending", (unsigned long long)st->tasks_pending_at_exit);
    for (int k = 0; k < nseen && k < 64; k++) {
        cio_expect(!seen[k].on_loop, "blocking_lookup() ran on the loop thread: while it blocks, "
                   "no task runs — run it with cio_to_thread()");
        for (int i = 0; i < s->ncalls; i++) {
            struct call *c = &s->calls[i];
            cio_expect(seen[k].out_ptr != c->out,
                       "the job was given the caller's own buffer `out`: after lookup() gives up, "
                       "the job still writes into it, and the caller may be using it for "
                       "something else by then — give the job a buffer of its own");
            cio_expect(seen[k].name_ptr != c->name,
                       "the job was given the caller's own `name`: after lookup() gives up, the "
                       "caller may reuse that memory while the job still reads it — give the "
                       "job its own copy");
            cio_expect(!near(seen[k].out_ptr, c->stack_mark) && !near(seen[k].name_ptr, c->stack_mark),
                       "the job was given memory on the waiting task's stack (%p, %td bytes from "
                       "the caller's frame): once lookup() returns, that frame is gone while the "
                       "job still uses it — allocate the job's memory with malloc()",
                       near(seen[k].out_ptr, c->stack_mark) ? seen[k].out_ptr : seen[k].name_ptr,
                       (near(seen[k].out_ptr, c->stack_mark) ? (const char *)seen[k].out_ptr
                                                             : (const char *)seen[k].name_ptr) -
                           c->stack_mark);
        }
        cio_expect(!seen[k].freed_early,
                   "the job's memory (looking up \"%s\") was freed while the job was still using "
                   "it: when lookup() gives up, the job still needs it — free it only when both "
                   "are done with it", seen[k].name_at_start);
        cio_expect(seen[k].block < 0 || block_freed(seen[k].block),
                   "the job's memory (looking up \"%s\") was never freed: whoever is done with "
                   "it last — lookup() or the job — must free it", seen[k].name_at_start);
        cio_expect(strcmp(seen[k].name_at_start, seen[k].name_at_end) == 0,
                   "the name the job was looking up changed from \"%s\" to \"%s\" while it ran: "
                   "the caller reused its buffer after lookup() gave up", seen[k].name_at_start,
                   seen[k].name_at_end);
    }
}

static void expect_call(struct call *c, int rc, double at, const char *out)
{
    cio_expect(c->rc == rc, "lookup(\"%s\", timeout %.1f s) returned %d, expected %d", c->name,
               c->timeout, c->rc, rc);
    cio_expect(cio_time_eq(c->returned, at), "lookup(\"%s\", timeout %.1f s) returned after %.3f "
               "s, expected %.3f s", c->name, c->timeout, c->returned, at);
    cio_expect(strcmp(c->out, out) == 0, "after lookup(\"%s\") returned %d, the caller's buffer "
               "held \"%s\", expected \"%s\"%s", c->name, c->rc, c->out, out,
               strcmp(out, UNTOUCHED) == 0 ? " (untouched: the lookup had given up)" : "");
}

/* ---- Tests ---------------------------------------------------------------------------- */

/* A 0.2 s lookup with a 1.0 s timeout: the address, at 0.2 s, loop never blocked. */
static void answers_in_time(void **state)
{
    (void)state;
    struct scene s = {.beats = 5};
    add_call(&s, "example.org", 1.0, 0);
    run_scene(&s);
    expect_call(&s.calls[0], 0, 0.2, "93.184.216.34");
    cio_expect(s.nticks == 5, "%d of 5 heartbeats came on time: the loop was blocked", s.nticks);
}

/* A 2.0 s lookup with a 0.5 s timeout: -ETIMEDOUT at 0.5 s; out never written. */
static void gives_up_at_the_timeout(void **state)
{
    (void)state;
    struct scene s = {.beats = 10};
    add_call(&s, "slow.example", 0.5, 0);
    run_scene(&s);
    expect_call(&s.calls[0], -ETIMEDOUT, 0.5, UNTOUCHED);
    cio_expect(s.nticks == 10, "%d of 10 heartbeats came on time: the loop was blocked", s.nticks);
}

/* The job is held until the caller has given up and reused its buffers. */
static void job_keeps_its_own_copy(void **state)
{
    (void)state;
    struct scene s = {0};
    add_call(&s, "held.example", 0.5, 0);
    run_scene(&s);
    expect_call(&s.calls[0], -ETIMEDOUT, 0.5, UNTOUCHED);
}

#ifdef CIO_HIDDEN_TESTS
/* The caller is cancelled at 0.3 s: -ECANCELED then, not -ETIMEDOUT. */
static void cancelled_caller_returns_at_once(void **state)
{
    (void)state;
    struct scene s = {0};
    add_call(&s, "slow.example", 1.0, 0.3);
    run_scene(&s);
    expect_call(&s.calls[0], -ECANCELED, 0.3, UNTOUCHED);
}

/* No such name: -ENOENT after the lookup's 0.4 s. */
static void not_found(void **state)
{
    (void)state;
    struct scene s = {0};
    add_call(&s, "nowhere.example", 1.0, 0);
    run_scene(&s);
    expect_call(&s.calls[0], -ENOENT, 0.4, UNTOUCHED);
}

/* Thirty lookups of every kind — answered, timed out, not found, cancelled during and
 * before the call — leave no memory behind. */
static void fill(struct scene *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < 6; i++) {
        add_call(s, "example.org", 1.0, 0);
        add_call(s, "slow.example", 0.5, 0);
        add_call(s, "nowhere.example", 1.0, 0);
        add_call(s, "slow.example", 1.0, 0.3);
        add_call(s, "example.org", 1.0, -1);
    }
}

static void nothing_leaks(void **state)
{
    (void)state;
    static struct scene s;
    fill(&s);
    run_scene(&s);
    for (int i = 0; i < s.ncalls; i += 5) {
        expect_call(&s.calls[i], 0, 0.2, "93.184.216.34");
        expect_call(&s.calls[i + 1], -ETIMEDOUT, 0.5, UNTOUCHED);
        expect_call(&s.calls[i + 2], -ENOENT, 0.4, UNTOUCHED);
        expect_call(&s.calls[i + 3], -ECANCELED, 0.3, UNTOUCHED);
        expect_call(&s.calls[i + 4], -ECANCELED, 0.0, UNTOUCHED);
    }
    int leaked = 0, first = -1;
    for (int k = 0; k < nseen && k < 64; k++) {
        int b = seen[k].block;
        if (b >= 0 && !blocks[b].freed && leaked++ == 0) first = k;
    }
    cio_expect(leaked == 0, "%d of %d jobs' memory was never freed (the first: the lookup of "
               "\"%s\"): whoever is done with it last — lookup() or the job — must free it, on "
               "every path: answered, timed out, not found, cancelled", leaked, nseen,
               first >= 0 ? seen[first].name_at_start : "?");
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(answers_in_time),
    cmocka_unit_test(gives_up_at_the_timeout),
    cmocka_unit_test(job_keeps_its_own_copy),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(cancelled_caller_returns_at_once),
    cmocka_unit_test(not_found),
    cmocka_unit_test(nothing_leaks),
#endif
};
CIO_TEST_MAIN(tests)
