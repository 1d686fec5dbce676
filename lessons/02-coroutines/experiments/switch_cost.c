/*
 * switch_cost.c — lesson 02's second experiment: what one switch costs, three ways.
 *   cio tasks        two tasks cio_yield() to each other (the assembly switch + the loop)
 *   ucontext         two contexts swapcontext() to each other (saves the signal mask too)
 *   POSIX threads    two threads hand a token back and forth through a condition variable
 * Each prints nanoseconds per switch (a round trip is two switches).
 *
 *   cc -O2 -std=gnu11 -Iruntime/include lessons/02-coroutines/experiments/switch_cost.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o build/switch_cost && build/switch_cost
 */
#include <cio.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum { ROUNDS = 1000000, THREAD_ROUNDS = 100000 };

/* ---- cio: two tasks yielding to each other ------------------------------------------- */

static int yielder(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) cio_yield();
    return 0;
}

static int cio_main(void *arg)
{
    double *ns = arg;
    cio_task *a = cio_spawn(yielder, NULL), *b = cio_spawn(yielder, NULL);
    double t0 = now();
    cio_await(a);
    cio_await(b);
    /* Each yield is one switch out of a task and one into the other (via the loop). */
    *ns = (now() - t0) * 1e9 / (2.0 * ROUNDS);
    return 0;
}

/* ---- ucontext: two contexts swapping --------------------------------------------------- */

static ucontext_t uc_main, uc_a, uc_b;

static void uc_body_a(void)
{
    for (int i = 0; i < ROUNDS; i++) swapcontext(&uc_a, &uc_b);
}

static void uc_body_b(void)
{
    for (;;) swapcontext(&uc_b, &uc_a);
}

static double ucontext_ns(void)
{
    static char stack_a[64 * 1024], stack_b[64 * 1024];
    getcontext(&uc_a);
    uc_a.uc_stack.ss_sp = stack_a;
    uc_a.uc_stack.ss_size = sizeof stack_a;
    uc_a.uc_link = &uc_main;
    makecontext(&uc_a, uc_body_a, 0);
    getcontext(&uc_b);
    uc_b.uc_stack.ss_sp = stack_b;
    uc_b.uc_stack.ss_size = sizeof stack_b;
    uc_b.uc_link = &uc_main;
    makecontext(&uc_b, uc_body_b, 0);
    double t0 = now();
    swapcontext(&uc_main, &uc_a);
    return (now() - t0) * 1e9 / (2.0 * ROUNDS);
}

/* ---- threads: a token passed through a mutex and a condition variable ------------------ */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  cv = PTHREAD_COND_INITIALIZER;
static int turn; /* whose turn: 0 or 1 */

static void *pass_token(void *arg)
{
    int me = (int)(long)arg;
    for (int i = 0; i < THREAD_ROUNDS; i++) {
        pthread_mutex_lock(&mu);
        while (turn != me) pthread_cond_wait(&cv, &mu);
        turn = 1 - me;
        pthread_cond_signal(&cv);
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static double threads_ns(void)
{
    pthread_t a, b;
    double t0 = now();
    pthread_create(&a, NULL, pass_token, (void *)0L);
    pthread_create(&b, NULL, pass_token, (void *)1L);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return (now() - t0) * 1e9 / (2.0 * THREAD_ROUNDS);
}

int main(void)
{
    double cio_ns = 0;
    cio_config cfg = {.slow_step = -1};
    cio_run(cio_main, &cio_ns, &cfg);
    double uc = ucontext_ns();
    double th = threads_ns();
    printf("one switch, in nanoseconds (lower is better)\n");
    printf("  cio tasks (cio_yield)          %8.1f ns\n", cio_ns);
    printf("  ucontext (swapcontext)         %8.1f ns   %5.1fx cio\n", uc, uc / cio_ns);
    printf("  POSIX threads (condvar)        %8.1f ns   %5.1fx cio\n", th, th / cio_ns);
    return 0;
}
