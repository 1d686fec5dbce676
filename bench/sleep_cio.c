/*
 * sleep_cio.c — scenario 3 for cio: N tasks each sleep 1 s at once, on the real clock.
 *
 *   sleep_cio N [stack_bytes]
 * Reports the wall time above the 1 s every task sleeps (spawning and waking them all)
 * and the peak resident memory per task above the process's baseline (VmHWM).
 */
#include "bench.h"

#include <cio.h>

struct job {
    long   n;          /* tasks */
    double wall;       /* result: seconds from the first spawn to the end of the gather */
    double spawn_time; /* result: seconds spent spawning, before the first task ran */
    long   rss0;       /* VmHWM (KiB) before spawning: the baseline */
    long   rss1;       /* VmHWM (KiB) after every task finished */
    int    status;     /* result */
};

static int sleeper(void *arg) {
    (void)arg;
    return cio_sleep(1.0);
}

static int bench_main(void *arg) {
    struct job *j = arg;
    cio_task **ts = calloc((size_t)j->n, sizeof *ts);
    if (!ts) return -ENOMEM;
    j->rss0 = bench_peak_rss_kib();
    uint64_t t0 = bench_now_ns();
    long made = 0;
    for (; made < j->n; made++)
        if (!(ts[made] = cio_spawn(sleeper, NULL))) break;
    j->spawn_time = (double)(bench_now_ns() - t0) * 1e-9;
    j->status = cio_gather(ts, (size_t)made);
    j->wall = (double)(bench_now_ns() - t0) * 1e-9;
    j->rss1 = bench_peak_rss_kib();
    free(ts);
    return made < j->n ? -ENOMEM : j->status;
}

int main(int argc, char **argv) {
    struct job j = {.n = bench_arg(argc, argv, 1, 100000)};
    cio_config cfg = {.slow_step = -1, .stack_size = (size_t)bench_arg(argc, argv, 2, 0)}; /* 0: default */
    int rc = cio_run(bench_main, &j, &cfg);
    double per_task = (double)(j.rss1 - j.rss0) / (double)j.n;
    bench_emit(json_pack("{s:s, s:s, s:I, s:f, s:f, s:f, s:f, s:I, s:I, s:I, s:i}", "scenario",
                         "sleep", "contender", "cio", "n", (json_int_t)j.n, "wall_s", j.wall,
                         "overhead_s", j.wall - 1.0, "spawn_s", j.spawn_time, "rss_kib_per_task",
                         per_task, "rss_base_kib", (json_int_t)j.rss0, "rss_peak_kib",
                         (json_int_t)j.rss1, "stack_size", (json_int_t)cfg.stack_size, "status",
                         rc));
    return rc == 0 ? 0 : 1;
}
