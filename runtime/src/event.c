/*
 * event.c — cio_event, a flag that tasks wait for (asyncio.Event).
 *
 * Built on the core's park/wake API (internal.h). Setting wakes every waiter at once;
 * waiting on an event that is already set is still a cancellation point but never
 * suspends, so it costs no trip through the scheduler.
 */
#include "internal.h"

#include <stdlib.h>

struct cio_event {
    cio__object obj;     /* header; set by new, checked by every call, killed by free */
    int         is_set;  /* the flag; changed only by set and clear */
    cio__waitq  waiters; /* tasks parked in wait, FIFO; emptied by set, the core unlinks cancelled ones */
};

static void describe_event(const cio__object *o, char *buf, size_t n) {
    const cio_event *e = (const cio_event *)o;
    snprintf(buf, n, "%s", e->is_set ? "set" : "not set");
}

cio_event *cio__event_new(const char *file, int line) {
    cio_event *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    cio__object_init(&e->obj, CIO__MAGIC_EVENT, "event", file, line, describe_event);
    e->waiters = (cio__waitq)CIO__WAITQ_INIT;
    return e;
}

void cio_event_set(cio_event *e) {
    cio__object_check((const cio__object *)e, CIO__MAGIC_EVENT, "cio_event_set");
    e->is_set = 1;
    /* Woken with status 0 now: a clear() before they run does not take it back, as in
       asyncio, where waiters woken by set() return True even if cleared meanwhile. */
    cio__wake_all(&e->waiters, 0);
}

void cio_event_clear(cio_event *e) {
    cio__object_check((const cio__object *)e, CIO__MAGIC_EVENT, "cio_event_clear");
    e->is_set = 0;
}

int cio_event_is_set(const cio_event *e) {
    cio__object_check((const cio__object *)e, CIO__MAGIC_EVENT, "cio_event_is_set");
    return e->is_set;
}

int cio__event_wait(cio_event *e, const char *file, int line, const char *func) {
    cio__object_check((const cio__object *)e, CIO__MAGIC_EVENT, "cio_event_wait");
    if (e->is_set)
        return cio__cancel_point(CIO__MKSITE);
    return cio__park(&e->waiters, &e->obj, "wait", NULL, CIO__MKSITE);
}

void cio_event_free(cio_event *e) {
    cio__object_check((const cio__object *)e, CIO__MAGIC_EVENT, "cio_event_free");
    cio_task *first = cio__waitq_first(&e->waiters);
    if (first)
        cio__misuse("?", 0, "cio_event_free",
                    "freeing the event created at %s:%d while task '%s' waits for it",
                    e->obj.file, e->obj.line, cio_task_name(first));
    cio__object_fini(&e->obj);
    free(e);
}

/* Real functions behind the macros of cio.h, so that their addresses can be taken. */
cio_event *(cio_event_new)(void) { return cio__event_new("?", 0); }
int (cio_event_wait)(cio_event *e) { return cio__event_wait(e, "?", 0, "?"); }
