/*
 * cond.c — cio_cond, a condition variable bound to a cio_lock (asyncio.Condition).
 *
 * Built on the core's park/wake API (internal.h) and on lock.c. wait() releases the
 * lock, parks, and always takes the lock back before returning — after a signal and
 * after a cancellation alike — so code after cio_cond_wait() can rely on holding it.
 */
#include "internal.h"

#include <stdlib.h>

struct cio_cond {
    cio__object obj;       /* header; set by new, checked by every call, killed by free */
    cio_lock   *lock;      /* held by every waiter around wait; fixed at new, owned by the caller */
    const char *lock_file; /* where that lock was made; copied so reports never touch a freed lock */
    int         lock_line; /* line where that lock was created */
    cio__waitq  waiters;   /* parked in wait, FIFO; emptied by signal/broadcast and cancellation */
};


static void describe_cond(const cio__object *o, char *buf, size_t n) {
    const cio_cond *c = (const cio_cond *)o;
    snprintf(buf, n, "no signal pending (its lock was created at %s:%d)", c->lock_file, c->lock_line);
}

cio_cond *cio__cond_new(cio_lock *l, const char *file, int line) {
    cio__object_check((const cio__object *)l, CIO__MAGIC_LOCK, "cio_cond_new");
    cio_cond *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    cio__object_init(&c->obj, CIO__MAGIC_COND, "condition", file, line, describe_cond);
    c->lock = l;
    c->lock_file = ((const cio__object *)l)->file;
    c->lock_line = ((const cio__object *)l)->line;
    c->waiters = (cio__waitq)CIO__WAITQ_INIT;
    return c;
}

int cio__cond_wait(cio_cond *c, const char *file, int line, const char *func) {
    cio__object_check((const cio__object *)c, CIO__MAGIC_COND, "cio_cond_wait");
    cio__site site = CIO__MKSITE;
    if (!cio__lock_held_by_running(c->lock))
        cio__misuse(file, line, func,
                    "cio_cond_wait on the condition created at %s:%d without holding its lock",
                    c->obj.file, c->obj.line);
    /* Already cancelled: fail before letting go of the lock, so nothing moves. */
    int rc = cio__cancel_point(site);
    if (rc)
        return rc;
    cio__lock_release_held(c->lock);
    rc = cio__park(&c->waiters, &c->obj, "wait", NULL, site);
    /* Signalled or cancelled, the caller expects to hold the lock on return. */
    cio__lock_acquire_nocancel(c->lock, site);
    return rc;
}

void cio_cond_signal(cio_cond *c) {
    cio__object_check((const cio__object *)c, CIO__MAGIC_COND, "cio_cond_signal");
    cio__wake_one(&c->waiters, 0);
}

void cio_cond_broadcast(cio_cond *c) {
    cio__object_check((const cio__object *)c, CIO__MAGIC_COND, "cio_cond_broadcast");
    cio__wake_all(&c->waiters, 0);
}

void cio_cond_free(cio_cond *c) {
    cio__object_check((const cio__object *)c, CIO__MAGIC_COND, "cio_cond_free");
    cio_task *first = cio__waitq_first(&c->waiters);
    if (first)
        cio__misuse("?", 0, "cio_cond_free",
                    "freeing the condition created at %s:%d while task '%s' waits on it",
                    c->obj.file, c->obj.line, cio_task_name(first));
    cio__object_fini(&c->obj);
    free(c);
}

/* Real functions behind the macros of cio.h, so that their addresses can be taken. */
cio_cond *(cio_cond_new)(cio_lock *l) { return cio__cond_new(l, "?", 0); }
int (cio_cond_wait)(cio_cond *c) { return cio__cond_wait(c, "?", 0, "?"); }
