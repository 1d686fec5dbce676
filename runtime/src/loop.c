/*
 * loop.c — cio_run and the loop's iteration: ready queue, clocks, polling, the end.
 *
 * One iteration fires due timers, runs every runnable that was ready when it began
 * (tasks and call_soon callbacks, FIFO — or shuffled, reproducibly, under a seed), then
 * polls libev: without waiting when work is ready, else until the next deadline. Under
 * the virtual clock, instead of waiting, time jumps to the next deadline — unless real
 * I/O or executor jobs are pending, which get a short real grace period first.
 * When nothing can ever happen again and tasks still wait, that is a deadlock.
 */
#include "core.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

cio__loop cio__L;

/* Real seconds the virtual clock waits for pending I/O, then for executor jobs, before
 * it jumps anyway (so that timeouts still fire when a peer or a job never answers).
 * Longer than TCP's 40 ms delayed acknowledgement: a small write held back by Nagle's
 * algorithm is still on its way, and must not be overtaken by a virtual deadline. */
#define IDLE_IO   0.1
#define IDLE_JOBS 1.0

/* ---------------------------------------------------------------------------------- */
/* Clocks                                                                             */
/* ---------------------------------------------------------------------------------- */

double cio__real_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Cheap (no system call, ~4 ms resolution): enough to notice a 100 ms step. Kept in
 * integer nanoseconds so the per-step bookkeeping does no floating-point conversion. */
static int64_t coarse_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void cio__refresh_now(void)
{
    cio__L.now = cio__real_time() - cio__L.real_base;
    cio__L.now_stale = false;
}

/* Called once per iteration: the real clock is only read if someone asks the time. */
static void update_now(void)
{
    if (!cio__L.cfg.virtual_clock) cio__L.now_stale = true;
}

double cio_now(void) { return cio__time(); }

void cio__charge(double seconds)
{
    if (cio__L.cfg.virtual_clock) {
        cio__L.now += seconds;
    } else {
        struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
        while (nanosleep(&ts, &ts) != 0) {}
        cio__refresh_now();
    }
    cio__L.step_charge += seconds;
}

/* ---------------------------------------------------------------------------------- */
/* The ready queue                                                                    */
/* ---------------------------------------------------------------------------------- */

void cio__ready_push(cio__runnable *r)
{
    cio__ready *q = &cio__L.ready;
    if (q->count == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 1024;
        cio__runnable **items = malloc(cap * sizeof *items);
        if (!items) cio__panic("out of memory growing the ready queue to %zu entries", cap);
        for (size_t i = 0; i < q->count; i++) items[i] = q->items[(q->head + i) & (q->cap - 1)];
        free(q->items);
        q->items = items;
        q->cap = cap;
        q->head = 0;
    }
    q->items[(q->head + q->count) & (q->cap - 1)] = r;
    q->count++;
}

/* xorshift64*: tiny, fast, and the same sequence on every machine for a seed. */
static uint64_t next_random(void)
{
    uint64_t x = cio__L.rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    cio__L.rng = x;
    return x * 0x2545f4914f6cdd1dull;
}

static cio__runnable *ready_pop(void)
{
    cio__ready *q = &cio__L.ready;
    size_t mask = q->cap - 1;
    if (cio__L.cfg.seed && q->count > 1) {
        /* Seeded: swap a random entry to the front. Any ready runnable may go next. */
        size_t pick = (q->head + next_random() % q->count) & mask;
        cio__runnable *tmp = q->items[pick];
        q->items[pick] = q->items[q->head];
        q->items[q->head] = tmp;
    }
    cio__runnable *r = q->items[q->head];
    q->head = (q->head + 1) & mask;
    q->count--;
    return r;
}

void cio__make_ready(cio_task *t)
{
    t->state = TASK_READY;
    cio__ready_push(&t->run);
}

/* ---------------------------------------------------------------------------------- */
/* Running steps of tasks                                                             */
/* ---------------------------------------------------------------------------------- */

/* How many steps may follow each other task to task after a pass has ended, before the
 * loop must take a turn: bounds how long timers and I/O can wait behind busy tasks. */
