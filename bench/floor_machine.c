/*
 * floor_machine.c — the machine's own floors, measured in the same run as the contenders:
 * the cost of one system call and of the first touch of a fresh memory page.
 *
 *   floor_machine PAGES
 * Virtual machines make both far dearer than bare metal, and every runtime pays them, so
 * the report states how many of each a task costs instead of guessing.
 */
#include "bench.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { SYSCALLS = 200000 };

int main(int argc, char **argv) {
    long pages = bench_arg(argc, argv, 1, 20000);
    long page = sysconf(_SC_PAGESIZE);

    uint64_t t0 = bench_now_ns();
    for (int i = 0; i < SYSCALLS; i++) syscall(SYS_getppid); /* the libc wrapper may cache */
    double syscall_ns = (double)(bench_now_ns() - t0) / SYSCALLS;

    volatile char *p = mmap(NULL, (size_t)(pages * page), PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
    t0 = bench_now_ns();
    for (long i = 0; i < pages; i++) p[i * page] = 1;
    double fresh_ns = (double)(bench_now_ns() - t0) / (double)pages;
    t0 = bench_now_ns();
    for (long i = 0; i < pages; i++) p[i * page] = 2;
    double warm_ns = (double)(bench_now_ns() - t0) / (double)pages;
    munmap((void *)p, (size_t)(pages * page));

    bench_emit(json_pack("{s:s, s:s, s:I, s:f, s:f, s:f, s:I, s:i}", "scenario", "floor",
                         "contender", "machine", "n", (json_int_t)pages, "syscall_ns", syscall_ns,
                         "fresh_page_ns", fresh_ns, "warm_page_ns", warm_ns, "page_size",
                         (json_int_t)page, "status", 0));
    return 0;
}
