/*
 * executor.c — the thread pool behind cio_to_thread (asyncio's run_in_executor).
 *
 * The loop hands a job to the pool through a mutex-protected FIFO and parks the calling
 * task; a worker runs it and puts it on a "done" list, then wakes the loop with
 * ev_async (through the backend). The loop drains that list and wakes the waiters. A
 * waiter that is cancelled returns at once and abandons its job: the worker still
 * finishes it (a thread cannot be stopped safely) and the loop frees it, dropping the
 * result. Under the virtual clock, a job's cio_block_for time is charged to the job, and
 * the loop replays the pool in virtual time: in submission order, each job starts on the
 * virtual worker that is free first, and its result is delivered when it would finish.
 * (Which real thread ran it does not matter: under the virtual clock a job that only
 * "blocks" finishes at once, and one real worker may well take them all.)
 */
#include "core.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/** One call of cio_to_thread. Owned by the loop, except while a worker runs it. */
typedef struct job {
    cio_fn      fn;        /**< what to run on the worker */
    void       *arg;       /**< its argument (the caller's) */
    int         status;    /**< fn's result, written by the worker */
    cio_task   *waiter;    /**< the parked caller; NULL once it gave up (cancelled) */
    double      submitted; /**< loop time when it was submitted */
    double      vstart;    /**< loop time its worker started it (virtual clock accounting) */
    double      charged;   /**< cio_block_for seconds the job spent, written by the worker */
    bool        done;      /**< the loop has taken it back from the pool */
    bool        unordered; /**< virtual clock: ran so long in real time that later jobs stopped waiting for it */
    double      real_submitted; /**< real time it was submitted (to notice a job stuck for real) */
    cio__timer  deliver;   /**< virtual clock: when the result is handed to the waiter */
    struct job *next;      /**< FIFO link (pending queue, then done list) */
    struct job *sub_next;  /**< virtual clock: next job in submission order (loop only) */
} job;

static struct {
    pthread_mutex_t mu;        /* guards the two lists and `stopping` */
    pthread_cond_t  work;      /* signalled when a job is queued or the pool stops */
    job            *pending;   /* jobs waiting for a worker (FIFO) */
    job           **pending_tail;
    job            *finished;  /* jobs done, waiting for the loop (FIFO) */
    job           **finished_tail;
    bool            stopping;  /* set at the end of cio_run */
    pthread_t      *threads;   /* the workers; NULL until the first job */
    unsigned        nthreads;  /* how many */
    bool            virtual_clock; /* copied from the run's config before the workers start */
    pthread_t       loop_thread;   /* the thread running cio_run */
    double         *vfree;     /* virtual clock: loop time each virtual worker is free (loop only) */
    job            *sub_head;  /* virtual clock: jobs in submission order, not yet replayed */
    job           **sub_tail;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER};

static __thread job *current_job; /* the job this worker runs, or NULL */

static void *worker_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&pool.mu);
    for (;;) {
        while (!pool.pending && !pool.stopping) pthread_cond_wait(&pool.work, &pool.mu);
        if (!pool.pending) break;
        job *j = pool.pending;
        pool.pending = j->next;
        if (!pool.pending) pool.pending_tail = &pool.pending;
        pthread_mutex_unlock(&pool.mu);

        j->charged = 0;
        current_job = j;
        j->status = j->fn(j->arg);
        current_job = NULL;

        pthread_mutex_lock(&pool.mu);
        j->next = NULL;
        *pool.finished_tail = j;
        pool.finished_tail = &j->next;
        pthread_mutex_unlock(&pool.mu);
        cio__backend_async_send();
        pthread_mutex_lock(&pool.mu);
    }
    pthread_mutex_unlock(&pool.mu);
    return NULL;
}

static int start_pool(void)
{
    unsigned n = cio__L.cfg.executor_threads;
    if (!n) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n = cores > 0 ? (unsigned)cores : 1;
    }
    pool.threads = calloc(n, sizeof *pool.threads);
    pool.vfree = calloc(n, sizeof *pool.vfree);
    if (!pool.threads || !pool.vfree) {
        free(pool.threads);
        free(pool.vfree);
        pool.threads = NULL;
        pool.vfree = NULL;
        return -ENOMEM;
    }
    pool.sub_head = NULL;
    pool.sub_tail = &pool.sub_head;
    pool.pending = NULL;
    pool.pending_tail = &pool.pending;
    pool.finished = NULL;
    pool.finished_tail = &pool.finished;
    pool.stopping = false;
    pool.virtual_clock = cio__L.cfg.virtual_clock;
    pool.loop_thread = pthread_self();
    for (unsigned i = 0; i < n; i++) {
        if (pthread_create(&pool.threads[i], NULL, worker_main, NULL) != 0) {
            if (i == 0) {
                free(pool.threads);
                free(pool.vfree);
                pool.threads = NULL;
                pool.vfree = NULL;
                return -EAGAIN;
            }
            n = i;
            break;
        }
    }
    pool.nthreads = n;
    return 0;
}

