/*
 * cio.h — the public contract of cio, a small teaching runtime for asynchronous C.
 *
 * One thread runs an event loop (libev underneath) that switches between stackful
 * coroutines called tasks. Everything a program sees of the runtime is declared here;
 * runtime/src/ implements it, and nothing outside runtime/src/ includes ev.h.
 *
 * Invariants every call keeps:
 *  - Errors are negative errno values (-ECANCELED, -ETIMEDOUT, -ENOMEM, -EPIPE,
 *    -EDEADLK, -EALREADY, -EINVAL); success is 0 or a count.
 *  - Only the loop thread may call cio_* functions (like asyncio, nothing here is
 *    thread-safe), except cio_block_for(), which executor jobs may call too.
 *  - Every call that may suspend is a cancellation point, even when it would not have
 *    to wait (Trio's checkpoints). Releasing, setting and closing never suspend.
 *  - Suspending calls are macros that pass the caller's file, line and function, so
 *    every report names the learner's own line. Each also exists as a real function
 *    of the same name, for taking its address: (cio_sleep)(0.5).
 */
#ifndef CIO_H
#define CIO_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @file cio.h
 * @brief The whole public API of cio: loop, tasks, cancellation, executor,
 *        synchronization, non-blocking I/O and teaching instruments.
 *
 * A minimal program:
 * @code
 * #include <cio.h>
 *
 * static int hello(void *arg) {
 *     cio_sleep(1.0);                       // other tasks run meanwhile
 *     printf("hello, %s\n", (const char *)arg);
 *     return 0;
 * }
 *
 * int main(void) { return cio_run(hello, "world", NULL) == 0 ? 0 : 1; }
 * @endcode
 */

/* ====================================================================== */
/** @name Running the loop                                                 */
/* ====================================================================== */
/** @{ */

/**
 * @brief A coroutine body: the function a task runs.
 *
 * It returns 0 on success or a negative errno value; results travel through @p arg.
 */
typedef int (*cio_fn)(void *arg);

/** @brief A task: a coroutine scheduled by the loop (asyncio's Task). Opaque. */
typedef struct cio_task cio_task;

/**
 * @brief Settings for one cio_run(). Zero-initialise it and set what you need.
 *
 * The environment overrides some fields so that a learner can change a run without
 * recompiling: `CIO_VIRTUAL_CLOCK=1|0`, `CIO_SEED=N`, `CIO_TRACE=path`,
 * `CIO_SLOW_STEP=seconds`, `CIO_THREADS=N`.
 */
typedef struct cio_config {
    int         virtual_clock;    /**< nonzero: time jumps to the next deadline when every task waits */
    uint64_t    seed;             /**< 0: FIFO ready queue; else a shuffled order, reproducible per seed */
    double      slow_step;        /**< warn when a task runs this long without suspending; 0: 0.1 s; <0: off */
    const char *trace_path;       /**< write a Chrome trace-event JSON file at exit; NULL: off */
    size_t      stack_size;       /**< bytes per coroutine stack; 0: default (64 KiB) */
    unsigned    executor_threads; /**< threads in the executor pool; 0: one per core */
    FILE       *report_to;        /**< where reports and warnings go; NULL: stderr */
} cio_config;

/**
 * @brief Run @p main as the first task until it returns (asyncio.run()).
 *
 * When main returns, tasks still pending (detached ones too) are reported, cancelled
 * and run to completion, and executor jobs still running are waited for. If at some
 * point no task can run and nothing (timer, I/O, executor job) can wake one, the
 * deadlock report is printed, every waiting task is cancelled and run to completion,
 * and cio_run() returns -EDEADLK.
 *
 * @param main the first task's body.
 * @param arg  passed to @p main.
 * @param cfg  settings; NULL means all defaults (real clock, FIFO order).
 * @return main's status, -EDEADLK after a deadlock report, -EINVAL if @p main is NULL
 *         or cio_run() is called from inside a running loop, -ENOMEM.
 */
int cio_run(cio_fn main, void *arg, const cio_config *cfg);

/**
 * @brief The loop's current time in seconds: virtual under the virtual clock,
 *        else monotonic. Constant while a task runs without suspending, unless the
 *        task calls cio_block_for().
 */
double cio_now(void);

/** @} */

/* ====================================================================== */
/** @name Loop callbacks (asyncio's call_soon, call_later, add_reader)     */
/* ====================================================================== */
/** @{ */

/** @brief A loop callback. It runs on the loop, outside any task, and must not suspend. */
typedef void (*cio_callback)(void *arg);