#define DIRECT_BUDGET 64

static void step_begin(cio_task *t)
{
    cio__loop *L = &cio__L;
    L->current = t;
    L->step_charge = 0;
    L->step_resumed = t->site;
    if (cio__tracing) L->step_start = cio__time();
    t->state = TASK_RUNNING;
    L->stats.switches++;
}

/* How long did the step just ended keep the loop? Loop time under the virtual clock
 * (exact: what cio_block_for charged), real time otherwise; a real busy loop is reported
 * under the virtual clock too, but cannot count in the exact statistics. One coarse
 * clock read per step: this step's end is the next step's start. @p t is the task whose
 * step it was, or NULL for a loop callback, which holds the loop just as long. */
static double account_step(cio_task *t)
{
    cio__loop *L = &cio__L;
    int64_t real_start = L->clock_mark;
    L->clock_mark = coarse_ns();
    double real = (double)(L->clock_mark - real_start) * 1e-9;
    double took = L->cfg.virtual_clock ? L->step_charge : real;
    if (took > L->stats.longest_step) {
        L->stats.longest_step = took;
        snprintf(L->stats.longest_step_task, sizeof L->stats.longest_step_task, "%s",
                 t ? t->name : "(loop callback)");
    }
    if (L->cfg.slow_step > 0) {
        bool slow = took >= L->cfg.slow_step, slow_real = real >= L->cfg.slow_step;
        if (slow || slow_real) {
            cio__site now_site = t ? t->site : (cio__site){0};
            if (t) t->site = L->step_resumed; /* the report names where the step began */
            cio__report_slow_step(t, slow ? took : real, !slow);
            if (t) t->site = now_site;
        }
    }
    return L->cfg.virtual_clock ? L->step_charge : real;
}

/* The bookkeeping after a task's step: runs on the stack of whoever holds the CPU, the
 * loop or the next task, never after the step's own task could have been freed. */
static void step_end(cio_task *t)
{
    cio__stack_check(t->stack, t->name);
    double took = account_step(t);
    if (cio__tracing) cio__trace_step(t, cio__L.step_start, took);
}

/* May a suspending task hand the CPU to the next runnable itself? Within a pass, yes;
 * after it, only while going through the loop could not change anything: no timer due
 * (under the real clock: no timer at all, since time moves), no I/O or job pending. */
static bool may_continue(void)
{
    cio__loop *L = &cio__L;
    if (!L->ready.count) return false;
    if (L->pass_left) {
        L->pass_left--;
        return true;
    }
    if (!L->direct_budget || L->io_waiting || L->jobs_running) return false;
    if (L->cfg.virtual_clock ? cio__timers_next() <= L->now : cio__timers_count() != 0) return false;
    L->direct_budget--;
    return true;
}

void cio__suspend(void)
{
    cio__loop *L = &cio__L;
    cio_task *t = L->current;
    if (may_continue()) {
        cio__runnable *r = ready_pop();
        /* A task's first step needs a stack; if none can be had, the loop fails it. */
        if (r->kind == RUN_TASK && (((cio_task *)r)->stack || cio__task_attach_stack((cio_task *)r) == 0)) {
            cio_task *next = (cio_task *)r;
            step_end(t);
            step_begin(next);
            if (next != t) cio__ctx_switch(&t->ctx, &next->ctx); /* t yielded to itself: go on */
            return;
        }
        L->handoff = r; /* a callback, or a task with no stack to be had: the loop runs it */
    }
    cio__ctx_switch(&t->ctx, &L->loop_ctx);
}

/* Run one runnable from the loop. A task may pass the CPU on directly; whoever comes
 * back to the loop is L->current, and its step is the one left to finish here. */
static void run_one(cio__runnable *r)
{
    cio__loop *L = &cio__L;
    if (r->kind != RUN_TASK) {
        L->step_charge = 0;
        cio__handles_run(r);
        account_step(NULL);
        return;
    }
    cio_task *first = (cio_task *)r;
    if (!first->stack && cio__task_attach_stack(first) != 0) {
        first->status = -ENOMEM; /* no stack to run on: it fails without running */
        first->state = TASK_DONE;
        cio__task_finished(first);
        return;
    }
    step_begin(first);
    cio__ctx_switch(&L->loop_ctx, &L->current->ctx);
    cio_task *t = L->current;
    L->current = NULL;
    step_end(t);
    if (t->state == TASK_DONE) cio__task_finished(t);
}

