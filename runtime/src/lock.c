/*
 * lock.c — cio_lock, a FIFO-fair mutual-exclusion lock for tasks (asyncio.Lock).
 *
 * Built on the core's park/wake API (internal.h). Release hands ownership straight to
 * the first waiter, so a task that arrives later can never overtake one that waits
 * (no barging). The lock remembers its holder and where it was taken, for misuse
 * messages and the deadlock report. cond.c uses the three cio__lock_* helpers at the end.
 */
#include "internal.h"

#include <stdlib.h>

enum { HOLDER_NAME_MAX = 32 }; /* like cio_stats.longest_step_task */

struct cio_lock {
    cio__object obj;                          /* header; made by new, checked by each call */
    cio_task   *holder;                       /* owner, NULL when free; set by acquire/release */
    cio__site   held_since;                   /* where the holder acquired it; set with holder */
    char        holder_name[HOLDER_NAME_MAX]; /* copied: reports may outlive the holder */
    cio__waitq  waiters;                      /* parked in acquire, FIFO; cancel unlinks them */
};

/* What a parked acquirer leaves for the releaser that hands it the lock. */
struct acquire_wait {
    cio__site site; /* the acquirer's call, becomes held_since on hand-off */
};

/* ---------------------------------------------------------------------------------- */
/* Ownership                                                                          */
/* ---------------------------------------------------------------------------------- */

static void become_holder(cio_lock *l, cio_task *t, cio__site site) {
    l->holder = t;
    l->held_since = site;
    /* Copied, not pointed to: a task that returns while holding the lock is freed, and
       the deadlock report must still be able to name it. */
    const char *name = cio_task_name(t);
    size_t i = 0;
    for (; name && name[i] && i < sizeof l->holder_name - 1; i++)
        l->holder_name[i] = name[i];
    l->holder_name[i] = '\0';
}

/* Give the lock to the first waiter, or leave it free. Never suspends. */
static void pass_on(cio_lock *l) {
    cio_task *next = cio__waitq_first(&l->waiters);
    if (!next) {
        l->holder = NULL;
        return;
    }
    /* Direct hand-off: the waiter owns the lock before it even runs, so a task that
       calls acquire in the meantime finds it held and queues behind. */
    const struct acquire_wait *w = cio__wait_data(next);
    if (!w)
        cio__panic("lock hand-off: waiter '%s' parked without its acquire record",
                   cio_task_name(next));
    become_holder(l, next, w->site);
    cio__wake(next, 0);
}

static void describe_lock(const cio__object *o, char *buf, size_t n) {
    const cio_lock *l = (const cio_lock *)o;
    if (!l->holder) {
        snprintf(buf, n, "free");
        return;
    }
    /* The report line already names the waiting task; the holder is what it lacks. */
    snprintf(buf, n, "held by task '%s' since %s:%d", l->holder_name, l->held_since.file,
             l->held_since.line);
}

/* ---------------------------------------------------------------------------------- */
/* Public calls                                                                       */
/* ---------------------------------------------------------------------------------- */

cio_lock *cio__lock_new(const char *file, int line) {
    cio_lock *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    cio__object_init(&l->obj, CIO__MAGIC_LOCK, "lock", file, line, describe_lock);
    l->waiters = (cio__waitq)CIO__WAITQ_INIT;
    return l;
}

/*
 * Returns -EDEADLK, before anything else, when the running task already holds the lock:
 * waiting would never end, and saying so at once points at the bug (a lock is not
 * reentrant). Otherwise a cancellation point even when the lock is free.
 */
int cio__lock_acquire(cio_lock *l, const char *file, int line, const char *func) {
    cio__object_check((const cio__object *)l, CIO__MAGIC_LOCK, "cio_lock_acquire");
    cio__site site = CIO__MKSITE;
    cio_task *me = cio__running();
    if (me && l->holder == me)
        return -EDEADLK;
    if (!l->holder) {
        int rc = cio__cancel_point(site);
        if (rc)
            return rc;
        become_holder(l, me, site);
        return 0;
    }
    struct acquire_wait w = {site};
    int rc = cio__park(&l->waiters, &l->obj, "acquire", &w, site);
    if (rc)
        return rc; /* cancelled while waiting: the core took us off the queue, we own nothing */
    if (l->holder != me)
        cio__panic("lock created at %s:%d: task '%s' was woken from acquire without being "
                   "handed the lock", l->obj.file, l->obj.line, cio_task_name(me));
    return 0;
}

