/*
 * sem.c — cio_sem, a FIFO counting semaphore for tasks (asyncio.Semaphore).
 *
 * Built on the core's park/wake API (internal.h). A release while tasks wait hands the
 * permit straight to the first of them instead of raising the count, so a later
 * acquirer can never take the permit first. Invariant: value > 0 only when nobody waits.
 */
#include "internal.h"

#include <limits.h>
#include <stdlib.h>

struct cio_sem {
    cio__object obj;     /* header; set by new, checked by every call, killed by free */
    unsigned    value;   /* permits free now; acquire takes one, release returns one unless handed off */
    cio__waitq  waiters; /* tasks parked in acquire, FIFO; the core unlinks cancelled ones */
};

static void describe_sem(const cio__object *o, char *buf, size_t n) {
    const cio_sem *s = (const cio_sem *)o;
    snprintf(buf, n, "%u permit%s free", s->value, s->value == 1 ? "" : "s");
}

cio_sem *cio__sem_new(unsigned value, const char *file, int line) {
    cio_sem *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    cio__object_init(&s->obj, CIO__MAGIC_SEM, "semaphore", file, line, describe_sem);
    s->value = value;
    s->waiters = (cio__waitq)CIO__WAITQ_INIT;
    return s;
}

int cio__sem_acquire(cio_sem *s, const char *file, int line, const char *func) {
    cio__object_check((const cio__object *)s, CIO__MAGIC_SEM, "cio_sem_acquire");
    if (s->value > 0) {
        if (cio__waitq_first(&s->waiters))
            cio__panic("semaphore created at %s:%d has %u permits free while tasks wait",
                       s->obj.file, s->obj.line, s->value);
        int rc = cio__cancel_point(CIO__MKSITE);
        if (rc)
            return rc;
        s->value--;
        return 0;
    }
    /* Status 0 means release() handed us its permit; the count never saw it. */
    return cio__park(&s->waiters, &s->obj, "acquire", NULL, CIO__MKSITE);
}

void cio_sem_release(cio_sem *s) {
    cio__object_check((const cio__object *)s, CIO__MAGIC_SEM, "cio_sem_release");
    if (cio__wake_one(&s->waiters, 0))
        return;
    if (s->value == UINT_MAX)
        cio__misuse("?", 0, "cio_sem_release",
                    "the semaphore created at %s:%d was released more often than it can count",
                    s->obj.file, s->obj.line);
    s->value++;
}

unsigned cio_sem_value(const cio_sem *s) {
    cio__object_check((const cio__object *)s, CIO__MAGIC_SEM, "cio_sem_value");
    return s->value;
}

void cio_sem_free(cio_sem *s) {
    cio__object_check((const cio__object *)s, CIO__MAGIC_SEM, "cio_sem_free");
    cio_task *first = cio__waitq_first(&s->waiters);
    if (first)
        cio__misuse("?", 0, "cio_sem_free",
                    "freeing the semaphore created at %s:%d while task '%s' waits for it",
                    s->obj.file, s->obj.line, cio_task_name(first));
    cio__object_fini(&s->obj);
    free(s);
}

/* Real functions behind the macros of cio.h, so that their addresses can be taken. */
cio_sem *(cio_sem_new)(unsigned value) { return cio__sem_new(value, "?", 0); }
int (cio_sem_acquire)(cio_sem *s) { return cio__sem_acquire(s, "?", 0, "?"); }