/* ---------------------------------------------------------------------------------- */
/* The end of a run: pending tasks, deadlocks                                         */
/* ---------------------------------------------------------------------------------- */

/* main has returned: every task still pending is reported, cancelled and run to its end. */
static void cancel_leftovers(void)
{
    for (cio_task *t = cio__L.all; t; t = t->all_next) {
        if (t->state == TASK_DONE || t->reported) continue;
        t->reported = true;
        cio__L.stats.tasks_pending_at_exit++;
        cio__report_pending(t);
        t->cancelled = true;
    }
    for (cio_task *t = cio__L.all; t; t = t->all_next) cio__propagate_cancel(t);
}

/* No task can run and nothing can wake one. Report, then cancel every waiting task so
 * that each runs its cleanup; if even that cannot move (uncancellable waits), give up. */
static bool handle_deadlock(void)
{
    bool cancellable = false;
    for (cio_task *t = cio__L.all; t; t = t->all_next)
        if (t->state == TASK_PARKED && !t->nocancel) cancellable = true;
    if (!cio__L.deadlocked) {
        cio__L.deadlocked = true;
        cio__L.stats.deadlocked = 1;
        cio__report_deadlock();
    }
    if (!cancellable) return false;
    for (cio_task *t = cio__L.all; t; t = t->all_next)
        if (t->state == TASK_PARKED) t->cancelled = true;
    for (cio_task *t = cio__L.all; t; t = t->all_next) cio__propagate_cancel(t);
    return true;
}

/* ---------------------------------------------------------------------------------- */
/* The loop                                                                           */
/* ---------------------------------------------------------------------------------- */

static void run_ready(void)
{
    cio__loop *L = &cio__L;
    if (cio__timers_count()) cio__timers_fire_due();
    L->clock_mark = coarse_ns();
    /* A pass runs what is ready now: runnables made ready during it wait for the next
     * pass, after a poll, so that a task that keeps yielding cannot starve I/O. */
    L->pass_left = L->ready.count;
    L->direct_budget = DIRECT_BUDGET;
    while (L->pass_left && L->ready.count) {
        L->pass_left--;
        run_one(ready_pop());
        while (L->handoff) {
            cio__runnable *r = L->handoff;
            L->handoff = NULL;
            run_one(r);
        }
    }
}

static bool external_pending(void) { return cio__L.io_waiting || cio__L.jobs_running; }

/* Wait for real events for at most @p seconds, returning early when work is ready. */
static void poll_for(double seconds)
{
    double until = cio__real_time() + seconds;
    for (;;) {
        cio__backend_poll(seconds);
        if (cio__L.ready.count || !external_pending()) return;
        seconds = until - cio__real_time();
        if (seconds <= 0) return;
    }
}

static void loop_run(void)
{
    cio__loop *L = &cio__L;
    for (;;) {
        if (L->main_done) {
            cancel_leftovers();
            if (!L->unfinished && !L->jobs_running) return;
        }
        run_ready();
        if (L->main_done) {
            /* Before polling again: a late result must not reach a task that is pending
             * at exit; it is cancelled first, like every other leftover. */
            cancel_leftovers();
            if (!L->unfinished && !L->jobs_running) return;
        }
        if (L->ready.count) {
            if (external_pending()) cio__backend_poll(0);
            update_now();
            continue;
        }
        double next = cio__timers_next();
        if (L->cfg.virtual_clock) {
            if (external_pending()) {
                poll_for(L->jobs_running ? IDLE_JOBS : IDLE_IO);
                if (L->jobs_running) cio__executor_drain(); /* let a stuck job stop holding others */
                if (L->ready.count || !external_pending()) continue;
                next = cio__timers_next(); /* the poll may have armed an earlier deadline */
            }
            if (isfinite(next)) {
                if (next > L->now) L->now = next;
                continue;
            }
            if (external_pending()) continue; /* nothing to jump to: keep waiting for I/O */
        } else {
            if (external_pending() || isfinite(next)) {
                cio__backend_poll(isfinite(next) ? fmax(0, next - cio__time()) : -1);
                update_now();
                continue;
            }
        }
        if (!L->unfinished) return;
        if (!handle_deadlock()) return;
    }
}

