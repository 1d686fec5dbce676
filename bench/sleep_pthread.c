/*
 * sleep_pthread.c — scenario 3 for POSIX threads: N threads each sleep 1 s at once.
 *
 *   sleep_pthread N
 * Creates threads until N or until the kernel refuses one, and then says which limit
 * stopped it (kernel.pid_max, vm.max_map_count, RLIMIT_NPROC, kernel.threads-max,
 * memory). Threads wait at a gate until all exist, as cio's and asyncio's tasks first run
 * when their creator suspends: so all N really sleep at once. Thread kernel stacks are not
 * in RSS, so the machine's KernelStack is reported too.
 */
#include "bench.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

/* Write-locked by main while it creates threads; each thread passes through a read lock,
   so all start together and none waits behind another (unlike a broadcast's mutex). */
static pthread_rwlock_t gate = PTHREAD_RWLOCK_INITIALIZER;

static void *sleeper(void *arg) {
    pthread_rwlock_rdlock(&gate);
    pthread_rwlock_unlock(&gate);
    struct timespec one = {1, 0};
    while (nanosleep(&one, &one) != 0 && errno == EINTR) {}
    return arg;
}

/* Threads alive on the whole machine: the 4th field of /proc/loadavg is "running/total". */
static long machine_threads(void) {
    FILE *f = fopen("/proc/loadavg", "r");
    long run = 0, total = -1;
    double a, b, c;
    if (f) {
        if (fscanf(f, "%lf %lf %lf %ld/%ld", &a, &b, &c, &run, &total) != 5) total = -1;
        fclose(f);
    }
    return total;
}

int main(int argc, char **argv) {
    long n = bench_arg(argc, argv, 1, 10000);
    pthread_t *th = calloc((size_t)n, sizeof *th);
    if (!th) return 1;
    long rss0 = bench_peak_rss_kib(), ks0 = bench_kernel_stack_kib(), pt0 = bench_page_tables_kib();
    pthread_rwlock_wrlock(&gate);
    uint64_t t0 = bench_now_ns();
    long made = 0;
    int err = 0;
    for (; made < n; made++)
        if ((err = pthread_create(&th[made], NULL, sleeper, NULL)) != 0) break;
    double spawn_s = (double)(bench_now_ns() - t0) * 1e-9;
    /* Read the limits at the moment of failure, while every thread is still alive. */
    long maps = bench_map_count(), threads = machine_threads();
    long ks1 = bench_kernel_stack_kib(), pt1 = bench_page_tables_kib();
    pthread_rwlock_unlock(&gate);
    for (long i = 0; i < made; i++) pthread_join(th[i], NULL);
    double wall = (double)(bench_now_ns() - t0) * 1e-9;
    long rss1 = bench_peak_rss_kib();
    struct rlimit nproc;
    getrlimit(RLIMIT_NPROC, &nproc);
    const char *limit = "none";
    long max_maps = bench_sysctl("/proc/sys/vm/max_map_count");
    long pid_max = bench_sysctl("/proc/sys/kernel/pid_max");
    long threads_max = bench_sysctl("/proc/sys/kernel/threads-max");
    if (err) {
        if (maps >= max_maps - 8) limit = "vm.max_map_count";
        /* pids below 300 are reserved for the kernel's own, so pid_max - 300 are usable */
        else if (threads >= pid_max - 300 - 128) limit = "kernel.pid_max";
        else if (nproc.rlim_cur != RLIM_INFINITY && (rlim_t)threads >= nproc.rlim_cur - 64) limit = "RLIMIT_NPROC";
        else if (threads >= threads_max - 64) limit = "kernel.threads-max";
        else limit = err == ENOMEM ? "memory" : "unknown";
    }
    double made_d = made > 0 ? (double)made : 1.0;
    bench_emit(json_pack("{s:s, s:s, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:s, s:s?, s:I, s:I,"
                         " s:I, s:I, s:I, s:I, s:i}",
                         "scenario", "sleep", "contender", "threads", "n", (json_int_t)n,
                         "created", (json_int_t)made, "wall_s", wall, "overhead_s", wall - 1.0,
                         "spawn_s", spawn_s, "rss_kib_per_task", (double)(rss1 - rss0) / made_d,
                         "kernel_stack_kib_per_task", (double)(ks1 - ks0) / made_d,
                         "page_tables_kib_per_task", (double)(pt1 - pt0) / made_d,
                         "stopped_by", limit, "error", err ? strerror(err) : NULL, "maps_at_stop",
                         (json_int_t)maps, "machine_threads_at_stop", (json_int_t)threads,
                         "vm_max_map_count", (json_int_t)max_maps, "kernel_pid_max",
                         (json_int_t)pid_max, "kernel_threads_max", (json_int_t)threads_max,
                         "rlimit_nproc",
                         (json_int_t)(nproc.rlim_cur == RLIM_INFINITY ? -1 : (long)nproc.rlim_cur),
                         "status", -err));
    free(th);
    return err ? 3 : 0;
}
