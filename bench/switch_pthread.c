/*
 * switch_pthread.c — scenario 2 for POSIX threads: two threads hand control back and forth.
 *
 *   switch_pthread M cond|pipe [pin]
 * cond: a turn variable under a mutex with one condition variable; pipe: one byte through
 * a pair of pipes. Each makes 2M hand-offs. "pin" puts both threads on CPU 0, so every
 * hand-off is a same-core switch instead of a cross-core wake-up.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

static long rounds;                    /* hand-offs each thread makes */
static int use_pipe;                   /* nonzero: pipe hand-off, else condition variable */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn;                       /* whose turn it is (0 or 1), under mu */
static int pipes[2][2];                /* pipes[i]: thread i reads pipes[i][0] */

static void *player(void *arg) {
    int me = (int)(intptr_t)arg;
    char b = 0;
    for (long i = 0; i < rounds; i++) {
        if (use_pipe) {
            if (me == 1 || i > 0)
                if (read(pipes[me][0], &b, 1) != 1) abort();
            if (write(pipes[!me][1], &b, 1) != 1) abort();
        } else {
            pthread_mutex_lock(&mu);
            while (turn != me) pthread_cond_wait(&cv, &mu);
            turn = !me;
            pthread_cond_signal(&cv);
            pthread_mutex_unlock(&mu);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    rounds = bench_arg(argc, argv, 1, 20000);
    use_pipe = argc > 2 && strcmp(argv[2], "pipe") == 0;
    int pin = argc > 3 && strcmp(argv[3], "pin") == 0;
    if (pipe(pipes[0]) || pipe(pipes[1])) return 1;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (pin) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(0, &one);
        pthread_attr_setaffinity_np(&attr, sizeof one, &one);
    }
    pthread_t a, b;
    uint64_t t0 = bench_now_ns();
    if (pthread_create(&a, &attr, player, (void *)0) || pthread_create(&b, &attr, player, (void *)1))
        return 1;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    double ns = (double)(bench_now_ns() - t0) / (2.0 * (double)rounds);
    char shape[64];
    snprintf(shape, sizeof shape, "%s hand-off%s", use_pipe ? "pipe" : "condition variable",
             pin ? ", both on one CPU" : "");
    char name[32];
    snprintf(name, sizeof name, "threads-%s%s", use_pipe ? "pipe" : "cond", pin ? "-1cpu" : "");
    bench_emit(json_pack("{s:s, s:s, s:s, s:I, s:f, s:i}", "scenario", "switch", "contender", name,
                         "shape", shape, "n", (json_int_t)(2 * rounds), "ns_per_switch", ns,
                         "status", 0));
    return 0;
}
