/* ex2_sleepers.c — reference solution of fixture exercise 01.2. */
#include <cio.h>
#include <stdlib.h>

int sleep_all(const double *delays, size_t n);

static int sleeper(void *arg)
{
    return cio_sleep(*(const double *)arg);
}

int sleep_all(const double *delays, size_t n)
{
    cio_task **ts = calloc(n ? n : 1, sizeof *ts);
    if (!ts) return -1;
    for (size_t i = 0; i < n; i++) ts[i] = cio_spawn(sleeper, (void *)&delays[i]);
    int rc = cio_gather(ts, n);
    free(ts);
    return rc;
}
