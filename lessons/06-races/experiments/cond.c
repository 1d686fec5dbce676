/* cond.c — lesson 06: wait until a condition holds, without polling.
 *   cc -std=gnu11 -Iruntime/include lessons/06-races/experiments/cond.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/cond && /tmp/cond */
#include <cio.h>
#include <stdio.h>

static cio_lock *l;
static cio_cond *changed;                 /* signalled whenever balance changes */
static long balance;

static int pay_rent(void *arg)
{
    (void)arg;
    cio_lock_acquire(l);
    while (balance < 500)                 /* always a loop: re-check after every wake-up */
        cio_cond_wait(changed);           /* releases l while waiting, takes it back after */
    balance -= 500;
    printf("%.1f s  rent paid, balance %ld\n", cio_now(), balance);
    cio_lock_release(l);
    return 0;
}

static int salary(void *arg)
{
    (void)arg;
    for (int month = 1; month <= 3; month++) {
        cio_sleep(1.0);
        cio_lock_acquire(l);
        balance += 200;
        printf("%.1f s  salary in, balance %ld\n", cio_now(), balance);
        cio_cond_broadcast(changed);
        cio_lock_release(l);
    }
    return 0;
}

static int main_task(void *arg)
{
    (void)arg;
    l = cio_lock_new();
    changed = cio_cond_new(l);
    cio_task *t[2] = {cio_spawn(pay_rent, NULL), cio_spawn(salary, NULL)};
    cio_gather(t, 2);
    cio_cond_free(changed);
    cio_lock_free(l);
    return 0;
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1};
    return cio_run(main_task, NULL, &cfg);
}