/* ---------------------------------------------------------------------------------- */
/* cio_run                                                                            */
/* ---------------------------------------------------------------------------------- */

static void apply_environment(cio_config *c)
{
    const char *v;
    if ((v = getenv("CIO_VIRTUAL_CLOCK")) && *v) c->virtual_clock = atoi(v) != 0;
    if ((v = getenv("CIO_SEED")) && *v) c->seed = strtoull(v, NULL, 10);
    if ((v = getenv("CIO_TRACE")) && *v) c->trace_path = v;
    if ((v = getenv("CIO_SLOW_STEP")) && *v) c->slow_step = strtod(v, NULL);
    if ((v = getenv("CIO_THREADS")) && *v) c->executor_threads = (unsigned)atoi(v);
    if (c->slow_step == 0) c->slow_step = 0.1;
    if (c->stack_size == 0) c->stack_size = 64 * 1024;
}

static void free_everything(void)
{
    cio__loop *L = &cio__L;
    /* Tasks left: finished but never awaited (a leak in the program), or stuck for good
     * in an uncancellable wait after a deadlock. Their stacks go with the pool. */
    while (L->all) {
        cio_task *t = L->all;
        if (t->state == TASK_DONE && !t->detached && !t->reported && t != L->main && !L->deadlocked && !t->group)
            cio__report("cio: task '%s' (spawned at %s:%d) finished but was never awaited or detached",
                        t->name, t->spawn_file, t->spawn_line);
        cio__task_free(t);
    }
    free(L->ready.items);
    L->ready.items = NULL;
    L->ready.cap = L->ready.count = L->ready.head = 0;
    cio__timers_reset();
    cio__handles_reset();
    cio__tasks_release_all();
    cio__stacks_release_all();
}

cio_task *cio__task_create(cio_fn fn, void *arg, const char *name, const char *file, int line);

int cio_run(cio_fn main, void *arg, const cio_config *cfg)
{
    cio__loop *L = &cio__L;
    if (!main) return -EINVAL;
    if (L->running) return -EINVAL;

    memset(L, 0, sizeof *L);
    if (cfg) L->cfg = *cfg;
    apply_environment(&L->cfg);
    L->report = L->cfg.report_to ? L->cfg.report_to : stderr;
    L->rng = L->cfg.seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
    if (!L->rng) L->rng = 1;
    L->real_base = cio__real_time();
    L->now = 0;
    L->clock_mark = coarse_ns();
    L->running = true;

    /* A peer closing a pipe or socket must show up as -EPIPE, not kill the program. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, NULL, &old_pipe);
    bool restore_pipe = old_pipe.sa_handler == SIG_DFL;
    if (restore_pipe) sigaction(SIGPIPE, &ign, NULL);

    int rc = cio__backend_open(cio__executor_drain);
    if (rc < 0) {
        L->running = false;
        return rc;
    }
    cio__stacks_install_guard_handler();
    cio__trace_begin(&L->cfg);

    cio_task *t = cio__task_create(main, arg, "main", "cio_run", 0);
    if (!t) {
        rc = -ENOMEM;
    } else {
        L->main = t;
        t->claimed = true;
        loop_run();
        rc = L->deadlocked ? -EDEADLK : L->main_status;
    }

    cio__executor_shutdown();
    cio__trace_end();
    cio__io_reset();
    cio__backend_close();
    free_everything();
    cio__stacks_remove_guard_handler();
    if (restore_pipe) sigaction(SIGPIPE, &old_pipe, NULL);
    L->running = false;
    return rc;
}

int cio__in_loop(void) { return cio__L.running; }

void cio_stats_get(cio_stats *out)
{
    if (out) *out = cio__L.stats;
}