/**
 * @brief Identifies a scheduled callback, so that it can be cancelled.
 *
 * A handle is a value, not a pointer: it stays safe to cancel after the callback ran
 * (cio_handle_cancel() then returns -EALREADY). A zero id means scheduling failed.
 */
typedef struct cio_handle {
    uint64_t id; /**< slot and generation, assigned by the loop; 0: no callback */
} cio_handle;

/** @brief Run @p cb(@p arg) on the next loop iteration, after callbacks already queued (FIFO). */
cio_handle cio_call_soon(cio_callback cb, void *arg);
/** @brief Run @p cb(@p arg) once, @p delay seconds of loop time from now. */
cio_handle cio_call_later(double delay, cio_callback cb, void *arg);
/** @brief Run @p cb(@p arg) once, at absolute loop time @p when. */
cio_handle cio_call_at(double when, cio_callback cb, void *arg);
/**
 * @brief Cancel a callback that has not run yet.
 * @return 0, or -EALREADY if it already ran or was cancelled.
 */
int cio_handle_cancel(cio_handle h);

/**
 * @brief Call @p cb(@p arg) on the loop every time @p fd becomes readable
 *        (asyncio's loop.add_reader()). One reader per fd; the fd is made non-blocking.
 * @return 0, -EEXIST if the fd already has a reader, -EINVAL for a bad fd.
 */
int cio_add_reader(int fd, cio_callback cb, void *arg);
/** @brief Stop watching @p fd for reading. @return 0, or -ENOENT if it had no reader. */
int cio_remove_reader(int fd);
/** @brief Like cio_add_reader(), for writability. */
int cio_add_writer(int fd, cio_callback cb, void *arg);
/** @brief Stop watching @p fd for writing. @return 0, or -ENOENT if it had no writer. */
int cio_remove_writer(int fd);

/** @} */

/* ====================================================================== */
/** @name Tasks                                                             */
/* ====================================================================== */
/** @{ */

/**
 * @brief Create a task running @p fn(@p arg) (asyncio.create_task()).
 *
 * The task first runs when its creator next suspends; with seed 0, ready tasks run
 * in FIFO order. Its name is the function's name, as written at the call.
 * Every task must be awaited, gathered, waited for or detached. A task gets its stack
 * when it first runs and gives it back when it returns; if no stack can be had then, it
 * finishes with -ENOMEM without running.
 * @return the task, or NULL if memory ran out.
 */
cio_task *cio_spawn(cio_fn fn, void *arg);
/** @brief cio_spawn() with an explicit name for reports and traces (copied). */
cio_task *cio_spawn_named(cio_fn fn, void *arg, const char *name);

/**
 * @brief Wait for @p t to finish and free it (join).
 *
 * If the caller is cancelled while waiting, it cancels @p t, waits for it, frees it
 * and returns -ECANCELED.
 * @return @p t's status, or -ECANCELED.
 */
int cio_await(cio_task *t);

/** @brief Give up ownership of @p t: it is freed when it finishes (fire and forget). */
void cio_detach(cio_task *t);

/**
 * @brief Request cancellation of @p t.
 *
 * Cancellation is level-triggered: from now on every suspension point in @p t returns
 * -ECANCELED until the task returns (except inside a shielded scope).
 * @return 0, or -EALREADY if @p t has finished (no effect).
 */
int cio_cancel(cio_task *t);

/** @brief Let every other ready task run once (asyncio.sleep(0)). @return 0 or -ECANCELED. */
int cio_yield(void);
/** @brief Suspend for @p seconds of loop time. @return 0 or -ECANCELED. */
int cio_sleep(double seconds);
/** @brief Suspend until loop time @p when (no drift for periodic work). @return 0 or -ECANCELED. */
int cio_sleep_until(double when);

/**
 * @brief Await every task in @p ts and free them all (asyncio.gather()).
 * @return 0, or the first error in array order (not in time order). If the caller is
 *         cancelled, every task is cancelled, waited for and freed: -ECANCELED.
 */
int cio_gather(cio_task **ts, size_t n);

/**
 * @brief Wait until at least one task in @p ts has finished, or @p timeout seconds.
 *
 * Frees none and cancels none: cio_await() the winner to get its status.
 * @param ts      the tasks to watch.
 * @param n       how many there are (at least one).
 * @param timeout seconds; 0 only polls; negative waits without limit.
 * @return the lowest index among finished tasks, -ETIMEDOUT, or -ECANCELED.
 */
