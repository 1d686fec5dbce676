/*
 * cancel_many.c — lesson 04's experiment (the seed's claim 3): stop N sleepers, as tasks
 * with cio_cancel() and as POSIX threads with pthread_cancel(), and time how long it
 * takes from "stop" until every one has cleaned up and been joined. Real clock.
 *
 *   cc -O2 -std=gnu11 -Iruntime/include lessons/04-cancellation/experiments/cancel_many.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o build/cancel_many && build/cancel_many [N]
 */
#include <cio.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int n = 2000;      /* sleepers of each kind */
static int cleaned;       /* sleepers that ran their cleanup */

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- tasks ---- */
static int sleeper_task(void *arg)
{
    (void)arg;
    int rc = cio_sleep(3600);           /* returns -ECANCELED when cancelled */
    cleaned++;                          /* cleanup is ordinary code after the wait */
    return rc;
}

static int tasks_main(void *arg)
{
    (void)arg;
    cio_task **ts = calloc((size_t)n, sizeof *ts);
    for (int i = 0; i < n; i++) ts[i] = cio_spawn(sleeper_task, NULL);
    cio_yield();                        /* let them all start sleeping */
    double t0 = wall();
    for (int i = 0; i < n; i++) cio_cancel(ts[i]);
    cio_gather(ts, (size_t)n);
    printf("%d tasks:   cancelled and joined in %.2f ms (%.2f us each), %d cleanups ran\n", n,
           (wall() - t0) * 1e3, (wall() - t0) * 1e6 / n, cleaned);
    free(ts);
    return 0;
}

/* ---- threads ---- */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static void cleanup(void *arg) { (void)arg; pthread_mutex_lock(&mu); cleaned++; pthread_mutex_unlock(&mu); }

static void *sleeper_thread(void *arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, NULL); /* cleanup must be registered in advance */
    struct timespec hour = {3600, 0};
    nanosleep(&hour, NULL);              /* a cancellation point */
    pthread_cleanup_pop(1);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1) n = atoi(argv[1]);
    cio_run(tasks_main, NULL, NULL);

    cleaned = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_t *th = calloc((size_t)n, sizeof *th);
    for (int i = 0; i < n; i++) pthread_create(&th[i], &attr, sleeper_thread, NULL);
    struct timespec settle = {0, 200 * 1000 * 1000};
    nanosleep(&settle, NULL);            /* let them all reach nanosleep */
    double t0 = wall();
    for (int i = 0; i < n; i++) pthread_cancel(th[i]);
    for (int i = 0; i < n; i++) pthread_join(th[i], NULL);
    printf("%d threads: cancelled and joined in %.2f ms (%.2f us each), %d cleanups ran\n", n,
           (wall() - t0) * 1e3, (wall() - t0) * 1e6 / n, cleaned);
    free(th);
    return 0;
}
