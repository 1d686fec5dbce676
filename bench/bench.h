/*
 * bench.h — what every C contender of `make bench` shares: a monotonic clock, the
 * process's peak and current memory, the machine's limits, and one JSON line of
 * results on stdout (written with jansson, never by hand). Header-only so that each
 * contender stays one file that compiles on its own.
 */
#ifndef CIO_BENCH_H
#define CIO_BENCH_H

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Nanoseconds on the monotonic clock: the one clock every contender times with. */
static inline uint64_t bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One "Key:   123 kB" field of a /proc status-like file, in KiB; -1 if absent. */
static inline long bench_proc_kib(const char *path, const char *key) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[256];
    size_t klen = strlen(key);
    long v = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            v = strtol(line + klen + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

/* Peak resident set (VmHWM) of this process, in KiB. The kernel keeps the high-water
   mark for us, so a contender reads it once before the work (its baseline) and once
   after, and the difference is what the work cost at its peak. */
static inline long bench_peak_rss_kib(void) { return bench_proc_kib("/proc/self/status", "VmHWM"); }
static inline long bench_rss_kib(void) { return bench_proc_kib("/proc/self/status", "VmRSS"); }

/* Kernel-side memory that RSS never shows (thread kernel stacks, page tables), machine-wide. */
static inline long bench_kernel_stack_kib(void) { return bench_proc_kib("/proc/meminfo", "KernelStack"); }
static inline long bench_page_tables_kib(void) { return bench_proc_kib("/proc/meminfo", "PageTables"); }

/* A single integer from a /proc/sys file (vm.max_map_count, kernel.pid_max...); -1 if unreadable. */
static inline long bench_sysctl(const char *path) {
    FILE *f = fopen(path, "r");
    long v = -1;
    if (f) {
        if (fscanf(f, "%ld", &v) != 1) v = -1;
        fclose(f);
    }
    return v;
}

/* How many mappings this process has now (lines of /proc/self/maps): the quantity
   vm.max_map_count limits, and what stops one-thread-per-task first. */
static inline long bench_map_count(void) {
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return -1;
    long n = 0;
    int c;
    while ((c = getc(f)) != EOF) n += (c == '\n');
    fclose(f);
    return n;
}

/* Positional argument i as a count ("100000", "1e6", "100k" and "1M" all work), or dflt. */
static inline long bench_arg(int argc, char **argv, int i, long dflt) {
    if (i >= argc) return dflt;
    char *end;
    double v = strtod(argv[i], &end);
    if (*end == 'k' || *end == 'K') v *= 1e3;
    else if (*end == 'M') v *= 1e6;
    return v > 0 ? (long)v : dflt;
}

/* Print @p obj as one compact JSON line on stdout, then free it. The driver reads
   exactly one such line per scenario from each contender run. */
static inline void bench_emit(json_t *obj) {
    if (!obj) {
        fprintf(stderr, "bench: could not build the result object\n");
        exit(2);
    }
    json_dumpf(obj, stdout, JSON_COMPACT);
    fputc('\n', stdout);
    fflush(stdout);
    json_decref(obj);
}

/* Sort helper for latency samples (medians and percentiles). */
static inline int bench_cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n sorted samples, nearest rank. */
static inline uint64_t bench_quantile(const uint64_t *sorted, size_t n, double q) {
    if (n == 0) return 0;
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

#endif /* CIO_BENCH_H */
