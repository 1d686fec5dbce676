/*
 * task.c — tasks: creating, parking and waking, and every way to wait for one
 * (await, gather, wait_any, wait_for), plus yield, sleep and detach.
 *
 * Task records come from a slab and a task gets its stack only when it first runs, so
 * spawning is two pops and no system call, and tasks spawned in bulk before any of them
 * runs (a gather of many) take warm stacks their finished siblings handed back instead
 * of one fresh page each. A sleeping task costs its stack's top page plus its record.
 * Waiting for a task goes through a listener the waiter keeps on its own stack: the
 * finishing task wakes every listener, so one task can wait for many (wait_any) without
 * allocating.
 */
#include "core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SITE CIO__MKSITE

/* ---------------------------------------------------------------------------------- */
/* Checks                                                                             */
/* ---------------------------------------------------------------------------------- */

static cio_task *need_task(const char *api, cio__site site)
{
    if (!cio__L.running)
        cio__misuse(site.file, site.line, site.func, "%s called outside cio_run(): there is no loop", api);
    if (!cio__L.current)
        cio__misuse(site.file, site.line, site.func,
                    "%s suspends, but it was called outside a task (in a loop callback?): "
                    "only tasks can wait", api);
    return cio__L.current;
}

void cio__task_check(const cio_task *t, const char *api, cio__site site)
{
    if (!t) cio__misuse(site.file, site.line, site.func, "%s() was given a NULL task", api);
    if (t->magic == CIO__MAGIC_DEAD)
        cio__misuse(site.file, site.line, site.func,
                    "%s() was given a task that was already freed (awaited, gathered or "
                    "detached and finished): a task can be waited for only once", api);
    if (t->magic != TASK_MAGIC)
        cio__misuse(site.file, site.line, site.func, "%s() was given something that is not a task", api);
}

/* ---------------------------------------------------------------------------------- */
/* Life and death                                                                     */
/* ---------------------------------------------------------------------------------- */

/* ---- The slab of task records: chunks never move nor shrink during a run, so a freed
 * record keeps its CIO__MAGIC_DEAD (misuse is caught) until it is reused, LIFO. ---- */

enum { TASKS_PER_CHUNK = 256 };

static struct {
    cio_task **chunks;     /* every chunk, freed at the end of the run */
    size_t     nchunks;    /* how many */
    cio_task  *free;       /* freed records, linked through all_next */
    cio_task  *carve;      /* next never-used record in the newest chunk */
    size_t     carve_left; /* records left there */
} slab;

static cio_task *record_get(void)
{
    cio_task *t = slab.free;
    if (t) {
        slab.free = t->all_next;
        return t;
    }
    if (!slab.carve_left) {
        cio_task **chunks = realloc(slab.chunks, (slab.nchunks + 1) * sizeof *chunks);
        if (!chunks) return NULL;
        slab.chunks = chunks;
        /* malloc, not calloc: pages are touched only when a record is first used */
        cio_task *c = malloc(TASKS_PER_CHUNK * sizeof *c);
        if (!c) return NULL;
        slab.chunks[slab.nchunks++] = c;
        slab.carve = c;
        slab.carve_left = TASKS_PER_CHUNK;
    }
    slab.carve_left--;
    return slab.carve++;
}

void cio__tasks_release_all(void)
{
    for (size_t i = 0; i < slab.nchunks; i++) free(slab.chunks[i]);
    free(slab.chunks);
    memset(&slab, 0, sizeof slab);
}

cio_task *cio__task_create(cio_fn fn, void *arg, const char *name, const char *file, int line)
{
    cio__loop *L = &cio__L;
    cio_task *t = record_get();
    if (!t) return NULL;
    memset(t, 0, sizeof *t);
    t->run.kind = RUN_TASK;
    t->magic = TASK_MAGIC;
    t->fn = fn;
    t->arg = arg;
    t->id = ++L->next_id;
    /* Not snprintf: spawning is a hot path and stdio costs more than the rest of it. */
    const char *src = name ? name : "task";
    size_t len = strnlen(src, sizeof t->name - 1);
    memcpy(t->name, src, len);
    t->name[len] = '\0';
    t->spawn_file = file;
    t->spawn_line = line;
    t->site = (cio__site){file, line, "(start)"};
    t->timer.slot = CIO__TIMER_IDLE;
    t->all_next = L->all;
    if (L->all) L->all->all_prev = t;
    L->all = t;
    L->unfinished++;
    L->stats.tasks_spawned++;
    L->stats.tasks_live++;
    if (cio__tracing) cio__trace_task(t);
    cio__make_ready(t);
    return t;
}

