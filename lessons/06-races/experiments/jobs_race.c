/* jobs_race.c — lesson 06: two executor jobs add to one counter: a real data race.
 *   cc -std=gnu11 -g -fsanitize=thread -Iruntime/include lessons/06-races/experiments/jobs_race.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/jobs_race && /tmp/jobs_race */
#include <cio.h>
#include <stdio.h>

static long counter;

static int add_many(void *arg)            /* runs on an executor thread */
{
    (void)arg;
    for (int i = 0; i < 10000000; i++)
        counter++;                        /* two threads at once: increments get lost */
    return 0;
}

static int run_job(void *arg) { return cio_to_thread(add_many, arg); }

static int main_task(void *arg)
{
    (void)arg;
    cio_task *t[2] = {cio_spawn(run_job, NULL), cio_spawn(run_job, NULL)};
    cio_gather(t, 2);
    printf("counter = %ld (expected 20000000)\n", counter);
    return 0;
}

int main(void)
{
    cio_config cfg = {.executor_threads = 2};
    return cio_run(main_task, NULL, &cfg);
}
