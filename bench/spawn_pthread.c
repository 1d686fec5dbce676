/*
 * spawn_pthread.c — scenario 1 for POSIX threads: create and join N empty threads.
 *
 *   spawn_pthread N [gather|serial]
 * gather: create a window of up to 1,000 threads, join them, repeat (more live threads
 * at once hit kernel.pid_max and vm.max_map_count); serial: create, join, N times.
 */
#include "bench.h"

#include <pthread.h>

enum { WINDOW = 1000 };

static void *empty(void *arg) { return arg; }

int main(int argc, char **argv) {
    long n = bench_arg(argc, argv, 1, 10000);
    int serial = argc > 2 && strcmp(argv[2], "serial") == 0;
    long window = serial ? 1 : WINDOW;
    pthread_t th[WINDOW];
    int err = 0;
    long rss0 = bench_peak_rss_kib();
    uint64_t t0 = bench_now_ns();
    for (long done = 0; done < n && !err;) {
        long k = n - done < window ? n - done : window, made = 0;
        for (; made < k; made++)
            if ((err = pthread_create(&th[made], NULL, empty, NULL)) != 0) break;
        for (long i = 0; i < made; i++) pthread_join(th[i], NULL);
        done += made;
    }
    double ns = (double)(bench_now_ns() - t0) / (double)n;
    long rss1 = bench_peak_rss_kib();
    bench_emit(json_pack("{s:s, s:s, s:s, s:I, s:f, s:I, s:i}", "scenario",
                         serial ? "spawn_serial" : "spawn", "contender", "threads", "shape",
                         serial ? "create, join; N times" : "create+join in windows of 1000",
                         "n", (json_int_t)n, "ns_per_task", ns, "peak_rss_delta_kib",
                         (json_int_t)(rss1 - rss0), "status", -err));
    return err ? 1 : 0;
}
