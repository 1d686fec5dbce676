/*
 * switch_cio.c — scenario 2 for cio: two tasks hand control back and forth.
 *
 *   switch_cio M
 * Each task calls cio_yield() M times; with the FIFO ready queue each yield switches to
 * the other task, so the run makes 2M switches. Prints ns per switch as one JSON line.
 */
#include "bench.h"

#include <cio.h>

static long rounds; /* yields per task */

static int pinger(void *arg) {
    (void)arg;
    for (long i = 0; i < rounds; i++)
        if (cio_yield() != 0) return -ECANCELED;
    return 0;
}

struct result {
    double   ns;       /* nanoseconds per switch */
    uint64_t switches; /* the runtime's own count over the timed part */
};

static int bench_main(void *arg) {
    struct result *r = arg;
    cio_stats s0, s1;
    cio_task *ts[2] = {cio_spawn(pinger, NULL), cio_spawn(pinger, NULL)};
    if (!ts[0] || !ts[1]) return -ENOMEM;
    cio_stats_get(&s0);
    uint64_t t0 = bench_now_ns();
    int rc = cio_gather(ts, 2);
    r->ns = (double)(bench_now_ns() - t0) / (2.0 * (double)rounds);
    cio_stats_get(&s1);
    r->switches = s1.switches - s0.switches;
    return rc;
}

int main(int argc, char **argv) {
    rounds = bench_arg(argc, argv, 1, 1000000);
    struct result r = {0};
    cio_config cfg = {.slow_step = -1};
    int rc = cio_run(bench_main, &r, &cfg);
    bench_emit(json_pack("{s:s, s:s, s:s, s:I, s:f, s:I, s:i}", "scenario", "switch", "contender",
                         "cio", "shape", "cio_yield ping-pong", "n", (json_int_t)(2 * rounds),
                         "ns_per_switch", r.ns, "runtime_switches", (json_int_t)r.switches,
                         "status", rc));
    return rc == 0 ? 0 : 1;
}