int cio_wait_any(cio_task **ts, size_t n, double timeout);

/**
 * @brief Await @p t for at most @p timeout seconds (asyncio.wait_for()).
 *
 * On timeout @p t is cancelled and waited for (that wait is shielded), freed, and the
 * call returns -ETIMEDOUT. @p t is freed in every case.
 * @return @p t's status, -ETIMEDOUT or -ECANCELED.
 */
int cio_wait_for(cio_task *t, double timeout);

/** @brief Nonzero once @p t has returned (it still needs cio_await() to be freed). */
int cio_task_done(const cio_task *t);
/** @brief The task's name ("main" for the first task). */
const char *cio_task_name(const cio_task *t);
/** @brief The running task, or NULL in a loop callback or outside cio_run(). */
cio_task *cio_current(void);
/** @brief Nonzero if the running task has been cancelled (its next suspension will fail). */
int cio_is_cancelled(void);

/** @} */

/* ====================================================================== */
/** @name Cancel scopes (Trio's move_on_at / fail_at)                      */
/* ====================================================================== */
/** @{ */

/**
 * @brief A cancel scope: a region of one task that can be cancelled as a whole,
 *        by a deadline or by cio_scope_cancel(). It lives on the caller's stack.
 *
 * The fields are the runtime's: read them only through the functions below.
 * @code
 * cio_scope s;
 * cio_scope_open_after(&s, 2.0, 0);   // give the download two seconds
 * int rc = download(url);             // its suspensions return -ECANCELED at the deadline
 * if (cio_scope_close(&s))            // 1: the deadline passed (Trio's move_on_after)
 *     rc = -ETIMEDOUT;                //    turning it into an error is fail_after
 * @endcode
 */
typedef struct cio_scope {
    double            deadline;  /**< absolute loop time at which it fires; INFINITY: none */
    int               shield;    /**< nonzero: cancellation from outside does not reach inside */
    int               cancelled; /**< set when the deadline passes or cio_scope_cancel() is called */
    struct cio_scope *parent;    /**< the scope enclosing this one in the same task, or NULL */
    cio_task         *task;      /**< the task that opened it; only that task may close it */
    uint64_t          timer;     /**< the loop's id of the deadline timer; 0: none armed */
    uint32_t          magic;     /**< marks an open scope, to catch closing one never opened */
} cio_scope;

/**
 * @brief Open a scope in the running task.
 * @param s        the scope, usually a local variable; closed with cio_scope_close().
 * @param deadline absolute loop time (see cio_now()); INFINITY: no deadline.
 * @param shield   nonzero: cancellation of the task or an outer scope does not reach
 *                 suspensions inside (its own deadline and cancel still do).
 */
void cio_scope_open(cio_scope *s, double deadline, int shield);
/** @brief Open a scope whose deadline is @p seconds from now (Trio's move_on_after). */
void cio_scope_open_after(cio_scope *s, double seconds, int shield);
/** @brief Cancel everything inside @p s; suspensions inside return -ECANCELED. Never suspends. */
void cio_scope_cancel(cio_scope *s);
/** @brief Nonzero if @p s has been cancelled or its deadline has passed (the scope is still open). */
int cio_scope_fired(const cio_scope *s);
/**
 * @brief Close @p s. The task runs on (Trio's move_on); scopes close innermost first.
 * @return 1 if the scope was cancelled (deadline or cio_scope_cancel()), else 0.
 */
int cio_scope_close(cio_scope *s);

/** @} */

/* ====================================================================== */
/** @name Task groups (asyncio TaskGroup, Trio nursery)                    */
/* ====================================================================== */
/** @{ */

/** @brief A set of child tasks whose lifetime ends at cio_group_wait(). Opaque. */
typedef struct cio_group cio_group;

/**
 * @brief Create a group. Its children see the cancel scopes that enclose this call.
 * @return the group, or NULL if memory ran out.
 */
cio_group *cio_group_new(void);
/**
 * @brief Start @p fn(@p arg) as a child of @p g.
 * @return 0, -ENOMEM, or -ECANCELED once the group is failing or cancelled.
 */
int cio_group_spawn(cio_group *g, cio_fn fn, void *arg);
/** @brief Cancel every child of @p g. Never suspends. */
void cio_group_cancel(cio_group *g);
/**
 * @brief Wait for every child, then free @p g.
 *
 * A child that fails (returns nonzero, other than -ECANCELED caused by the group)
 * cancels the others.
 * @return 0, the first failure, or -ECANCELED if the caller was cancelled.
 */
