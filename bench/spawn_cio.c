/*
 * spawn_cio.c — scenario 1 for cio: spawn N empty tasks and await them all.
 *
 *   spawn_cio N [gather|serial]
 * gather: spawn all N, then cio_gather() them (asyncio: create_task + gather);
 * serial: spawn one, await it, N times (the pooled-stack fast path). Prints one JSON line.
 */
#include "bench.h"

#include <cio.h>

struct job {
    long   n;      /* tasks to spawn */
    int    serial; /* nonzero: spawn-await one at a time */
    double ns;     /* result: nanoseconds per task */
    int    status; /* result: first failure, or 0 */
};

static int empty(void *arg) {
    (void)arg;
    return 0;
}

static int bench_main(void *arg) {
    struct job *j = arg;
    cio_task **ts = j->serial ? NULL : calloc((size_t)j->n, sizeof *ts);
    if (!j->serial && !ts) return -ENOMEM;
    uint64_t t0 = bench_now_ns();
    if (j->serial) {
        for (long i = 0; i < j->n && j->status == 0; i++) {
            cio_task *t = cio_spawn(empty, NULL);
            j->status = t ? cio_await(t) : -ENOMEM;
        }
    } else {
        long made = 0;
        for (; made < j->n; made++)
            if (!(ts[made] = cio_spawn(empty, NULL))) break;
        j->status = cio_gather(ts, (size_t)made);
        if (made < j->n) j->status = -ENOMEM;
    }
    j->ns = (double)(bench_now_ns() - t0) / (double)j->n;
    free(ts);
    return j->status;
}

int main(int argc, char **argv) {
    struct job j = {.n = bench_arg(argc, argv, 1, 100000)};
    j.serial = argc > 2 && strcmp(argv[2], "serial") == 0;
    /* Spawning a million tasks is one long step by design: no slow-step warning. */
    cio_config cfg = {.slow_step = -1};
    long rss0 = bench_peak_rss_kib();
    int rc = cio_run(bench_main, &j, &cfg);
    long rss1 = bench_peak_rss_kib();
    cio_stats st;
    cio_stats_get(&st);
    bench_emit(json_pack("{s:s, s:s, s:s, s:I, s:f, s:I, s:I, s:i}", "scenario",
                         j.serial ? "spawn_serial" : "spawn", "contender", "cio", "shape",
                         j.serial ? "spawn, await; N times" : "spawn N, gather N", "n",
                         (json_int_t)j.n, "ns_per_task", j.ns, "peak_rss_delta_kib",
                         (json_int_t)(rss1 - rss0), "switches", (json_int_t)st.switches,
                         "status", rc));
    return rc == 0 ? 0 : 1;
}
