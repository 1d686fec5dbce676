/*
 * core.h — the scheduler core's private state: tasks, the loop, timers, stacks.
 *
 * Invariants (checked where they can break, with cio__panic):
 *  - Exactly one task is RUNNING while a task step runs (loop.current); the loop's own
 *    code runs on the thread's original stack between steps.
 *  - A task is on at most one of: the ready queue (READY), a wait queue or nothing
 *    (PARKED). Its timer is armed only while it is PARKED.
 *  - A DONE task is never scheduled again; it is freed exactly once: by its awaiter,
 *    by cio_gather, by its group, or by the loop if it was detached.
 *  - The loop never frees a task or its stack while running on that stack; a finishing
 *    task always switches back to the loop, never directly to another task, and the
 *    loop gives its stack back at once (the record lives on until it is freed).
 *  - Loop time (loop.now) only moves between steps, or inside cio_block_for().
 */
#ifndef CIO_CORE_H
#define CIO_CORE_H

#include "internal.h"
#include "context.h"

#include <stdbool.h>

/* ---------------------------------------------------------------------------------- */
/* Runnables: what the ready queue holds                                              */
/* ---------------------------------------------------------------------------------- */

/** The first member of every task and callback handle, so one FIFO can hold both. */
typedef struct cio__runnable {
    uint8_t kind; /**< RUN_TASK or RUN_CALLBACK; set at creation, never changes */
} cio__runnable;

enum { RUN_TASK = 1, RUN_CALLBACK = 2 };

/* ---------------------------------------------------------------------------------- */
/* Timers: one binary heap for every deadline, one libev watcher (none at all here:   */
/* the loop computes its poll timeout from the heap's top)                           */
/* ---------------------------------------------------------------------------------- */

typedef struct cio__timer cio__timer;
/** Called by the loop when a timer is due; it has already been removed from the heap. */
typedef void (*cio__timer_fn)(cio__timer *t);

struct cio__timer {
    double        when; /**< absolute loop time it is due; set by cio__timer_arm */
    uint64_t      seq;  /**< arming order: equal deadlines fire first-armed first */
    size_t        slot; /**< index in the heap, or CIO__TIMER_IDLE when not armed */
    cio__timer_fn fire; /**< what to do when due; set by the owner before arming */
};

#define CIO__TIMER_IDLE ((size_t)-1)

void   cio__timer_arm(cio__timer *t, double when);
void   cio__timer_disarm(cio__timer *t);                 /* no-op if not armed */
static inline bool cio__timer_armed(const cio__timer *t) { return t->slot != CIO__TIMER_IDLE; }
size_t cio__timers_count(void);
double cio__timers_next(void);                           /* earliest deadline; INFINITY if none */
void   cio__timers_fire_due(void);                       /* fire every timer due at loop.now */
void   cio__timers_reset(void);                          /* drop everything (end of cio_run) */

/* Callback handles (call_soon / call_later / call_at) live in a chunked slab. */
void cio__handles_run(cio__runnable *r);                  /* run a callback popped from the ready queue */
void cio__handles_reset(void);

/* ---------------------------------------------------------------------------------- */
/* Tasks                                                                              */
/* ---------------------------------------------------------------------------------- */

typedef enum { TASK_READY, TASK_RUNNING, TASK_PARKED, TASK_DONE } task_state;

/** Joins a waiting task to a task it waits for (await, gather, wait_any, wait_for, group). */
typedef struct cio__listener {
    cio_task             *waiter; /**< the task to wake when the watched task finishes */
    struct cio__listener *prev;   /**< neighbours in the watched task's listener list */
    struct cio__listener *next;   /**< (owned by the watched task; unlinked by the waiter) */
} cio__listener;