void cio_lock_release(cio_lock *l) {
    cio__object_check((const cio__object *)l, CIO__MAGIC_LOCK, "cio_lock_release");
    cio_task *me = cio__running();
    if (!l->holder)
        cio__misuse("?", 0, "cio_lock_release",
                    "releasing the lock created at %s:%d, which is not held", l->obj.file,
                    l->obj.line);
    if (l->holder != me)
        cio__misuse("?", 0, "cio_lock_release",
                    "%s%s%s releases the lock created at %s:%d, but task '%s' holds it (since %s:%d)",
                    me ? "task '" : "a loop callback", me ? cio_task_name(me) : "", me ? "'" : "",
                    l->obj.file, l->obj.line, l->holder_name, l->held_since.file,
                    l->held_since.line);
    pass_on(l);
}

void cio_lock_free(cio_lock *l) {
    cio__object_check((const cio__object *)l, CIO__MAGIC_LOCK, "cio_lock_free");
    if (l->holder)
        cio__misuse("?", 0, "cio_lock_free",
                    "freeing the lock created at %s:%d while task '%s' holds it (since %s:%d)",
                    l->obj.file, l->obj.line, l->holder_name, l->held_since.file,
                    l->held_since.line);
    /* Unreachable today (waiters imply a holder), kept so the rule stays true if that changes. */
    if (cio__waitq_first(&l->waiters))
        cio__misuse("?", 0, "cio_lock_free",
                    "freeing the lock created at %s:%d while task '%s' waits for it", l->obj.file,
                    l->obj.line, cio_task_name(cio__waitq_first(&l->waiters)));
    cio__object_fini(&l->obj);
    free(l);
}

/* Real functions behind the macros of cio.h, so that their addresses can be taken. */
cio_lock *(cio_lock_new)(void) { return cio__lock_new("?", 0); }
int (cio_lock_acquire)(cio_lock *l) { return cio__lock_acquire(l, "?", 0, "?"); }

/* ---------------------------------------------------------------------------------- */
/* For cond.c                                                                         */
/* ---------------------------------------------------------------------------------- */

/* Nonzero if the running task holds @p l (checks @p l first). */
int cio__lock_held_by_running(const cio_lock *l) {
    cio__object_check((const cio__object *)l, CIO__MAGIC_LOCK, "cio_cond_wait");
    return l->holder != NULL && l->holder == cio__running();
}

/* Release a lock the caller has checked the running task holds. */
void cio__lock_release_held(cio_lock *l) {
    if (l->holder != cio__running())
        cio__panic("lock created at %s:%d released on behalf of a task that does not hold it",
                   l->obj.file, l->obj.line);
    pass_on(l);
}

/*
 * Take @p l back for cio_cond_wait(), whatever the running task's cancellation state:
 * the caller must return with the lock held, so this is no cancellation point.
 */
void cio__lock_acquire_nocancel(cio_lock *l, cio__site site) {
    cio_task *me = cio__running();
    if (l->holder == me)
        cio__panic("lock created at %s:%d: task '%s' re-acquires it for a condition wait but "
                   "already holds it", l->obj.file, l->obj.line, cio_task_name(me));
    if (!l->holder) {
        become_holder(l, me, site);
        return;
    }
    struct acquire_wait w = {site};
    int rc = cio__park_nocancel(&l->waiters, &l->obj, "acquire", &w, site);
    if (rc != 0 || l->holder != me)
        cio__panic("lock created at %s:%d: uncancellable acquire by task '%s' ended with "
                   "status %d without the lock", l->obj.file, l->obj.line, cio_task_name(me), rc);
}
