/* withdraw.c — lesson 06: check, suspend, act: two withdrawals of 80 from an account of 100.
 *   cc -std=gnu11 -Iruntime/include lessons/06-races/experiments/withdraw.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/withdraw && /tmp/withdraw */
#include <cio.h>
#include <stdio.h>

static long balance = 100;

static int withdraw(void *arg)
{
    long amount = *(long *)arg;
    if (balance >= amount) {              /* check... */
        cio_sleep(0.1);                   /* ...ask the fraud service (a suspension point)... */
        balance -= amount;                /* ...act, on a check that may be out of date */
        printf("%.1f s  withdrew %ld, balance %ld\n", cio_now(), amount, balance);
    } else {
        printf("%.1f s  refused %ld, balance %ld\n", cio_now(), amount, balance);
    }
    return 0;
}

static int main_task(void *arg)
{
    (void)arg;
    long amount = 80;
    cio_task *t[2] = {cio_spawn(withdraw, &amount), cio_spawn(withdraw, &amount)};
    return cio_gather(t, 2);
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1};
    return cio_run(main_task, NULL, &cfg);
}