struct cio_task {
    cio__runnable  run;          /**< RUN_TASK; must stay first */
    uint32_t       magic;        /**< TASK_MAGIC while allocated, CIO__MAGIC_DEAD once freed */
    task_state     state;        /**< changed only by the loop core (park, wake, step, finish) */
    cio__ctx       ctx;          /**< saved registers while not running */
    cio__stack    *stack;        /**< the stack it runs on: taken from the pool at its first step, given back when it finishes */
    cio_fn         fn;           /**< the body */
    void          *arg;          /**< the body's argument */
    int            status;       /**< the body's return value, once DONE */
    uint64_t       id;           /**< 1, 2, 3... in spawn order within a run (the trace's tid) */
    char           name[32];     /**< for reports and traces; "main" for the first task */
    const char    *spawn_file;   /**< where cio_spawn was called */
    int            spawn_line;   /**< line of that call */
    bool           detached;     /**< set by cio_detach: the loop frees it when done */
    bool           claimed;      /**< an await/gather/wait_for owns it (only one may) */
    bool           cancelled;    /**< cancelled from outside; level-triggered, never cleared */
    bool           nocancel;     /**< parked with cio__park_nocancel: cancellation cannot wake it */
    bool           reported;     /**< already named in the pending-at-exit report */
    /* Parking (meaningful while PARKED) */
    cio__waitq    *waitq;        /**< the queue it is parked on, or NULL */
    cio_task      *wq_prev;      /**< neighbours on that queue */
    cio_task      *wq_next;
    const cio__object *wait_obj; /**< the object it waits on, for reports; may be NULL */
    const char    *wait_why;     /**< what it is doing: "acquire", "sleep", "await"... */
    void          *wait_data;    /**< hand-off slot given to cio__park */
    const cio_task *wait_task;   /**< the task it awaits, for reports; may be NULL */
    int            wake_status;  /**< what park returns; set by the waker */
    int            timeout_status; /**< what park returns if its deadline passes first */
    cio__site      site;         /**< where it last suspended (the deadlock and slow-step reports' line) */
    cio__timer     timer;        /**< sleep and timeout deadline; armed only while PARKED */
    /* Joining */
    cio__listener *listeners;    /**< tasks waiting for this one to finish */
    /* Cancellation */
    cio_scope     *scope;        /**< innermost open cancel scope in this task, or NULL */
    cio_group     *group;        /**< the group this task is a child of, or NULL */
    cio_task      *sib_prev;     /**< neighbours among the group's children */
    cio_task      *sib_next;
    cio_group     *groups;       /**< groups this task created and has not waited for yet */
    /* Bookkeeping */
    cio_task      *all_prev;     /**< neighbours in the loop's list of live tasks */
    cio_task      *all_next;
};

#define TASK_MAGIC 0x5441534bu /* "TASK" */

/** Make a PARKED or new task READY (push it on the ready queue). */
void cio__make_ready(cio_task *t);
/** Suspend the running task: switch to the loop. Returns when the task is resumed. */
void cio__suspend(void);
/** Free a DONE task (stack back to the pool, record back to the slab). */
void cio__task_free(cio_task *t);
/** Give a task that is about to run for the first time its stack. @return 0 or -ENOMEM. */
int cio__task_attach_stack(cio_task *t);
/** Free every chunk of task records (end of cio_run, after every task was freed). */
void cio__tasks_release_all(void);
/** Called by the loop right after a task's body returned (on the loop's stack). */
void cio__task_finished(cio_task *t);
/** The entry of every coroutine: runs the body, marks it DONE, switches away for good. */
void cio__task_entry(void *task);
/** Stop with a misuse message unless @p t is a live task. */
void cio__task_check(const cio_task *t, const char *api, cio__site site);
/** Add a listener to @p t (the running task waits for it). */
void cio__listen(cio_task *t, cio__listener *l);
void cio__unlisten(cio_task *t, cio__listener *l);

/* ---------------------------------------------------------------------------------- */
/* Cancellation (cancel.c, group.c)                                                   */
/* ---------------------------------------------------------------------------------- */

/** Is @p t cancelled as seen from its innermost scope (scopes, shields, groups, its flag)? */
bool cio__is_cancelled(cio_task *t);
/** Wake @p t if it is parked cancellably and now cancelled; then do the same for its groups' children. */
void cio__propagate_cancel(cio_task *t);
/** Groups: a child finished (called by cio__task_finished). */
void cio__group_child_done(cio_task *child);
/** Is the group cancelled (itself, or the scopes and task around cio_group_new)? */
bool cio__group_cancelled(cio_group *g);
/** Propagate cancellation to every child of @p g. */
void cio__group_propagate(cio_group *g);
/** The next group in its owner's list of open groups. */
cio_group *cio__group_next(const cio_group *g);
/** The owner's innermost scope when the group was created (may be NULL). */
cio_scope *cio__group_scope(const cio_group *g);
/** Is a chain of scopes in task @p owner, and then the owner itself, cancelled? */
bool cio__scope_chain_cancelled(cio_scope *s, cio_task *owner);

/* ---------------------------------------------------------------------------------- */
/* The loop (loop.c)                                                                  */
/* ---------------------------------------------------------------------------------- */

/** The ready queue: a ring of runnables; FIFO, or shuffled when seeded. */
typedef struct cio__ready {
    cio__runnable **items; /**< ring buffer storage; grown by doubling */
    size_t          cap;   /**< capacity, a power of two */
    size_t          head;  /**< index of the next item to run */
    size_t          count; /**< items queued */
} cio__ready;