int cio_group_wait(cio_group *g);

/** @} */

/* ====================================================================== */
/** @name Executor (asyncio's run_in_executor / to_thread)                 */
/* ====================================================================== */
/** @{ */

/**
 * @brief Run @p fn(@p arg) on the executor's thread pool; suspend only the caller.
 *
 * @p fn runs on another thread: it must not call cio_* functions other than
 * cio_block_for(). If the caller is cancelled while the job runs, this returns
 * -ECANCELED at once; the job finishes in the background and its result is dropped
 * (@p arg must stay valid until then, so pass heap memory the job frees, or shield the
 * call). If the caller is already cancelled when it calls, the job is not started at
 * all and the call returns -ECANCELED: memory meant for the job to free is still the
 * caller's (check cio_is_cancelled() first, or free it on -ECANCELED when the job never
 * ran).
 * @return fn's status, -ECANCELED or -ENOMEM.
 */
int cio_to_thread(cio_fn fn, void *arg);

/**
 * @brief Simulate blocking work: stop the calling thread for @p seconds.
 *
 * On the loop thread nothing else runs meanwhile (that is the point: it shows what a
 * blocking call does to every other task); under the virtual clock loop time jumps by
 * @p seconds instead of the thread really waiting. In an executor job it blocks that
 * worker only; under the virtual clock the job's result is delivered @p seconds of
 * loop time after the job started, so executor timing is exact in tests too.
 */
void cio_block_for(double seconds);

/** @} */

/* ====================================================================== */
/** @name Synchronization (loop thread only, like asyncio)                  */
/* ====================================================================== */
/** @{ */

/** @brief A FIFO-fair mutual-exclusion lock for tasks. Opaque. */
typedef struct cio_lock cio_lock;
/** @brief A flag tasks can wait for. Opaque. */
typedef struct cio_event cio_event;
/** @brief A counting semaphore. Opaque. */
typedef struct cio_sem cio_sem;
/** @brief A condition variable bound to a cio_lock. Opaque. */
typedef struct cio_cond cio_cond;
/** @brief A FIFO queue of pointers, optionally bounded, that can be closed. Opaque. */
typedef struct cio_queue cio_queue;

/** @brief Create an unlocked lock. @return NULL if memory ran out. */
cio_lock *cio_lock_new(void);
/** @brief Take the lock, waiting in FIFO order behind earlier waiters. @return 0, -ECANCELED, -EDEADLK if the caller already holds it. */
int cio_lock_acquire(cio_lock *l);
/** @brief Release the lock held by the running task and hand it to the first waiter. */
void cio_lock_release(cio_lock *l);
/** @brief Free an unlocked lock nobody waits for. */
void cio_lock_free(cio_lock *l);

/** @brief Create an event, initially clear. @return NULL if memory ran out. */
cio_event *cio_event_new(void);
/** @brief Set the event and wake every waiter. */
void cio_event_set(cio_event *e);
/** @brief Clear the event. */
void cio_event_clear(cio_event *e);
/** @brief Nonzero if the event is set. */
int cio_event_is_set(const cio_event *e);
/** @brief Wait until the event is set (a checkpoint even if it already is). @return 0 or -ECANCELED. */
int cio_event_wait(cio_event *e);
/** @brief Free an event nobody waits for. */
void cio_event_free(cio_event *e);

/** @brief Create a semaphore with @p value permits. @return NULL if memory ran out. */
cio_sem *cio_sem_new(unsigned value);
/** @brief Take a permit, waiting in FIFO order. @return 0 or -ECANCELED. */
int cio_sem_acquire(cio_sem *s);
/** @brief Return a permit, waking the first waiter. */
void cio_sem_release(cio_sem *s);
/** @brief The permits available now. */
unsigned cio_sem_value(const cio_sem *s);
/** @brief Free a semaphore nobody waits for. */
void cio_sem_free(cio_sem *s);

/** @brief Create a condition variable used with lock @p l. @return NULL if memory ran out. */
cio_cond *cio_cond_new(cio_lock *l);
/**
 * @brief Release the lock, wait for a signal, take the lock again.
 * @return 0 or -ECANCELED; the lock is held again in both cases.
 */
int cio_cond_wait(cio_cond *c);
/** @brief Wake the first waiter. */
void cio_cond_signal(cio_cond *c);
/** @brief Wake every waiter. */
void cio_cond_broadcast(cio_cond *c);
/** @brief Free a condition nobody waits for. */
void cio_cond_free(cio_cond *c);

