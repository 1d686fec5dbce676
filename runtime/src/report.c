/*
 * report.c — what the runtime tells people: panics, misuse, the deadlock report, the
 * pending-task report at exit and the slow-step warning; plus the object headers that
 * let those reports name a lock or a queue by where it was created.
 *
 * Reports go to the run's report stream (cio_config.report_to, default stderr), are
 * written in whole lines, and always name a task and a file:line the learner wrote.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

static FILE *out(void) { return cio__L.report ? cio__L.report : stderr; }

void cio__report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out(), fmt, ap);
    va_end(ap);
    fputc('\n', out());
    fflush(out());
}

_Noreturn void cio__panic(const char *fmt, ...)
{
    fflush(stdout);
    fputs("cio: panic: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (cio__L.current) fprintf(stderr, " (in task '%s')", cio__L.current->name);
    fputc('\n', stderr);
    abort();
}

_Noreturn void cio__misuse(const char *file, int line, const char *func, const char *fmt, ...)
{
    fflush(stdout);
    if (file && line) fprintf(stderr, "cio: misuse at %s:%d in %s(): ", file, line, func ? func : "?");
    else fprintf(stderr, "cio: misuse in %s(): ", func ? func : "?");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (cio__L.current) fprintf(stderr, " (in task '%s')", cio__L.current->name);
    fputc('\n', stderr);
    abort();
}

/* ---------------------------------------------------------------------------------- */
/* Object headers                                                                     */
/* ---------------------------------------------------------------------------------- */

void cio__object_init(cio__object *o, uint32_t magic, const char *kind, const char *file, int line,
                      cio__describe_fn describe)
{
    o->magic = magic;
    o->kind = kind;
    o->file = file;
    o->line = line;
    o->describe = describe;
    cio__L.stats.objects_live++;
}

void cio__object_fini(cio__object *o)
{
    o->magic = CIO__MAGIC_DEAD;
    if (cio__L.stats.objects_live) cio__L.stats.objects_live--;
}

static const char *kind_of(uint32_t magic)
{
    switch (magic) {
    case CIO__MAGIC_LOCK: return "lock";
    case CIO__MAGIC_EVENT: return "event";
    case CIO__MAGIC_SEM: return "semaphore";
    case CIO__MAGIC_COND: return "condition";
    case CIO__MAGIC_QUEUE: return "queue";
    case CIO__MAGIC_GROUP: return "group";
    default: return "object";
    }
}

void cio__object_check(const cio__object *o, uint32_t magic, const char *api)
{
    if (!o) cio__misuse(NULL, 0, api, "was given a NULL %s", kind_of(magic));
    if (o->magic == CIO__MAGIC_DEAD)
        cio__misuse(NULL, 0, api, "was given a %s that was already freed (created at %s:%d)", kind_of(magic),
                    o->file, o->line);
    if (o->magic != magic) cio__misuse(NULL, 0, api, "was given something that is not a %s", kind_of(magic));
}

/* ---------------------------------------------------------------------------------- */
/* The reports                                                                        */
/* ---------------------------------------------------------------------------------- */

void cio__describe_wait(const cio_task *t, char *buf, size_t n)
{
    const char *why = t->wait_why ? t->wait_why : "wait";
    if (t->wait_obj) {
        char state[160] = "";
        if (t->wait_obj->describe) t->wait_obj->describe(t->wait_obj, state, sizeof state);
        snprintf(buf, n, "%s the %s created at %s:%d%s%s%s", why, t->wait_obj->kind, t->wait_obj->file,
                 t->wait_obj->line, *state ? " (" : "", state, *state ? ")" : "");
    } else if (t->wait_task) {
        snprintf(buf, n, "%s task '%s' (%s)", why, t->wait_task->name,
                 t->wait_task->state == TASK_DONE ? "finished" : "still running");
    } else {
        snprintf(buf, n, "%s", why);
    }
}

static void where(const cio_task *t, char *buf, size_t n)
{
    snprintf(buf, n, "%s:%d in %s()", t->site.file ? t->site.file : "?", t->site.line,
             t->site.func ? t->site.func : "?");
}

/* "since it resumed at f.c:12 in g()", or for a first step "since it started". */
static void since(const cio_task *t, char *buf, size_t n)
{
    if (t->site.func && strcmp(t->site.func, "(start)") == 0) {
        if (t->spawn_line) snprintf(buf, n, "since it started; it was spawned at %s:%d", t->spawn_file, t->spawn_line);
        else snprintf(buf, n, "since it started");
        return;
    }
    char at[200];
    where(t, at, sizeof at);
    snprintf(buf, n, "since it resumed at %s", at);
}

void cio__report_deadlock(void)
{
    size_t waiting = 0;
    for (cio_task *t = cio__L.all; t; t = t->all_next)
        if (t->state == TASK_PARKED) waiting++;
    cio__report("cio: deadlock: no task can run and nothing (timer, I/O, executor job) can wake one.");
    cio__report("cio: %zu task%s wait%s forever (at loop time %.3f s):", waiting, waiting == 1 ? "" : "s",
                waiting == 1 ? "s" : "", cio__time());
    for (cio_task *t = cio__L.all; t; t = t->all_next) {
        if (t->state != TASK_PARKED) continue;
        char what[320], at[200];
        cio__describe_wait(t, what, sizeof what);
        where(t, at, sizeof at);
        cio__report("cio:   task '%s' waits to %s, at %s", t->name, what, at);
    }
    cio__report("cio: every waiting task is cancelled so that it can clean up; cio_run() returns -EDEADLK.");
    if (cio__tracing) cio__trace_instant(NULL, "deadlock");
}

void cio__report_pending(cio_task *t)
{
    char what[320], at[200];
    if (t->state == TASK_PARKED) {
        cio__describe_wait(t, what, sizeof what);
        where(t, at, sizeof at);
        cio__report("cio: task '%s' (spawned at %s:%d) was still pending when main returned: it waits to %s, at %s; "
                    "it is cancelled now. Await, gather or cancel every task before main returns.",
                    t->name, t->spawn_file, t->spawn_line, what, at);
    } else {
        cio__report("cio: task '%s' (spawned at %s:%d) was still pending when main returned (ready to run); "
                    "it is cancelled now. Await, gather or cancel every task before main returns.",
                    t->name, t->spawn_file, t->spawn_line);
    }
}

void cio__report_slow_step(cio_task *t, double seconds, bool real)
{
    cio__L.stats.slow_steps++;
    const char *advice = "every other task waited that long. Move blocking work to cio_to_thread() or "
                         "split it with cio_yield().";
    if (!t) {
        cio__report("cio: slow step: a loop callback ran %.3f s%s without returning; %s", seconds,
                    real ? " of real time" : "", advice);
        return;
    }
    char when[260];
    since(t, when, sizeof when);
    cio__report("cio: slow step: task '%s' ran %.3f s%s without suspending (%s); %s", t->name, seconds,
                real ? " of real time" : "", when, advice);
}