int cio__task_attach_stack(cio_task *t)
{
    cio__stack *s = cio__stack_get(cio__L.cfg.stack_size);
    if (!s) return -ENOMEM;
    t->stack = s;
    cio__ctx_make(&t->ctx, cio__stack_low(s), cio__stack_top(s), cio__task_entry, t);
    return 0;
}

void cio__task_entry(void *p)
{
    cio_task *t = p;
    t->status = t->fn(t->arg);
    t->state = TASK_DONE;
    cio__ctx_switch(&t->ctx, &cio__L.loop_ctx);
    cio__panic("finished task '%s' was resumed", t->name);
}

void cio__task_free(cio_task *t)
{
    cio__loop *L = &cio__L;
    cio__timer_disarm(&t->timer);
    if (t->all_prev) t->all_prev->all_next = t->all_next;
    else L->all = t->all_next;
    if (t->all_next) t->all_next->all_prev = t->all_prev;
    t->magic = CIO__MAGIC_DEAD;
    L->stats.tasks_live--;
    if (t->stack) cio__stack_put(t->stack);
    t->all_next = slab.free;
    slab.free = t;
}

void cio__task_finished(cio_task *t)
{
    cio__loop *L = &cio__L;
    L->unfinished--;
    /* Its body has returned: the stack is not needed any more (only the record is, for
     * the status), and this runs on the loop's stack. Handing it back now lets the next
     * task spawned in the same burst run on it while it is still warm. */
    if (t->stack) {
        cio__stack_put(t->stack);
        t->stack = NULL;
    }
    if (t == L->main) {
        L->main_done = true;
        L->main_status = t->status;
    }
    for (cio__listener *l = t->listeners; l; l = l->next)
        if (l->waiter->state == TASK_PARKED) cio__wake(l->waiter, 0);
    if (t->groups)
        cio__panic("task '%s' returned without waiting for its task group (cio_group_wait)", t->name);
    if (t->group) cio__group_child_done(t);
    else if (t->detached) cio__task_free(t);
}

/* A listener lives on the waiter's stack and is always unlinked before the waiter
 * returns; GCC cannot see that across the suspension and warns, so say it here. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
void cio__listen(cio_task *t, cio__listener *l)
{
    l->prev = NULL;
    l->next = t->listeners;
    if (t->listeners) t->listeners->prev = l;
    t->listeners = l;
}

void cio__unlisten(cio_task *t, cio__listener *l)
{
    if (l->prev) l->prev->next = l->next;
    else t->listeners = l->next;
    if (l->next) l->next->prev = l->prev;
}

/* ---------------------------------------------------------------------------------- */
/* Parking and waking                                                                 */
/* ---------------------------------------------------------------------------------- */

static void timer_due(cio__timer *tm)
{
    cio_task *t = (cio_task *)((char *)tm - offsetof(cio_task, timer));
    cio__wake(t, t->timeout_status);
}

/* The one place a task suspends to wait. deadline: INFINITY for none. */
static int park(cio__waitq *q, const cio__object *obj, const char *why, void *data, cio__site site,
                bool cancellable, double deadline, int timeout_status, const cio_task *awaited)
{
    cio_task *t = need_task("a call that waits", site);
    if (cancellable && cio__is_cancelled(t)) return -ECANCELED;
    t->site = site;
    t->wait_obj = obj;
    t->wait_why = why;
    t->wait_data = data;
    t->wait_task = awaited;
    t->nocancel = !cancellable;
    t->waitq = q;
    if (q) {
        t->wq_prev = q->tail;
        t->wq_next = NULL;
        if (q->tail) q->tail->wq_next = t;
        else q->head = t;
        q->tail = t;
    }
    if (deadline < INFINITY) {
        t->timeout_status = timeout_status;
        t->timer.fire = timer_due;
        cio__timer_arm(&t->timer, deadline);
    }
    t->state = TASK_PARKED;
    cio__suspend();
    return t->wake_status;
}

