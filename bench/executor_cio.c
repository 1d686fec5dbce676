/*
 * executor_cio.c — scenario 4 for cio: the executor thread pool (cio_to_thread).
 *
 *   executor_cio roundtrip M          latency of M no-op jobs, one after another
 *   executor_cio split THREADS ITERS CHUNKS   a CPU-heavy job of ITERS steps split into
 *        CHUNKS jobs over a pool of THREADS (0: one per core), while a heartbeat task
 *        sleeping 1 ms records how late the loop wakes it: the loop's worst delay
 *   executor_cio inline 0 ITERS CHUNKS        the same chunks run on the loop itself
 */
#include "bench.h"

#include <cio.h>

/* ---- the work ------------------------------------------------------------------ */

struct chunk {
    long     iters; /* xorshift steps to run */
    uint64_t sum;   /* result, so the compiler cannot drop the work */
};

static int noop(void *arg) { return arg == NULL ? 0 : 1; }

/* xorshift64: each step depends on the last, so it cannot be vectorised away. */
static int cpu_chunk(void *arg) {
    struct chunk *c = arg;
    uint64_t x = 88172645463325252ull, s = 0;
    for (long i = 0; i < c->iters; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s += x;
    }
    c->sum = s;
    return 0;
}

/* ---- round trip ------------------------------------------------------------------ */

struct roundtrip {
    long      m;       /* jobs */
    uint64_t *lat;     /* per-job latency, ns */
};

static int roundtrip_main(void *arg) {
    struct roundtrip *r = arg;
    for (int i = 0; i < 100; i++) /* warm up: start the pool's threads */
        if (cio_to_thread(noop, NULL) != 0) return -EIO;
    for (long i = 0; i < r->m; i++) {
        uint64_t t0 = bench_now_ns();
        if (cio_to_thread(noop, NULL) != 0) return -EIO;
        r->lat[i] = bench_now_ns() - t0;
    }
    return 0;
}

/* ---- split CPU work with a heartbeat --------------------------------------------- */

struct split {
    long          iters, chunks; /* total steps, jobs they are split into */
    int           inline_;       /* nonzero: run chunks on the loop, not the pool */
    struct chunk *c;             /* the chunks */
    int           done;          /* set by main when every chunk finished: stops the heartbeat */
    uint64_t      worst_ns;      /* heartbeat's worst lateness beyond its 1 ms sleep */
    long          beats;         /* heartbeats taken */
    double        elapsed;       /* seconds for all chunks */
};

static struct split *sp; /* the run's state, for the tasks below */

static int heartbeat(void *arg) {
    (void)arg;
    while (!sp->done) {
        uint64_t t0 = bench_now_ns();
        if (cio_sleep(0.001) != 0) return -ECANCELED;
        uint64_t late = bench_now_ns() - t0;
        late = late > 1000000 ? late - 1000000 : 0;
        if (late > sp->worst_ns) sp->worst_ns = late;
        sp->beats++;
    }
    return 0;
}

static int worker(void *arg) {
    if (sp->inline_) {
        int rc = cpu_chunk(arg); /* blocks the loop for the whole chunk: that is the point */
        cio_yield();
        return rc;
    }
    return cio_to_thread(cpu_chunk, arg);
}

static int split_main(void *arg) {
    (void)arg;
    cio_task *hb = cio_spawn(heartbeat, NULL);
    cio_sleep(0.005); /* let the heartbeat settle before the work starts */
    cio_task **ts = calloc((size_t)sp->chunks, sizeof *ts);
    if (!hb || !ts) return -ENOMEM;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < sp->chunks; i++) ts[i] = cio_spawn(worker, &sp->c[i]);
    int rc = cio_gather(ts, (size_t)sp->chunks);
    sp->elapsed = (double)(bench_now_ns() - t0) * 1e-9;
    sp->done = 1;
    cio_await(hb);
    free(ts);
    return rc;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "roundtrip";
    cio_config cfg = {.slow_step = -1};
    if (strcmp(mode, "roundtrip") == 0) {
        struct roundtrip r = {.m = bench_arg(argc, argv, 2, 10000)};
        r.lat = calloc((size_t)r.m, sizeof *r.lat);
        int rc = cio_run(roundtrip_main, &r, &cfg);
        qsort(r.lat, (size_t)r.m, sizeof *r.lat, bench_cmp_u64);
        bench_emit(json_pack("{s:s, s:s, s:I, s:f, s:f, s:f, s:i}", "scenario", "executor_rt",
                             "contender", "cio", "n", (json_int_t)r.m, "median_us",
                             bench_quantile(r.lat, (size_t)r.m, 0.5) / 1e3, "p99_us",
                             bench_quantile(r.lat, (size_t)r.m, 0.99) / 1e3, "max_us",
                             r.lat[r.m - 1] / 1e3, "status", rc));
        return rc == 0 ? 0 : 1;
    }
    struct split s = {.iters = bench_arg(argc, argv, 3, 400000000), .chunks = bench_arg(argc, argv, 4, 8)};
    s.inline_ = strcmp(mode, "inline") == 0;
    cfg.executor_threads = (unsigned)bench_arg(argc, argv, 2, 0); /* 0: one per core */
    s.c = calloc((size_t)s.chunks, sizeof *s.c);
    for (long i = 0; i < s.chunks; i++) s.c[i].iters = s.iters / s.chunks;
    sp = &s;
    int rc = cio_run(split_main, NULL, &cfg);
    uint64_t check = 0;
    for (long i = 0; i < s.chunks; i++) check += s.c[i].sum;
    bench_emit(json_pack("{s:s, s:s, s:s, s:i, s:I, s:I, s:f, s:f, s:I, s:I, s:i}", "scenario",
                         "executor_split", "contender", "cio", "mode",
                         s.inline_ ? "inline on the loop" : "cio_to_thread", "threads",
                         (int)cfg.executor_threads, "iters", (json_int_t)s.iters, "chunks",
                         (json_int_t)s.chunks, "elapsed_s", s.elapsed, "worst_loop_delay_ms",
                         s.worst_ns / 1e6, "heartbeats", (json_int_t)s.beats, "checksum",
                         (json_int_t)(check & 0xffff), "status", rc));
    return rc == 0 ? 0 : 1;
}