/** @brief Create a queue holding at most @p capacity items; 0: unbounded. @return NULL if memory ran out. */
cio_queue *cio_queue_new(size_t capacity);
/**
 * @brief Append @p item, waiting while the queue is full.
 * @return 0, -ECANCELED, or -EPIPE once the queue is closed (the item stays the caller's).
 */
int cio_queue_put(cio_queue *q, void *item);
/**
 * @brief Take the oldest item, waiting while the queue is empty.
 * @return 0, -ECANCELED, or -EPIPE once the queue is closed and empty.
 */
int cio_queue_get(cio_queue *q, void **item);
/** @brief Close the queue: wakes every waiter; items already queued can still be taken. */
void cio_queue_close(cio_queue *q);
/** @brief The number of items queued now. */
size_t cio_queue_size(const cio_queue *q);
/** @brief Free a queue nobody waits for (items still in it are not freed). */
void cio_queue_free(cio_queue *q);

/** @} */

/* ====================================================================== */
/** @name Non-blocking I/O on pipes and sockets                             */
/* ====================================================================== */
/** @{ */

/** @brief Suspend until @p fd is readable. @return 0, -ECANCELED or -EBADF. */
int cio_wait_readable(int fd);
/** @brief Suspend until @p fd is writable. @return 0, -ECANCELED or -EBADF. */
int cio_wait_writable(int fd);
/** @brief Like read(2), suspending instead of blocking. @return bytes read (0 at end of file) or -errno. */
ssize_t cio_read(int fd, void *buf, size_t n);
/** @brief Write all @p n bytes, suspending whenever the fd is full. @return @p n or -errno (-EPIPE: peer closed). */
ssize_t cio_write(int fd, const void *buf, size_t n);
/** @brief Accept a connection on a listening socket. @return the new non-blocking fd, or -errno. */
int cio_accept(int listen_fd);
/** @brief Connect @p fd, suspending until the connection completes. @return 0 or -errno. */
int cio_connect(int fd, const struct sockaddr *addr, socklen_t len);
/** @brief Suspend until the file at @p path changes (stat watcher). @return 0 or -ECANCELED. */
int cio_wait_path_change(const char *path);

/** @} */

/* ====================================================================== */
/** @name Introspection, for tests and teaching                            */
/* ====================================================================== */
/** @{ */

/** @brief Counters of the current or last cio_run(). All times are loop time. */
typedef struct cio_stats {
    uint64_t tasks_spawned;       /**< tasks created, main included */
    uint64_t tasks_live;          /**< tasks created and not yet freed */
    uint64_t tasks_pending_at_exit; /**< tasks still pending when main returned (reported) */
    uint64_t switches;            /**< context switches into tasks */
    uint64_t objects_live;        /**< locks, events, semaphores, conditions, queues, groups not yet freed */
    uint64_t executor_jobs;       /**< jobs submitted with cio_to_thread() */
    uint64_t slow_steps;          /**< slow-step warnings printed */
    double   longest_step;        /**< the longest time a task ran without suspending, in seconds */
    char     longest_step_task[32]; /**< the name of the task that ran it */
    int      deadlocked;          /**< nonzero if the run ended with a deadlock report */
} cio_stats;

/** @brief Copy the counters of the running or last finished cio_run() into @p out. */
void cio_stats_get(cio_stats *out);

/** @} */