int cio__park(cio__waitq *q, const cio__object *obj, const char *why, void *data, cio__site site)
{
    return park(q, obj, why, data, site, true, INFINITY, 0, NULL);
}

int cio__park_nocancel(cio__waitq *q, const cio__object *obj, const char *why, void *data, cio__site site)
{
    return park(q, obj, why, data, site, false, INFINITY, 0, NULL);
}

void *cio__wait_data(const cio_task *t) { return t->wait_data; }

void cio__wake(cio_task *t, int status)
{
    if (t->state != TASK_PARKED) cio__panic("woke task '%s', which is not waiting", t->name);
    cio__waitq *q = t->waitq;
    if (q) {
        if (t->wq_prev) t->wq_prev->wq_next = t->wq_next;
        else q->head = t->wq_next;
        if (t->wq_next) t->wq_next->wq_prev = t->wq_prev;
        else q->tail = t->wq_prev;
        t->waitq = NULL;
        t->wq_prev = t->wq_next = NULL;
    }
    cio__timer_disarm(&t->timer);
    t->wake_status = status;
    t->nocancel = false;
    cio__make_ready(t);
}

int cio__wake_one(cio__waitq *q, int status)
{
    if (!q->head) return 0;
    cio__wake(q->head, status);
    return 1;
}

void cio__wake_all(cio__waitq *q, int status)
{
    while (q->head) cio__wake(q->head, status);
}

cio_task *cio__waitq_first(const cio__waitq *q) { return q->head; }
cio_task *cio__running(void) { return cio__L.current; }

int cio__cancel_point(cio__site site)
{
    cio_task *t = need_task("a call that waits", site);
    return cio__is_cancelled(t) ? -ECANCELED : 0;
}

/* ---------------------------------------------------------------------------------- */
/* Spawning, yielding, sleeping                                                       */
/* ---------------------------------------------------------------------------------- */

cio_task *cio__spawn(cio_fn fn, void *arg, const char *name, const char *file, int line, const char *func)
{
    if (!cio__L.running)
        cio__misuse(file, line, func, "cio_spawn() called outside cio_run(): start the loop with cio_run()");
    if (!fn) cio__misuse(file, line, func, "cio_spawn() was given a NULL function");
    return cio__task_create(fn, arg, name, file, line);
}

int cio__yield(const char *file, int line, const char *func)
{
    cio_task *t = need_task("cio_yield()", SITE);
    if (cio__is_cancelled(t)) return -ECANCELED;
    t->site = SITE;
    t->wait_why = "yield";
    cio__make_ready(t);
    cio__suspend();
    return 0;
}

int cio__sleep_until(double when, const char *file, int line, const char *func)
{
    if (isnan(when)) cio__misuse(file, line, func, "cio_sleep_until() was given NaN");
    int rc;
    do {
        rc = park(NULL, NULL, "sleep", NULL, SITE, true, when, 0, NULL);
    } while (rc == 0 && cio__time() < when); /* woken early by nobody: sleep on */
    return rc;
}

int cio__sleep(double seconds, const char *file, int line, const char *func)
{
    need_task("cio_sleep()", SITE);
    if (isnan(seconds)) cio__misuse(file, line, func, "cio_sleep() was given NaN");
    return cio__sleep_until(cio__time() + (seconds > 0 ? seconds : 0), file, line, func);
}

/* ---------------------------------------------------------------------------------- */
/* Waiting for tasks                                                                  */
/* ---------------------------------------------------------------------------------- */

