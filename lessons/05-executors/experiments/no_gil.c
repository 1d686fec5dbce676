/*
 * no_gil.c — lesson 05's experiment: CPU-heavy work on the executor really runs in
 * parallel in C (there is no GIL), and what one trip to the executor costs.
 * Real clock throughout: it measures this machine, so the numbers are yours to compare.
 *
 *   cc -O2 -std=gnu11 -Iruntime/include lessons/05-executors/experiments/no_gil.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o build/no_gil && build/no_gil
 */
#include <cio.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#define RANGE 3000000L /* count the primes below this */

struct chunk {
    long first;   /* the first number this part tests */
    long step;    /* then every step-th: striding gives every part the same mix of costs */
    long count;   /* primes found, written by the job */
};

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu(void)                       /* CPU seconds this process used, all threads */
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static int count_job(void *p)                 /* on an executor thread */
{
    struct chunk *c = p;
    for (long n = c->first; n < RANGE; n += c->step) {
        int prime = n >= 2;
        for (long d = 2; d * d <= n && prime; d++) prime = n % d != 0;
        c->count += prime;
    }
    return 0;
}

static int chunk_task(void *p) { return cio_to_thread(count_job, p); }

static int count_in_parts(void *arg)
{
    int parts = *(int *)arg;
    struct chunk cs[16] = {{0}};
    cio_task *ts[16];
    for (int i = 0; i < parts; i++) {
        cs[i].first = i, cs[i].step = parts;
        ts[i] = cio_spawn(chunk_task, &cs[i]);
    }
    cio_gather(ts, (size_t)parts);
    long total = 0;
    for (int i = 0; i < parts; i++) total += cs[i].count;
    printf("%ld primes", total);
    return 0;
}

static int empty_job(void *arg) { (void)arg; return 0; }

static int round_trips(void *arg)
{
    int n = *(int *)arg;
    double t0 = wall();
    for (int i = 0; i < n; i++) cio_to_thread(empty_job, NULL);
    double t1 = wall();
    for (int i = 0; i < n; i++) cio_yield();
    double t2 = wall();
    printf("one cio_to_thread() round trip: %.1f us; one cio_yield(): %.3f us\n",
           (t1 - t0) / n * 1e6, (t2 - t1) / n * 1e6);
    return 0;
}

int main(void)
{
    double base = 0;
    for (int parts = 1; parts <= 4; parts *= 2) {
        cio_config cfg = {.executor_threads = (unsigned)parts};
        double t0 = wall(), c0 = cpu();
        printf("%d thread(s): ", parts);
        cio_run(count_in_parts, &parts, &cfg);
        double t = wall() - t0, c = cpu() - c0;
        if (parts == 1) base = t;
        /* CPU time over wall time: how many cores were busy on average. A GIL keeps it
         * at 1 or below; without one it can reach the number of free cores. */
        printf(" in %.3f s (%.2fx), %.2f cores busy\n", t, base / t, c / t);
    }
    int n = 20000;
    cio_config cfg = {.executor_threads = 1};
    return cio_run(round_trips, &n, &cfg);
}
