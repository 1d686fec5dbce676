/*
 * internal.h — what the files of runtime/src/ share, and nothing else sees.
 *
 * The core (sched.c, task.c, cancel.c, timer.c, ...) owns tasks and the loop. The
 * other files (sync primitives, I/O, executor) build on four ideas exported here:
 *  - a task *parks* itself on a wait queue and another party *wakes* it with a status;
 *  - every park is first a cancellation point, and a cancelled parked task is woken
 *    with -ECANCELED after being taken off its queue, so a queue never holds a task
 *    that is not waiting on it;
 *  - every primitive starts with a cio__object header that names it in reports and
 *    lets misuse (NULL, freed, wrong type) be caught with a message;
 *  - broken invariants and misuse stop the program with a message, never silently.
 */
#ifndef CIO_INTERNAL_H
#define CIO_INTERNAL_H

#include "cio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>

/* ---------------------------------------------------------------------------------- */
/* Stopping with a message                                                            */
/* ---------------------------------------------------------------------------------- */

/** Print "cio: panic: <message>" naming a broken invariant, and abort. */
_Noreturn void cio__panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print "cio: misuse at FILE:LINE in FUNC(): <message>" for a caller's mistake, and abort. */
_Noreturn void cio__misuse(const char *file, int line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** Print a report line (with a trailing newline added) to the run's report stream. */
void cio__report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---------------------------------------------------------------------------------- */
/* Call sites                                                                         */
/* ---------------------------------------------------------------------------------- */

/** Where a learner's call came from: every suspension records one for reports. */
typedef struct cio__site {
    const char *file; /**< __FILE__ of the call (static string) */
    int         line; /**< __LINE__ of the call */
    const char *func; /**< __func__ of the calling function (static string) */
} cio__site;

#define CIO__SITE_ARGS const char *file, int line, const char *func
#define CIO__MKSITE    ((cio__site){file, line, func})

/* ---------------------------------------------------------------------------------- */
/* Object headers: every lock, event, semaphore, condition, queue and group has one    */
/* ---------------------------------------------------------------------------------- */

enum {
    CIO__MAGIC_LOCK  = 0x4c4f434bu, /* "LOCK" */
    CIO__MAGIC_EVENT = 0x45564e54u, /* "EVNT" */
    CIO__MAGIC_SEM   = 0x53454d41u, /* "SEMA" */
    CIO__MAGIC_COND  = 0x434f4e44u, /* "COND" */
    CIO__MAGIC_QUEUE = 0x51554555u, /* "QUEU" */
    CIO__MAGIC_GROUP = 0x47525550u, /* "GRUP" */
    CIO__MAGIC_DEAD  = 0xdeadbeefu, /* written by cio__object_fini: catches use after free */
};

typedef struct cio__object cio__object;

/** Writes one phrase about an object's state for the deadlock report ("held by task 'a'"). */
typedef void (*cio__describe_fn)(const cio__object *o, char *buf, size_t n);

/** The header at the start of every primitive. */
struct cio__object {
    uint32_t         magic;    /**< CIO__MAGIC_*; CIO__MAGIC_DEAD once freed */
    const char      *kind;     /**< "lock", "event", "semaphore", "condition", "queue", "group" */
    const char      *file;     /**< where it was created (for reports) */
    int              line;     /**< line where it was created */
    cio__describe_fn describe; /**< state for the deadlock report; may be NULL */
};

/** Fill the header and count the object as live (cio_stats.objects_live). */
void cio__object_init(cio__object *o, uint32_t magic, const char *kind, const char *file, int line,
                      cio__describe_fn describe);
/** Mark the object dead and uncount it; call just before free(). */
void cio__object_fini(cio__object *o);
/**
 * Stop with a misuse message if @p o is NULL, freed or not of type @p magic.
 * @p api names the public function being called ("cio_lock_acquire").
 */
void cio__object_check(const cio__object *o, uint32_t magic, const char *api);

/* ---------------------------------------------------------------------------------- */
/* Parking and waking                                                                 */
/* ---------------------------------------------------------------------------------- */

/** A FIFO of parked tasks, linked through the tasks themselves (no allocation). */
typedef struct cio__waitq {
    cio_task *head; /**< first to be woken; NULL when empty */
    cio_task *tail; /**< last parked */
} cio__waitq;

#define CIO__WAITQ_INIT {NULL, NULL}

/**
 * Suspend the running task on @p q until cio__wake() (or cancellation).
 *
 * First a cancellation point: returns -ECANCELED at once if the task is cancelled.
 * Otherwise appends the task to @p q (q may be NULL: parked on nothing, woken only
 * directly), records @p obj, @p why ("acquire", "wait", "get", ...) and @p site for
 * the deadlock report, keeps @p data for the waker (see cio__wait_data(); e.g. a slot
 * a queue's putter fills), and suspends.
 * Stops with a misuse message when called outside a task (site names the caller).
 * @return the status given to cio__wake(), or -ECANCELED if the task was cancelled
 *         while parked; in that case it has already been removed from @p q.
 */
int cio__park(cio__waitq *q, const cio__object *obj, const char *why, void *data, cio__site site);

/**
 * cio__park() that cancellation does not interrupt (no cancellation point, not woken by
 * a cancel). For the few waits that must finish, e.g. cio_cond_wait() taking its lock
 * back after it was cancelled.
 */
int cio__park_nocancel(cio__waitq *q, const cio__object *obj, const char *why, void *data, cio__site site);

/** The @p data pointer that parked task @p t passed to cio__park() (for direct hand-off). */
void *cio__wait_data(const cio_task *t);

/** -ECANCELED if the running task is cancelled, else 0; misuse outside a task. Never suspends. */
int cio__cancel_point(cio__site site);

/** Wake the parked task @p t: take it off its queue and make it ready; its park returns @p status. */
void cio__wake(cio_task *t, int status);
/** Wake the first task parked on @p q with @p status. @return 1 if one was woken, else 0. */
int cio__wake_one(cio__waitq *q, int status);
/** Wake every task parked on @p q with @p status, in FIFO order. */
void cio__wake_all(cio__waitq *q, int status);
/** The first task parked on @p q, or NULL. */
cio_task *cio__waitq_first(const cio__waitq *q);

/** The running task, or NULL (same as cio_current()). */
cio_task *cio__running(void);
/** Nonzero while cio_run() is running on this thread. */
int cio__in_loop(void);

/* ---------------------------------------------------------------------------------- */
/* What cond.c needs from lock.c                                                      */
/* ---------------------------------------------------------------------------------- */

/** Nonzero if the running task holds @p l. */
int  cio__lock_held_by_running(const cio_lock *l);
/** Release @p l, held by the running task, handing it to the first waiter. */
void cio__lock_release_held(cio_lock *l);
/** Take @p l back after a condition wait; cancellation cannot interrupt it. */
void cio__lock_acquire_nocancel(cio_lock *l, cio__site site);

/* ---------------------------------------------------------------------------------- */
/* Ready-fd waiting and executor hand-off (core services for io.c and executor.c)    */
/* ---------------------------------------------------------------------------------- */

enum { CIO__READABLE = 1, CIO__WRITABLE = 2 };

/** Suspend the running task until @p fd is readable/writable (@p events). @return 0, -ECANCELED, -EBADF. */
int cio__wait_fd(int fd, int events, cio__site site);

#endif /* CIO_INTERNAL_H */
