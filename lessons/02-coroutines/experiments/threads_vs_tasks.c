/*
 * threads_vs_tasks.c — lesson 02's experiment: N POSIX threads against N cio tasks, each
 * sleeping the same time, measured side by side on this machine (the seed's claim 2).
 *
 * Each contender runs in a child process of its own, so that its peak memory is its own:
 * the child reports wall time, the kernel's peak resident set (VmHWM) and peak virtual
 * size (VmPeak), and how much the system's kernel stacks grew (memory VmHWM does not
 * count); a third child that starts nothing gives the baseline to subtract.
 *
 *   cc -O2 -std=gnu11 -Iruntime/include lessons/02-coroutines/experiments/threads_vs_tasks.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o build/threads_vs_tasks
 *   build/threads_vs_tasks [N=10000] [seconds=1.0]
 */
#include <cio.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct result {
    double wall;      /* seconds from the first start to the last finish */
    double start;     /* seconds spent starting them all */
    long   hwm_kib;   /* peak resident memory, KiB (VmHWM) */
    long   peak_kib;  /* peak virtual memory, KiB (VmPeak) */
    long   kstack_kib; /* the whole system's kernel stacks while all were alive, KiB */
    int    ok;        /* 1 if every thread or task was started and finished */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One field of a /proc file such as /proc/self/status, in KiB; -1 if missing. */
static long proc_kib(const char *file, const char *field)
{
    FILE *f = fopen(file, "r");
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            v = strtol(line + n + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

static long status_kib(const char *field) { return proc_kib("/proc/self/status", field); }

/* Kernel memory that VmHWM does not show: every thread has a kernel stack of its own. */
static long kernel_stacks_kib(void) { return proc_kib("/proc/meminfo", "KernelStack"); }

static size_t n_workers; /* how many threads or tasks */
static double sleep_for; /* how long each sleeps */

/* ---- contender 1: one POSIX thread per sleeper --------------------------------------- */

/* Starting 10,000 threads takes longer than a short sleep: without a gate the first
 * threads would be gone (and their stacks reused) before the last ones start. cio tasks
 * need no gate: none runs before main suspends. */
static pthread_barrier_t gate;

static void *thread_body(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&gate); /* every sleeper alive at once, as with the tasks */
    struct timespec ts = {(time_t)sleep_for, (long)((sleep_for - (time_t)sleep_for) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    return NULL;
}

static void run_threads(struct result *r)
{
    pthread_t *ts = calloc(n_workers, sizeof *ts);
    size_t started = 0;
    pthread_barrier_init(&gate, NULL, (unsigned)n_workers + 1);
    double t0 = now();
    for (; ts && started < n_workers; started++)
        if (pthread_create(&ts[started], NULL, thread_body, NULL) != 0) break;
    r->start = now() - t0;
    r->kstack_kib = kernel_stacks_kib();
    if (started < n_workers) { /* cannot open the gate: report and stop here */
        fprintf(stderr, "threads: only %zu of %zu could be created\n", started, n_workers);
        _exit(1);
    }
    pthread_barrier_wait(&gate);
    for (size_t i = 0; i < started; i++) pthread_join(ts[i], NULL);
    r->wall = now() - t0;
    r->ok = 1;
    pthread_barrier_destroy(&gate);
    free(ts);
}

/* ---- contender 2: one cio task per sleeper --------------------------------------------- */

static int task_body(void *arg)
{
    (void)arg;
    return cio_sleep(sleep_for);
}

static int tasks_main(void *arg)
{
    struct result *r = arg;
    cio_task **ts = calloc(n_workers, sizeof *ts);
    size_t started = 0;
    double t0 = now();
    for (; ts && started < n_workers; started++)
        if (!(ts[started] = cio_spawn(task_body, NULL))) break;
    r->start = now() - t0;
    r->kstack_kib = kernel_stacks_kib();
    int rc = cio_gather(ts, started);
    r->wall = now() - t0;
    r->ok = started == n_workers && rc == 0;
    free(ts);
    return 0;
}

static void run_tasks(struct result *r)
{
    /* Real time: this is a measurement. Starting 10,000 tasks is one long step on
     * purpose, so the slow-step warning is off. */
    cio_config cfg = {.virtual_clock = 0, .slow_step = -1};
    cio_run(tasks_main, r, &cfg);
}

static void run_nothing(struct result *r)
{
    r->kstack_kib = kernel_stacks_kib();
    r->ok = 1;
}

/* ---- the harness: each contender in a child process ------------------------------------ */

static int measure(void (*fn)(struct result *), struct result *out)
{
    int p[2];
    if (pipe(p) < 0) return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        struct result r = {0};
        close(p[0]);
        fn(&r);
        r.hwm_kib = status_kib("VmHWM");
        r.peak_kib = status_kib("VmPeak");
        if (write(p[1], &r, sizeof r) != (ssize_t)sizeof r) _exit(1);
        _exit(0);
    }
    close(p[1]);
    ssize_t got = read(p[0], out, sizeof *out);
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    return got == (ssize_t)sizeof *out ? 0 : -1;
}

int main(int argc, char **argv)
{
    n_workers = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
    sleep_for = argc > 2 ? strtod(argv[2], NULL) : 1.0;
    struct result base, th, tk;
    if (measure(run_nothing, &base) || measure(run_threads, &th) || measure(run_tasks, &tk)) {
        fprintf(stderr, "a measurement failed\n");
        return 1;
    }
    printf("%zu sleepers, each sleeping %.2f s, on %ld CPU(s)\n\n", n_workers, sleep_for,
           sysconf(_SC_NPROCESSORS_ONLN));
    printf("%-28s %14s %14s\n", "", "POSIX threads", "cio tasks");
    printf("%-28s %13.3fs %13.3fs\n", "wall time", th.wall, tk.wall);
    printf("%-28s %13.3fs %13.3fs\n", "  of which starting them", th.start, tk.start);
    printf("%-28s %11.1f MiB %11.1f MiB\n", "peak resident (VmHWM)", th.hwm_kib / 1024.0,
           tk.hwm_kib / 1024.0);
    printf("%-28s %10.2f KiB %10.2f KiB\n", "  per sleeper, over baseline",
           (double)(th.hwm_kib - base.hwm_kib) / (double)n_workers,
           (double)(tk.hwm_kib - base.hwm_kib) / (double)n_workers);
    printf("%-28s %11.1f MiB %11.1f MiB\n", "peak virtual (VmPeak)", th.peak_kib / 1024.0,
           tk.peak_kib / 1024.0);
    printf("%-28s %11.1f MiB %11.1f MiB\n", "kernel stacks (added)",
           (th.kstack_kib - base.kstack_kib) / 1024.0, (tk.kstack_kib - base.kstack_kib) / 1024.0);
    printf("%-28s %14s %14s\n", "all finished", th.ok ? "yes" : "NO", tk.ok ? "yes" : "NO");
    printf("\nbaseline process (starts nothing): %.1f MiB resident\n", base.hwm_kib / 1024.0);
    return th.ok && tk.ok ? 0 : 1;
}
