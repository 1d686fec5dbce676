/*
 * ex1_fetch_all_demo.c — `cio-grade run 03.1`: fetch five simulated resources with your
 * fetch_all() and print when each fetch starts and ends, and the total: the sum (8.5 s)
 * if they ran one after the other, the slowest (3.0 s) if they overlapped.
 * Virtual clock: instant and exact (CIO_VIRTUAL_CLOCK=0 shows it in real time).
 */
#include <cio.h>

#include <stdio.h>

typedef int (*fetch_fn)(int id, int *value);

int fetch_all(fetch_fn fetch, size_t n, int *values);

static const double delay[] = {2.0, 0.5, 3.0, 1.5, 1.5};
static double t0; /* when fetch_all() was called */

static int fetch(int id, int *value)
{
    cio_task *me = cio_current();
    printf("%5.2f s  fetch %d starts  (task '%s')\n", cio_now() - t0, id,
           me ? cio_task_name(me) : "?");
    int rc = cio_sleep(delay[id]);
    if (rc) return rc;
    *value = 100 + id;
    printf("%5.2f s  fetch %d done\n", cio_now() - t0, id);
    return 0;
}

static int demo(void *arg)
{
    (void)arg;
    int values[5] = {0};
    t0 = cio_now();
    int rc = fetch_all(fetch, 5, values);
    printf("fetch_all() returned %d after %.2f s; values:", rc, cio_now() - t0);
    for (int i = 0; i < 5; i++) printf(" %d", values[i]);
    printf("\n");
    return 0;
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1};
    return cio_run(demo, NULL, &cfg) == 0 ? 0 : 1;
}