static void deliver_due(cio__timer *t)
{
    job *j = (job *)((char *)t - offsetof(job, deliver));
    cio__wake(j->waiter, 0);
}

/* Hand a finished job's result to its waiter now, or free it if nobody waits. */
static void hand_back(job *j)
{
    if (j->waiter) cio__wake(j->waiter, 0);
    else free(j); /* its caller was cancelled: the result is dropped */
}

/* Real seconds after which a job that is still running stops holding back the virtual
 * replay of the jobs submitted after it (it blocks for real: its time is not virtual). */
#define STUCK_JOB 1.0

/* Virtual clock: replay finished jobs in submission order on the virtual workers. */
static void replay_virtual(void)
{
    while (pool.sub_head) {
        job *j = pool.sub_head;
        if (!j->done) {
            if (cio__real_time() - j->real_submitted < STUCK_JOB) break;
            j->unordered = true; /* delivered whenever it finishes, at that loop time */
        }
        pool.sub_head = j->sub_next;
        if (!pool.sub_head) pool.sub_tail = &pool.sub_head;
        if (j->unordered) continue;
        unsigned w = 0;
        for (unsigned i = 1; i < pool.nthreads; i++)
            if (pool.vfree[i] < pool.vfree[w]) w = i;
        j->vstart = fmax(j->submitted, pool.vfree[w]);
        pool.vfree[w] = j->vstart + j->charged;
        if (j->waiter && pool.vfree[w] > cio__time()) {
            j->deliver.fire = deliver_due;
            cio__timer_arm(&j->deliver, pool.vfree[w]);
        } else {
            hand_back(j);
        }
    }
}

void cio__executor_drain(void)
{
    pthread_mutex_lock(&pool.mu);
    job *j = pool.finished;
    pool.finished = NULL;
    pool.finished_tail = &pool.finished;
    pthread_mutex_unlock(&pool.mu);
    while (j) {
        job *next = j->next;
        cio__L.jobs_running--;
        j->done = true;
        if (!pool.virtual_clock || j->unordered) hand_back(j);
        j = next;
    }
    if (pool.virtual_clock) replay_virtual();
}

int cio__to_thread(cio_fn fn, void *arg, const char *name, const char *file, int line, const char *func)
{
    (void)name;
    cio__site site = CIO__MKSITE;
    if (!fn) cio__misuse(file, line, func, "cio_to_thread() was given a NULL function");
    int rc = cio__cancel_point(site);
    if (rc) return rc;
    if (!pool.threads && (rc = start_pool()) < 0) return rc;
    job *j = calloc(1, sizeof *j);
    if (!j) return -ENOMEM;
    j->fn = fn;
    j->arg = arg;
    j->waiter = cio__L.current;
    j->submitted = cio__time();
    j->real_submitted = cio__real_time();
    j->deliver.slot = CIO__TIMER_IDLE;
    if (pool.virtual_clock) {
        *pool.sub_tail = j;
        pool.sub_tail = &j->sub_next;
    }
    pthread_mutex_lock(&pool.mu);
    *pool.pending_tail = j;
    pool.pending_tail = &j->next;
    pthread_cond_signal(&pool.work);
    pthread_mutex_unlock(&pool.mu);
    cio__L.jobs_running++;
    cio__L.stats.executor_jobs++;

    rc = cio__park(NULL, NULL, "run a job on the executor", j, site);
    if (rc == -ECANCELED) {
        if (cio__timer_armed(&j->deliver)) { /* replayed; its virtual finish has not come */
            cio__timer_disarm(&j->deliver);
            free(j);
        } else {
            j->waiter = NULL; /* still running or not replayed: the loop frees it later */
        }
        return -ECANCELED;
    }
    int status = j->status;
    free(j);
    return status;
}

void cio__executor_shutdown(void)
{
    if (!pool.threads) return;
    pthread_mutex_lock(&pool.mu);
    pool.stopping = true;
    pthread_cond_broadcast(&pool.work);
    pthread_mutex_unlock(&pool.mu);
    for (unsigned i = 0; i < pool.nthreads; i++) pthread_join(pool.threads[i], NULL);
    cio__executor_drain(); /* frees abandoned jobs that finished at the very end */
    free(pool.threads);
    free(pool.vfree);
    pool.threads = NULL;
    pool.vfree = NULL;
    pool.nthreads = 0;
}

void cio_block_for(double seconds)
{
    if (!(seconds > 0)) return;
    if (current_job) {
        if (pool.virtual_clock) {
            current_job->charged += seconds;
            return;
        }
    } else if (cio__L.running && pthread_equal(pthread_self(), pool.threads ? pool.loop_thread : pthread_self())) {
        cio__charge(seconds);
        return;
    }
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) != 0) {}
}

#undef cio_to_thread
int cio_to_thread(cio_fn fn, void *arg) { return cio__to_thread(fn, arg, "job", "?", 0, "?"); }
