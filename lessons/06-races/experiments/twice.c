/* twice.c — lesson 06: a cio_lock is not reentrant.
 *   cc -std=gnu11 -Iruntime/include lessons/06-races/experiments/twice.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/twice && /tmp/twice */
#include <cio.h>
#include <stdio.h>

static int main_task(void *arg)
{
    (void)arg;
    cio_lock *l = cio_lock_new();
    cio_lock_acquire(l);
    int rc = cio_lock_acquire(l);         /* the same task, again */
    printf("second acquire returned %d\n", rc);
    cio_lock_release(l);
    cio_lock_free(l);
    return 0;
}

int main(void) { return cio_run(main_task, NULL, NULL); }
