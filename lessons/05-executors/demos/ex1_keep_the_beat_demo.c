/*
 * ex1_keep_the_beat_demo.c — `cio-grade run 05.1`: a heartbeat that should tick every
 * 0.2 s while a second task reads a slow sensor three times through your read_sensor().
 * Each tick says whether it came on time: with blocking_read() on the loop thread they
 * come in bursts; on the executor, on the dot. Virtual clock (CIO_VIRTUAL_CLOCK=0: real).
 */
#include <cio.h>

#include <stdio.h>

struct sensor;
int read_sensor(struct sensor *s, int *value);

struct sensor {
    double latency; /* seconds a read blocks its thread */
    int    next;    /* the next reading it returns */
};

int blocking_read(struct sensor *s)
{
    cio_block_for(s->latency);          /* a slow device: this thread can do nothing else */
    return s->next++;
}

static int heartbeat(void *arg)
{
    (void)arg;
    for (int k = 1; k <= 10; k++) {
        if (cio_sleep_until(0.2 * k) < 0) return 0;
        double late = cio_now() - 0.2 * k;
        printf("%5.2f s  heartbeat %2d %s\n", cio_now(), k, late < 1e-9 ? "on time" : "LATE");
    }
    return 0;
}

static int demo(void *arg)
{
    (void)arg;
    struct sensor s = {.latency = 0.5, .next = 100};
    cio_task *hb = cio_spawn(heartbeat, NULL);
    cio_yield();                        /* let the heartbeat start */
    for (int i = 0; i < 3; i++) {
        int value = -1;
        int rc = read_sensor(&s, &value);
        printf("%5.2f s  read_sensor() returned %d, value %d\n", cio_now(), rc, value);
    }
    cio_await(hb);
    return 0;
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1, .slow_step = -1};
    return cio_run(demo, NULL, &cfg) == 0 ? 0 : 1;
}
