/* forgot_close.c — lesson 06: a consumer waits for items that will never come.
 *   cc -std=gnu11 -Iruntime/include lessons/06-races/experiments/forgot_close.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/forgot_close && /tmp/forgot_close */
#include <cio.h>
#include <stdio.h>

static int consumer(void *arg)
{
    cio_queue *q = arg;
    void *item;
    int n = 0;
    while (cio_queue_get(q, &item) == 0)
        n++;
    printf("consumer took %d items\n", n);
    return 0;
}

static int main_task(void *arg)
{
    (void)arg;
    cio_queue *q = cio_queue_new(4);
    cio_task *c = cio_spawn(consumer, q);
    static int items[3];
    for (int i = 0; i < 3; i++)
        cio_queue_put(q, &items[i]);
    /* forgot: cio_queue_close(q); */
    cio_await(c);
    cio_queue_free(q);
    return 0;
}

int main(void)
{
    printf("cio_run returned %d\n", cio_run(main_task, NULL, NULL));
    return 0;
}
