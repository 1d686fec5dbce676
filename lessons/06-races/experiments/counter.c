/* counter.c — lesson 06: 1,000 tasks add 1 to a shared counter 1,000 times each; so do 4 threads.
 *   cc -std=gnu11 -Iruntime/include lessons/06-races/experiments/counter.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/counter && /tmp/counter */
#include <cio.h>
#include <pthread.h>
#include <stdio.h>

static long counter;                      /* shared by every task, and then every thread */

static int add_many(void *arg)            /* a task: no suspension point inside the loop */
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        counter++;                        /* read, add, write: nobody can run in between */
    return cio_yield();                   /* the only place where another task may run */
}

static void *add_many_thread(void *arg)   /* a thread: preempted anywhere, on any core */
{
    (void)arg;
    for (int i = 0; i < 10000000; i++)
        counter++;
    return NULL;
}

static int main_task(void *arg)
{
    (void)arg;
    cio_task *t[1000];
    for (int i = 0; i < 1000; i++)
        t[i] = cio_spawn(add_many, NULL);
    cio_gather(t, 1000);
    printf("1000 tasks x 1000:     counter = %ld\n", counter);
    return 0;
}

int main(void)
{
    cio_run(main_task, NULL, NULL);

    counter = 0;
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, add_many_thread, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    printf("4 threads x 10000000:  counter = %ld\n", counter);
    return 0;
}