static void claim(cio_task *t, const char *api, cio__site site)
{
    cio__task_check(t, api, site);
    if (t == cio__L.current)
        cio__misuse(site.file, site.line, site.func, "%s(): task '%s' cannot wait for itself", api, t->name);
    if (t->detached)
        cio__misuse(site.file, site.line, site.func,
                    "%s(): task '%s' was detached, so nobody may wait for it", api, t->name);
    if (t == cio__L.main)
        cio__misuse(site.file, site.line, site.func,
                    "%s(): the main task is waited for by cio_run() itself; no task may wait for it", api);
    if (t->claimed)
        cio__misuse(site.file, site.line, site.func,
                    "%s(): task '%s' is already being waited for by another call", api, t->name);
    if (t->group)
        cio__misuse(site.file, site.line, site.func,
                    "%s(): task '%s' belongs to a group; cio_group_wait() waits for it", api, t->name);
    t->claimed = true;
}

/* Suspend until @p t is DONE or loop time @p deadline (INFINITY: none), which gives
 * -ETIMEDOUT. Cancellable: -ECANCELED when the waiter is cancelled. */
static int wait_done_until(cio_task *t, cio__site site, bool cancellable, double deadline)
{
    if (t->state == TASK_DONE) return 0;
    cio__listener l = {cio__L.current, NULL, NULL};
    cio__listen(t, &l);
    int rc = 0;
    while (rc == 0 && t->state != TASK_DONE)
        rc = park(NULL, NULL, "await", NULL, site, cancellable, deadline, -ETIMEDOUT, t);
    cio__unlisten(t, &l);
    return rc;
}

static int wait_done(cio_task *t, cio__site site, bool cancellable)
{
    return wait_done_until(t, site, cancellable, INFINITY);
}

/* The waiter was cancelled: cancel @p t too, wait for it (shielded), free it. */
static void cancel_and_reap(cio_task *t, cio__site site)
{
    cio_cancel(t);
    wait_done(t, site, false);
    cio__task_free(t);
}

int cio__await(cio_task *t, const char *file, int line, const char *func)
{
    need_task("cio_await()", SITE);
    claim(t, "cio_await", SITE);
    int rc = cio__cancel_point(SITE);
    if (rc == 0) rc = wait_done(t, SITE, true);
    if (rc == -ECANCELED) {
        cancel_and_reap(t, SITE);
        return -ECANCELED;
    }
    int status = t->status;
    cio__task_free(t);
    return status;
}

void cio_detach(cio_task *t)
{
    cio__site site = {"?", 0, "cio_detach"};
    cio__task_check(t, "cio_detach", site);
    if (t->claimed) cio__misuse("?", 0, "cio_detach", "task '%s' is being waited for; it cannot be detached", t->name);
    if (t->detached) cio__misuse("?", 0, "cio_detach", "task '%s' was already detached", t->name);
    if (t->group) cio__misuse("?", 0, "cio_detach", "task '%s' belongs to a group", t->name);
    if (t->state == TASK_DONE) cio__task_free(t);
    else t->detached = true;
}

int cio__gather(cio_task **ts, size_t n, const char *file, int line, const char *func)
{
    need_task("cio_gather()", SITE);
    if (!ts && n) cio__misuse(file, line, func, "cio_gather() was given a NULL array");
    for (size_t i = 0; i < n; i++) claim(ts[i], "cio_gather", SITE);
    bool cancelled = cio__cancel_point(SITE) != 0;
    if (cancelled) /* cancelled already: every task is cancelled, waited for and freed */
        for (size_t i = 0; i < n; i++) cio_cancel(ts[i]);
    int first = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cancelled && wait_done(ts[i], SITE, true) == -ECANCELED) {
            cancelled = true;
            for (size_t j = i; j < n; j++) cio_cancel(ts[j]);
        }
        if (cancelled) wait_done(ts[i], SITE, false);
        else if (ts[i]->status && !first) first = ts[i]->status;
        cio__task_free(ts[i]);
    }
    if (cancelled) return -ECANCELED;
    return first;
}

enum { LISTENERS_ON_STACK = 16 };

