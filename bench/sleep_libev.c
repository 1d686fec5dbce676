/*
 * sleep_libev.c — scenario 3's floor: raw libev, one 1 s ev_timer per "task".
 *
 *   sleep_libev N
 * A sleeping "task" here is only a malloc'd timer watcher in libev's heap: no stack, no
 * task record. cio's memory per sleeping task is measured against this floor.
 */
#include "bench.h"

#include <ev.h>

static long remaining; /* timers still to fire */

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)revents;
    free(w);
    if (--remaining == 0) ev_break(loop, EVBREAK_ALL);
}

int main(int argc, char **argv) {
    long n = bench_arg(argc, argv, 1, 100000);
    struct ev_loop *loop = ev_default_loop(0);
    ev_now_update(loop);
    long rss0 = bench_peak_rss_kib();
    uint64_t t0 = bench_now_ns();
    remaining = n;
    for (long i = 0; i < n; i++) {
        ev_timer *w = malloc(sizeof *w);
        if (!w) return 1;
        ev_timer_init(w, on_timer, 1.0, 0.);
        ev_timer_start(loop, w);
    }
    double spawn_s = (double)(bench_now_ns() - t0) * 1e-9;
    ev_run(loop, 0);
    double wall = (double)(bench_now_ns() - t0) * 1e-9;
    long rss1 = bench_peak_rss_kib();
    bench_emit(json_pack("{s:s, s:s, s:I, s:f, s:f, s:f, s:f, s:I, s:I, s:i}", "scenario", "sleep",
                         "contender", "libev", "n", (json_int_t)n, "wall_s", wall, "overhead_s",
                         wall - 1.0, "spawn_s", spawn_s, "rss_kib_per_task",
                         (double)(rss1 - rss0) / (double)n, "rss_base_kib", (json_int_t)rss0,
                         "rss_peak_kib", (json_int_t)rss1, "status", 0));
    return 0;
}