/** Everything about the running loop; one per thread (a loop runs on one thread). */
typedef struct cio__loop {
    bool          running;       /**< inside cio_run */
    cio_config    cfg;           /**< the config in force (environment applied) */
    FILE         *report;        /**< where reports go */
    double        now;           /**< loop time; moves between steps and in cio_block_for */
    bool          now_stale;     /**< real clock: `now` must be re-read before use (see cio__time) */
    int64_t       clock_mark;    /**< coarse real time (ns) the current step began */
    double        real_base;     /**< monotonic time when the run started (virtual clock) */
    cio__ctx      loop_ctx;      /**< the loop's saved registers while a task runs */
    cio_task     *current;       /**< the RUNNING task, or NULL */
    cio_task     *main;          /**< the first task */
    cio_task     *all;           /**< every live task (allocated, not yet freed) */
    cio__ready    ready;         /**< runnables to run this iteration or the next */
    uint64_t      rng;           /**< xorshift state for the seeded schedule */
    uint64_t      next_id;       /**< the id the next task gets */
    bool          main_done;     /**< main has returned */
    bool          finishing;     /**< main returned; pending tasks were cancelled */
    int           main_status;   /**< main's return value */
    double        step_charge;   /**< loop time cio_block_for added during the current step */
    double        step_start;    /**< loop time the current step began (traces only) */
    cio__site     step_resumed;  /**< where the current step's task resumed (slow-step report) */
    size_t        pass_left;     /**< runnables the current pass may still run */
    unsigned      direct_budget; /**< steps that may still follow a pass without the loop */
    cio__runnable *handoff;      /**< a callback a suspending task popped: the loop runs it next */
    double        step_real;     /**< real time the current step began (coarse clock) */
    unsigned      io_waiting;    /**< fd watches, readers/writers and stat watches pending */
    unsigned      jobs_running;  /**< executor jobs submitted and not yet handed back */
    uint64_t      unfinished;    /**< tasks created and not yet DONE */
    bool          deadlocked;    /**< a deadlock was reported in this run */
    cio_stats     stats;         /**< counters for cio_stats_get */
} cio__loop;

extern cio__loop cio__L;

void   cio__ready_push(cio__runnable *r);
void   cio__refresh_now(void);

/** Loop time. Under the real clock it is read lazily, at most once per iteration:
 *  reading the monotonic clock costs ~30 ns on a virtual machine, a switch ~3 ns. */
static inline double cio__time(void)
{
    if (cio__L.now_stale) cio__refresh_now();
    return cio__L.now;
}
double cio__real_time(void);               /* monotonic seconds */
void   cio__charge(double seconds);        /* cio_block_for on the loop thread */

/* ---------------------------------------------------------------------------------- */
/* Other services                                                                     */
/* ---------------------------------------------------------------------------------- */

/* Stacks (stack.c) */
cio__stack *cio__stack_get(size_t size);
void        cio__stack_put(cio__stack *s);
void       *cio__stack_top(cio__stack *s);     /* highest usable address, 16-aligned */
void       *cio__stack_low(cio__stack *s);
size_t      cio__stack_size(const cio__stack *s);
void        cio__stack_check(cio__stack *s, const char *task_name); /* canary check */
void        cio__stacks_install_guard_handler(void);
void        cio__stacks_remove_guard_handler(void);
void        cio__stacks_release_all(void);

/* Backend (backend_ev.c): the only file that knows libev. */
typedef void (*cio__fd_cb)(int fd, int revents, void *arg);
int  cio__backend_open(void (*on_async)(void));
void cio__backend_close(void);
void cio__backend_poll(double timeout);    /* <0: block; 0: poll; >0 at most this long */
int  cio__backend_fd_start(int fd, int events, cio__fd_cb cb, void *arg);
void cio__backend_fd_stop(int fd, int events);
void cio__backend_async_send(void);        /* thread-safe: wake the loop */
typedef struct cio__statw cio__statw;
cio__statw *cio__backend_stat_start(const char *path, void (*cb)(void *arg), void *arg);
void        cio__backend_stat_stop(cio__statw *w);

/* Executor (executor.c) */
void cio__executor_drain(void);            /* hand completed jobs back (loop thread) */
void cio__executor_shutdown(void);         /* join the pool at the end of cio_run */

/* Reports (report.c) and traces (trace.c) */
void cio__report_deadlock(void);
void cio__report_pending(cio_task *t);
void cio__report_slow_step(cio_task *t, double seconds, bool real); /* t NULL: a loop callback */
void cio__describe_wait(const cio_task *t, char *buf, size_t n);
void cio__trace_begin(const cio_config *cfg);
void cio__trace_task(const cio_task *t);
void cio__trace_step(const cio_task *t, double start, double dur);
void cio__trace_instant(const cio_task *t, const char *what);
void cio__trace_end(void);
extern bool cio__tracing;

/* I/O (io.c) */
void cio__io_reset(void);

#endif /* CIO_CORE_H */
