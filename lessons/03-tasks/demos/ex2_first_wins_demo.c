/*
 * ex2_first_wins_demo.c — `cio-grade run 03.2`: four mirrors, the fastest of which fails;
 * prints when each is asked, answers, fails or is cancelled, and what first_answer()
 * returned, and when.
 * Virtual clock: instant and exact (CIO_VIRTUAL_CLOCK=0 shows it in real time).
 */
#include <cio.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef int (*mirror_fn)(int mirror, int *answer);

int first_answer(mirror_fn ask, size_t n, int *answer);

static const double delay[] = {3.0, 0.5, 1.25, 2.0};
static const int    error[] = {0, -ECONNREFUSED, 0, 0};
static double t0; /* when first_answer() was called */

static int ask(int mirror, int *answer)
{
    printf("%5.2f s  asking mirror %d\n", cio_now() - t0, mirror);
    int rc = cio_sleep(delay[mirror]);
    if (rc == -ECANCELED) {
        printf("%5.2f s  mirror %d cancelled\n", cio_now() - t0, mirror);
        return rc;
    }
    if (error[mirror]) {
        printf("%5.2f s  mirror %d fails: %s\n", cio_now() - t0, mirror, strerror(-error[mirror]));
        return error[mirror];
    }
    *answer = 4200 + mirror;
    printf("%5.2f s  mirror %d answers %d\n", cio_now() - t0, mirror, *answer);
    return 0;
}

static int demo(void *arg)
{
    (void)arg;
    int answer = -1;
    t0 = cio_now();
    int rc = first_answer(ask, 4, &answer);
    printf("first_answer() returned %d with answer %d after %.2f s\n", rc, answer,
           cio_now() - t0);
    return 0;
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1};
    return cio_run(demo, NULL, &cfg) == 0 ? 0 : 1;
}