int cio__wait_any(cio_task **ts, size_t n, double timeout, const char *file, int line, const char *func)
{
    need_task("cio_wait_any()", SITE);
    if (!ts || !n) cio__misuse(file, line, func, "cio_wait_any() needs at least one task");
    for (size_t i = 0; i < n; i++) cio__task_check(ts[i], "cio_wait_any", SITE);
    if (isnan(timeout)) cio__misuse(file, line, func, "cio_wait_any() was given a NaN timeout");
    int rc = cio__cancel_point(SITE);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++)
        if (ts[i]->state == TASK_DONE) return (int)i;
    if (timeout == 0) return -ETIMEDOUT;

    cio__listener local[LISTENERS_ON_STACK];
    cio__listener *ls = n <= LISTENERS_ON_STACK ? local : malloc(n * sizeof *ls);
    if (!ls) return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        ls[i].waiter = cio__L.current;
        cio__listen(ts[i], &ls[i]);
    }
    double deadline = timeout < 0 ? INFINITY : cio__time() + timeout;
    int found = -1;
    while (found < 0) {
        rc = park(NULL, NULL, "wait_any", NULL, SITE, true, deadline, -ETIMEDOUT, ts[0]);
        if (rc) break;
        for (size_t i = 0; i < n && found < 0; i++)
            if (ts[i]->state == TASK_DONE) found = (int)i;
    }
    for (size_t i = 0; i < n; i++) cio__unlisten(ts[i], &ls[i]);
    if (ls != local) free(ls);
    return found >= 0 ? found : rc;
}

int cio__wait_for(cio_task *t, double timeout, const char *file, int line, const char *func)
{
    need_task("cio_wait_for()", SITE);
    claim(t, "cio_wait_for", SITE);
    if (isnan(timeout)) cio__misuse(file, line, func, "cio_wait_for() was given a NaN timeout");
    int rc = cio__cancel_point(SITE);
    if (rc == 0)
        rc = wait_done_until(t, SITE, true, timeout < 0 ? INFINITY : cio__time() + (timeout > 0 ? timeout : 0));
    if (rc < 0) {
        cancel_and_reap(t, SITE);
        return rc;
    }
    int status = t->status;
    cio__task_free(t);
    return status;
}

/* ---------------------------------------------------------------------------------- */
/* Small queries                                                                      */
/* ---------------------------------------------------------------------------------- */

int cio_task_done(const cio_task *t)
{
    cio__task_check(t, "cio_task_done", (cio__site){"?", 0, "cio_task_done"});
    return t->state == TASK_DONE;
}

const char *cio_task_name(const cio_task *t)
{
    cio__task_check(t, "cio_task_name", (cio__site){"?", 0, "cio_task_name"});
    return t->name;
}

cio_task *cio_current(void) { return cio__L.running ? cio__L.current : NULL; }

int cio_is_cancelled(void) { return cio__L.current ? cio__is_cancelled(cio__L.current) : 0; }

/* ---------------------------------------------------------------------------------- */
/* The real functions behind the macros, for taking their address                    */
/* ---------------------------------------------------------------------------------- */

#undef cio_spawn
#undef cio_spawn_named
#undef cio_await
#undef cio_yield
#undef cio_sleep
#undef cio_sleep_until
#undef cio_gather
#undef cio_wait_any
#undef cio_wait_for
cio_task *cio_spawn(cio_fn fn, void *arg) { return cio__spawn(fn, arg, "task", "?", 0, "?"); }
cio_task *cio_spawn_named(cio_fn fn, void *arg, const char *name) { return cio__spawn(fn, arg, name, "?", 0, "?"); }
int cio_await(cio_task *t) { return cio__await(t, "?", 0, "?"); }
int cio_yield(void) { return cio__yield("?", 0, "?"); }
int cio_sleep(double s) { return cio__sleep(s, "?", 0, "?"); }
int cio_sleep_until(double w) { return cio__sleep_until(w, "?", 0, "?"); }
int cio_gather(cio_task **ts, size_t n) { return cio__gather(ts, n, "?", 0, "?"); }
int cio_wait_any(cio_task **ts, size_t n, double t) { return cio__wait_any(ts, n, t, "?", 0, "?"); }
int cio_wait_for(cio_task *t, double timeout) { return cio__wait_for(t, timeout, "?", 0, "?"); }