/* ---------------------------------------------------------------------- */
/* The macros that pass the call site. Internal; see the functions above.  */
/* ---------------------------------------------------------------------- */
/** @cond CIO_INTERNAL */
#define CIO__SITE __FILE__, __LINE__, __func__
cio_task *cio__spawn(cio_fn fn, void *arg, const char *name, const char *file, int line, const char *func);
int cio__group_spawn(cio_group *g, cio_fn fn, void *arg, const char *name, const char *file, int line, const char *func);
int cio__await(cio_task *t, const char *file, int line, const char *func);
int cio__yield(const char *file, int line, const char *func);
int cio__sleep(double seconds, const char *file, int line, const char *func);
int cio__sleep_until(double when, const char *file, int line, const char *func);
int cio__gather(cio_task **ts, size_t n, const char *file, int line, const char *func);
int cio__wait_any(cio_task **ts, size_t n, double timeout, const char *file, int line, const char *func);
int cio__wait_for(cio_task *t, double timeout, const char *file, int line, const char *func);
int cio__group_wait(cio_group *g, const char *file, int line, const char *func);
int cio__to_thread(cio_fn fn, void *arg, const char *name, const char *file, int line, const char *func);
cio_lock *cio__lock_new(const char *file, int line);
cio_event *cio__event_new(const char *file, int line);
cio_sem *cio__sem_new(unsigned value, const char *file, int line);
cio_cond *cio__cond_new(cio_lock *l, const char *file, int line);
cio_queue *cio__queue_new(size_t capacity, const char *file, int line);
cio_group *cio__group_new(const char *file, int line);
int cio__lock_acquire(cio_lock *l, const char *file, int line, const char *func);
int cio__event_wait(cio_event *e, const char *file, int line, const char *func);
int cio__sem_acquire(cio_sem *s, const char *file, int line, const char *func);
int cio__cond_wait(cio_cond *c, const char *file, int line, const char *func);
int cio__queue_put(cio_queue *q, void *item, const char *file, int line, const char *func);
int cio__queue_get(cio_queue *q, void **item, const char *file, int line, const char *func);
int cio__wait_readable(int fd, const char *file, int line, const char *func);
int cio__wait_writable(int fd, const char *file, int line, const char *func);
ssize_t cio__read(int fd, void *buf, size_t n, const char *file, int line, const char *func);
ssize_t cio__write(int fd, const void *buf, size_t n, const char *file, int line, const char *func);
int cio__accept(int listen_fd, const char *file, int line, const char *func);
int cio__connect(int fd, const struct sockaddr *addr, socklen_t len, const char *file, int line, const char *func);
int cio__wait_path_change(const char *path, const char *file, int line, const char *func);

#define cio_spawn(fn, arg)              cio__spawn((fn), (arg), #fn, CIO__SITE)
#define cio_spawn_named(fn, arg, name)  cio__spawn((fn), (arg), (name), CIO__SITE)
#define cio_group_spawn(g, fn, arg)     cio__group_spawn((g), (fn), (arg), #fn, CIO__SITE)
#define cio_await(t)                    cio__await((t), CIO__SITE)
#define cio_yield()                     cio__yield(CIO__SITE)
#define cio_sleep(s)                    cio__sleep((s), CIO__SITE)
#define cio_sleep_until(w)              cio__sleep_until((w), CIO__SITE)
#define cio_gather(ts, n)               cio__gather((ts), (n), CIO__SITE)
#define cio_wait_any(ts, n, timeout)    cio__wait_any((ts), (n), (timeout), CIO__SITE)
#define cio_wait_for(t, timeout)        cio__wait_for((t), (timeout), CIO__SITE)
#define cio_group_wait(g)               cio__group_wait((g), CIO__SITE)
#define cio_to_thread(fn, arg)          cio__to_thread((fn), (arg), #fn, CIO__SITE)
#define cio_lock_new()                  cio__lock_new(__FILE__, __LINE__)
#define cio_event_new()                 cio__event_new(__FILE__, __LINE__)
#define cio_sem_new(v)                  cio__sem_new((v), __FILE__, __LINE__)
#define cio_cond_new(l)                 cio__cond_new((l), __FILE__, __LINE__)
#define cio_queue_new(c)                cio__queue_new((c), __FILE__, __LINE__)
#define cio_group_new()                 cio__group_new(__FILE__, __LINE__)
#define cio_lock_acquire(l)             cio__lock_acquire((l), CIO__SITE)
#define cio_event_wait(e)               cio__event_wait((e), CIO__SITE)
#define cio_sem_acquire(s)              cio__sem_acquire((s), CIO__SITE)
#define cio_cond_wait(c)                cio__cond_wait((c), CIO__SITE)
#define cio_queue_put(q, item)          cio__queue_put((q), (item), CIO__SITE)
#define cio_queue_get(q, item)          cio__queue_get((q), (item), CIO__SITE)
#define cio_wait_readable(fd)           cio__wait_readable((fd), CIO__SITE)
#define cio_wait_writable(fd)           cio__wait_writable((fd), CIO__SITE)
#define cio_read(fd, buf, n)            cio__read((fd), (buf), (n), CIO__SITE)
#define cio_write(fd, buf, n)           cio__write((fd), (buf), (n), CIO__SITE)
#define cio_accept(fd)                  cio__accept((fd), CIO__SITE)
#define cio_connect(fd, addr, len)      cio__connect((fd), (addr), (len), CIO__SITE)
#define cio_wait_path_change(path)      cio__wait_path_change((path), CIO__SITE)
/** @endcond */

#ifdef __cplusplus
}
#endif

#endif /* CIO_H */
