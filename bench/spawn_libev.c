/*
 * spawn_libev.c — scenario 1's floor: raw libev, one ev_idle callback per "task".
 *
 *   spawn_libev N
 * Each "task" is a malloc'd watcher started at once and stopped and freed by its own
 * callback: what cio's tasks are built on, without stacks, switches or bookkeeping.
 * (A peer, not part of the runtime: only runtime/src/ and these peers include ev.h.)
 */
#include "bench.h"

#include <ev.h>

static long remaining; /* callbacks still to run; the loop stops at zero */

static void on_idle(struct ev_loop *loop, ev_idle *w, int revents) {
    (void)revents;
    ev_idle_stop(loop, w);
    free(w);
    if (--remaining == 0) ev_break(loop, EVBREAK_ALL);
}

int main(int argc, char **argv) {
    long n = bench_arg(argc, argv, 1, 100000);
    struct ev_loop *loop = ev_default_loop(0);
    long rss0 = bench_peak_rss_kib();
    uint64_t t0 = bench_now_ns();
    remaining = n;
    for (long i = 0; i < n; i++) {
        ev_idle *w = malloc(sizeof *w);
        if (!w) return 1;
        ev_idle_init(w, on_idle);
        ev_idle_start(loop, w);
    }
    ev_run(loop, 0);
    double ns = (double)(bench_now_ns() - t0) / (double)n;
    long rss1 = bench_peak_rss_kib();
    bench_emit(json_pack("{s:s, s:s, s:s, s:I, s:f, s:I, s:i}", "scenario", "spawn", "contender",
                         "libev", "shape", "N ev_idle watchers, each stops itself", "n",
                         (json_int_t)n, "ns_per_task", ns, "peak_rss_delta_kib",
                         (json_int_t)(rss1 - rss0), "status", 0));
    return 0;
}
