/*
 * switch_floor.c — scenario 2's floor: the cheapest stackful switch this machine allows.
 *
 *   switch_floor M
 * Two bare coroutines yield to each other M times each through a FIFO ring, with the same
 * kind of hand-written switch as cio (callee-saved registers only): once through a
 * scheduler context, as cio does (two switches per yield), once directly (one switch).
 * No cancellation, timers, I/O or bookkeeping: what cio's switch costs on top is its own.
 */
#include "bench.h"

#if defined(__x86_64__)

/* void floor_switch(void **save_sp, void *load_sp): push callee-saved, swap stacks, pop. */
void floor_switch(void **save_sp, void *load_sp);
void floor_start(void);
__asm__(".text\n"
        ".globl floor_switch\n.type floor_switch,@function\nfloor_switch:\n"
        "  pushq %rbp\n  pushq %rbx\n  pushq %r12\n  pushq %r13\n  pushq %r14\n  pushq %r15\n"
        "  movq %rsp, (%rdi)\n  movq %rsi, %rsp\n"
        "  popq %r15\n  popq %r14\n  popq %r13\n  popq %r12\n  popq %rbx\n  popq %rbp\n  ret\n"
        ".globl floor_start\n.type floor_start,@function\nfloor_start:\n"
        "  movq %r12, %rdi\n  callq *%r13\n  ud2\n");

enum { STACK = 64 * 1024 };

static void *sched_sp;     /* the scheduler's saved stack pointer */
static void *co_sp[2];     /* each coroutine's saved stack pointer */
static int ring[4];        /* FIFO of ready coroutine ids */
static unsigned head, count;
static long rounds;        /* yields per coroutine */
static int direct;         /* nonzero: coroutines switch to each other, not to the scheduler */
static int alive;          /* coroutines not yet finished */

static void push(int id) { ring[(head + count++) & 3] = id; }
static int pop(void) {
    count--;
    return ring[head++ & 3];
}

static void yield(int me) {
    push(me);
    if (direct) {
        int next = pop();
        if (next != me) floor_switch(&co_sp[me], co_sp[next]);
    } else {
        floor_switch(&co_sp[me], sched_sp);
    }
}

static void body(void *arg) {
    int me = (int)(intptr_t)arg;
    for (long i = 0; i < rounds; i++) yield(me);
    alive--;
    if (direct && count) floor_switch(&co_sp[me], co_sp[pop()]);
    floor_switch(&co_sp[me], sched_sp); /* never comes back */
}

/* A fresh coroutine's stack: six zero registers (r12 = arg, r13 = entry) and floor_start. */
static void make(int id, char *stack) {
    uintptr_t *f = (uintptr_t *)(((uintptr_t)(stack + STACK) & ~(uintptr_t)15) - 72);
    memset(f, 0, 72);
    f[2] = (uintptr_t)body;
    f[3] = (uintptr_t)id;
    f[6] = (uintptr_t)floor_start;
    co_sp[id] = f;
}

static double run(int dir) {
    static char stacks[2][STACK] __attribute__((aligned(64)));
    direct = dir;
    head = count = 0;
    alive = 2;
    make(0, stacks[0]);
    make(1, stacks[1]);
    push(0);
    push(1);
    uint64_t t0 = bench_now_ns();
    if (direct) floor_switch(&sched_sp, co_sp[pop()]);
    else
        while (alive && count) floor_switch(&sched_sp, co_sp[pop()]);
    return (double)(bench_now_ns() - t0) / (2.0 * (double)rounds);
}

int main(int argc, char **argv) {
    rounds = bench_arg(argc, argv, 1, 10000000);
    double via = run(0), dir = run(1);
    bench_emit(json_pack("{s:s, s:s, s:s, s:I, s:f, s:f, s:i}", "scenario", "switch", "contender",
                         "floor", "shape", "bare coroutines, FIFO ring, no runtime", "n",
                         (json_int_t)(2 * rounds), "ns_per_switch", via, "ns_per_switch_direct",
                         dir, "status", 0));
    return 0;
}

#else

int main(void) {
    bench_emit(json_pack("{s:s, s:s, s:s, s:s}", "scenario", "switch", "contender", "floor",
                         "status", "the floor's switch is written for x86-64 only"));
    return 0;
}

#endif
