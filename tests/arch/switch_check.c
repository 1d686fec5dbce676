/*
 * switch_check.c — checks cio's context switch on whatever architecture it is built for.
 *
 * Built from runtime/src/context.c plus switch_<arch>.S (or with -DCIO_UCONTEXT) and
 * libc alone, so it can be cross-compiled and run under an emulator. Prints one line per
 * check and exits non-zero if any fails. `switch_check --bench` times raw switches.
 */
#include "context.h"
#include "internal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#if defined(CIO_USE_UCONTEXT)
#define VARIANT "ucontext"
#else
#define VARIANT "asm"
#endif

#if defined(__x86_64__)
#define ARCH "x86_64"
#elif defined(__aarch64__)
#define ARCH "aarch64"
#else
#define ARCH "other"
#endif

enum { STACK_SIZE = 256 * 1024 };

static const char *phase = "startup"; /* named by the fault handler: which check crashed */
static int failures;

/* context.c only calls this on the ucontext path, when getcontext or swapcontext fails. */
_Noreturn void cio__panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "switch_check: panic: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void fail(const char *what, const char *detail)
{
    printf("FAIL  %s: %s\n", what, detail);
    failures++;
}

static void pass(const char *what) { printf("ok    %s\n", what); }

/* A broken switch usually shows as a crash, not a wrong value: say in which check. */
static void on_fault(int sig)
{
    char msg[256];
    int n = snprintf(msg, sizeof msg, "FAIL  %s: killed by signal %d (%s)\n", phase, sig,
                     sig == SIGSEGV ? "segmentation fault" : sig == SIGBUS ? "bus error"
                     : sig == SIGILL ? "illegal instruction: a task ran off its entry"
                                     : "trap");
    if (n > 0) (void)!write(1, msg, (size_t)n);
    _exit(3);
}

static void install_fault_handler(void)
{
    static char altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL); /* a fault on a coroutine's guard page needs another stack */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fault;
    sa.sa_flags = SA_ONSTACK;
    int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
}

/* A coroutine stack with a PROT_NONE page below it, so an overflow faults at once. */
typedef struct {
    char *map, *low, *top;
} stack_area;

static stack_area stack_new(void)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t len = STACK_SIZE + (size_t)page;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect(m, (size_t)page, PROT_NONE) != 0) {
        perror("switch_check: mmap");
        exit(2);
    }
    return (stack_area){m, m + page, m + len};
}

static void stack_free(stack_area s) { munmap(s.map, (size_t)(s.top - s.map)); }

/* ---------------------------------------------------------------------------------- */
/* 1. Ping-pong: main -> A -> B -> main, many times, each step checked                */
/* ---------------------------------------------------------------------------------- */

#ifdef CIO_USE_UCONTEXT
enum { PING_ROUNDS = 20000 };  /* a system call per switch: keep the check fast */
#else
enum { PING_ROUNDS = 200000 };
#endif

static cio__ctx main_ctx, ctx_a, ctx_b;
static long step; /* bumped once per hop; each side checks it sees the value it expects */
static int ping_bad;

static void ping_a(void *arg)
{
    long round = 0;
    if (arg != (void *)&ctx_a) ping_bad = 1; /* the argument reached the entry intact */
    for (;;) {
        if (step != 3 * round + 1) ping_bad = 1;
        step++;
        cio__ctx_switch(&ctx_a, &ctx_b); /* a coroutine hands over to another directly */
        round++;
    }
}

static void ping_b(void *arg)
{
    long round = 0;
    if (arg != (void *)&ctx_b) ping_bad = 1;
    for (;;) {
        if (step != 3 * round + 2) ping_bad = 1;
        step++;
        cio__ctx_switch(&ctx_b, &main_ctx);
        round++;
    }
}

static void check_ping_pong(void)
{
    phase = "ping-pong between main and two coroutines";
    stack_area sa = stack_new(), sb = stack_new();
    cio__ctx_make(&ctx_a, sa.low, sa.top, ping_a, &ctx_a);
    cio__ctx_make(&ctx_b, sb.low, sb.top, ping_b, &ctx_b);
    step = 0;
    ping_bad = 0;
    for (long round = 0; round < PING_ROUNDS && !ping_bad; round++) {
        if (step != 3 * round) ping_bad = 1;
        step++;
        cio__ctx_switch(&main_ctx, &ctx_a);
    }
    char detail[128];
    snprintf(detail, sizeof detail, "hops out of order or entry argument lost (step %ld)", step);
    if (ping_bad || step != 3L * PING_ROUNDS) fail(phase, detail);
    else {
        snprintf(detail, sizeof detail, "ping-pong: %d rounds main -> A -> B -> main, %d switches in order",
                 PING_ROUNDS, 3 * PING_ROUNDS);
        pass(detail);
    }
    stack_free(sa);
    stack_free(sb);
}

/* ---------------------------------------------------------------------------------- */
/* 2. Callee-saved registers survive a switch                                          */
/* ---------------------------------------------------------------------------------- */

/*
 * clobber_call(fn, a, b, seed, out) loads seed+0, seed+1, ... into every callee-saved
 * register (integer and floating point), calls fn(a, b), then stores what those registers
 * hold into out[] and restores its caller's values. When fn switches to a coroutine that
 * does the same with another seed, whatever the switch fails to restore shows in out[].
 * Written in assembly because C cannot pin values in named callee-saved registers.
 */
typedef void (*switch_fn)(void *from, void *to);
void clobber_call(switch_fn fn, void *a, void *b, uint64_t seed, uint64_t *out);

#if defined(__x86_64__)
/* rbx rbp r12 r13 r14 r15; System V has no callee-saved vector registers. */
enum { NREGS = 6 };
static const char *const reg_names[NREGS] = {"rbx", "rbp", "r12", "r13", "r14", "r15"};
__asm__(".text\n"
        ".globl clobber_call\n.type clobber_call,@function\nclobber_call:\n"
        "  pushq %rbp\n  pushq %rbx\n  pushq %r12\n  pushq %r13\n  pushq %r14\n  pushq %r15\n"
        "  pushq %r8\n"                  /* out; also makes the call 16-byte aligned */
        "  movq %rdi, %rax\n  movq %rsi, %rdi\n  movq %rdx, %rsi\n"
        "  leaq 0(%rcx), %rbx\n  leaq 1(%rcx), %rbp\n  leaq 2(%rcx), %r12\n"
        "  leaq 3(%rcx), %r13\n  leaq 4(%rcx), %r14\n  leaq 5(%rcx), %r15\n"
        "  callq *%rax\n"
        "  popq %r8\n"
        "  movq %rbx, 0(%r8)\n  movq %rbp, 8(%r8)\n  movq %r12, 16(%r8)\n"
        "  movq %r13, 24(%r8)\n  movq %r14, 32(%r8)\n  movq %r15, 40(%r8)\n"
        "  popq %r15\n  popq %r14\n  popq %r13\n  popq %r12\n  popq %rbx\n  popq %rbp\n  ret\n"
        ".size clobber_call, .-clobber_call\n");
#define HAVE_CLOBBER 1
#elif defined(__aarch64__)
/* x19..x28, x29 (frame pointer), then d8..d15: AAPCS64 keeps only their low 64 bits. */
enum { NREGS = 19 };
static const char *const reg_names[NREGS] = {"x19", "x20", "x21", "x22", "x23", "x24", "x25",
                                             "x26", "x27", "x28", "x29", "d8",  "d9",  "d10",
                                             "d11", "d12", "d13", "d14", "d15"};
__asm__(".text\n"
        ".globl clobber_call\n.type clobber_call,%function\nclobber_call:\n"
        "  stp x29, x30, [sp, #-176]!\n"
        "  stp x19, x20, [sp, #16]\n  stp x21, x22, [sp, #32]\n  stp x23, x24, [sp, #48]\n"
        "  stp x25, x26, [sp, #64]\n  stp x27, x28, [sp, #80]\n"
        "  stp d8, d9, [sp, #96]\n  stp d10, d11, [sp, #112]\n"
        "  stp d12, d13, [sp, #128]\n  stp d14, d15, [sp, #144]\n"
        "  str x4, [sp, #160]\n"         /* out */
        "  mov x9, x0\n  mov x0, x1\n  mov x1, x2\n"
        "  mov x19, x3\n  add x20, x3, #1\n  add x21, x3, #2\n  add x22, x3, #3\n"
        "  add x23, x3, #4\n  add x24, x3, #5\n  add x25, x3, #6\n  add x26, x3, #7\n"
        "  add x27, x3, #8\n  add x28, x3, #9\n  add x29, x3, #10\n"
        "  add x10, x3, #11\n  fmov d8, x10\n  add x10, x3, #12\n  fmov d9, x10\n"
        "  add x10, x3, #13\n  fmov d10, x10\n  add x10, x3, #14\n  fmov d11, x10\n"
        "  add x10, x3, #15\n  fmov d12, x10\n  add x10, x3, #16\n  fmov d13, x10\n"
        "  add x10, x3, #17\n  fmov d14, x10\n  add x10, x3, #18\n  fmov d15, x10\n"
        "  blr x9\n"
        "  ldr x4, [sp, #160]\n"
        "  stp x19, x20, [x4, #0]\n  stp x21, x22, [x4, #16]\n  stp x23, x24, [x4, #32]\n"
        "  stp x25, x26, [x4, #48]\n  stp x27, x28, [x4, #64]\n  str x29, [x4, #80]\n"
        "  str d8, [x4, #88]\n  stp d9, d10, [x4, #96]\n  stp d11, d12, [x4, #112]\n"
        "  stp d13, d14, [x4, #128]\n  str d15, [x4, #144]\n"
        "  ldp x19, x20, [sp, #16]\n  ldp x21, x22, [sp, #32]\n  ldp x23, x24, [sp, #48]\n"
        "  ldp x25, x26, [sp, #64]\n  ldp x27, x28, [sp, #80]\n"
        "  ldp d8, d9, [sp, #96]\n  ldp d10, d11, [sp, #112]\n"
        "  ldp d12, d13, [sp, #128]\n  ldp d14, d15, [sp, #144]\n"
        "  ldp x29, x30, [sp], #176\n  ret\n"
        ".size clobber_call, .-clobber_call\n");
#define HAVE_CLOBBER 1
#endif

static void do_switch(void *from, void *to) { cio__ctx_switch(from, to); }

#ifdef HAVE_CLOBBER
enum { REG_ROUNDS = 1000 };
static const uint64_t MAIN_SEED = 0x1111111111110000u, CO_SEED = 0x2222222222220000u;
static cio__ctx reg_co_ctx;
static int reg_co_bad;
static char reg_co_detail[128]; /* what the coroutine side saw go wrong */

static int regs_differ(const uint64_t *got, uint64_t seed, char *detail, size_t n)
{
    for (int i = 0; i < NREGS; i++)
        if (got[i] != seed + (uint64_t)i) {
            snprintf(detail, n, "%s holds %#llx after a switch, expected %#llx", reg_names[i],
                     (unsigned long long)got[i], (unsigned long long)(seed + (uint64_t)i));
            return 1;
        }
    return 0;
}

static void reg_co(void *arg)
{
    (void)arg;
    uint64_t got[NREGS];
    for (;;) {
        clobber_call(do_switch, &reg_co_ctx, &main_ctx, CO_SEED, got);
        if (regs_differ(got, CO_SEED, reg_co_detail, sizeof reg_co_detail)) reg_co_bad = 1;
    }
}

static void check_registers(void)
{
    phase = "callee-saved registers survive a switch";
    stack_area s = stack_new();
    cio__ctx_make(&reg_co_ctx, s.low, s.top, reg_co, NULL);
    uint64_t got[NREGS];
    char detail[160] = "";
    int bad = 0;
    for (int r = 0; r < REG_ROUNDS && !bad && !reg_co_bad; r++) {
        /* the first round enters the coroutine fresh, the others resume it */
        clobber_call(do_switch, &main_ctx, &reg_co_ctx, MAIN_SEED, got);
        bad = regs_differ(got, MAIN_SEED, detail, sizeof detail);
    }
    if (reg_co_bad && !bad) snprintf(detail, sizeof detail, "in the coroutine, %s", reg_co_detail);
    if (bad || reg_co_bad) fail(phase, detail);
    else {
        char msg[160];
        snprintf(msg, sizeof msg, "callee-saved registers (%s..%s, %d in all) survive %d switches",
                 reg_names[0], reg_names[NREGS - 1], NREGS, 2 * REG_ROUNDS);
        pass(msg);
    }
    stack_free(s);
}
#else
static void check_registers(void) { pass("callee-saved registers: no probe for this architecture, skipped"); }
#endif

/* The same check from C: many doubles live across switches must come back unchanged. */
enum { FP_ROUNDS = 2000 };
static cio__ctx fp_co_ctx;
static double fp_co_result;

__attribute__((noinline)) static double many_doubles(double seed, cio__ctx *self, cio__ctx *other)
{
    double a = seed, b = seed + 1, c = seed + 2, d = seed + 3, e = seed + 4, f = seed + 5,
           g = seed + 6, h = seed + 7, i = seed + 8, j = seed + 9, k = seed + 10, l = seed + 11;
    for (int r = 0; r < FP_ROUNDS; r++) {
        /* contracting and coupled: values stay finite, and a register corrupted by any
         * of the last switches changes the result by far more than rounding could */
        double x = seed * r; /* the two contexts must hold unlike values */
        a = a * 0.9 + b * 0.05 + x; b = b * 0.9 + c * 0.05 - x; c = c * 0.9 + d * 0.05 + x;
        d = d * 0.9 + e * 0.05 - x; e = e * 0.9 + f * 0.05 + x; f = f * 0.9 + g * 0.05 - x;
        g = g * 0.9 + h * 0.05 + x; h = h * 0.9 + i * 0.05 - x; i = i * 0.9 + j * 0.05 + x;
        j = j * 0.9 + k * 0.05 - x; k = k * 0.9 + l * 0.05 + x; l = l * 0.9 + a * 0.05 - x;
        if (self) cio__ctx_switch(self, other); /* all twelve are live across the switch */
    }
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j +
           11 * k + 12 * l;
}

static void fp_co(void *arg)
{
    (void)arg;
    fp_co_result = many_doubles(-7.25, &fp_co_ctx, &main_ctx);
    cio__ctx_switch(&fp_co_ctx, &main_ctx); /* finished: never resumed again */
}

static void check_live_doubles(void)
{
    phase = "live doubles across switches";
    stack_area s = stack_new();
    cio__ctx_make(&fp_co_ctx, s.low, s.top, fp_co, NULL);
    double want_main = many_doubles(3.5, NULL, NULL), want_co = many_doubles(-7.25, NULL, NULL);
    /* both sides switch FP_ROUNDS times, main first: when main's loop ends the coroutine
     * sits in its last switch, and one more switch lets it return its result */
    double got_main = many_doubles(3.5, &main_ctx, &fp_co_ctx);
    cio__ctx_switch(&main_ctx, &fp_co_ctx);
    char detail[160];
    if (got_main != want_main || fp_co_result != want_co) {
        snprintf(detail, sizeof detail, "main got %.17g (want %.17g), coroutine got %.17g (want %.17g)",
                 got_main, want_main, fp_co_result, want_co);
        fail(phase, detail);
    } else {
        pass("twelve live doubles in each of two contexts survive 4000 switches");
    }
    stack_free(s);
}

/* ---------------------------------------------------------------------------------- */
/* 3. The stack is 16-byte aligned at a coroutine's entry, whatever the top passed     */
/* ---------------------------------------------------------------------------------- */

/* The stack pointer at the call site: the ABI wants it 16-byte aligned at every call. */
uintptr_t caller_sp(void);
#if defined(__x86_64__)
__asm__(".text\n.globl caller_sp\n.type caller_sp,@function\ncaller_sp:\n"
        "  leaq 8(%rsp), %rax\n  ret\n.size caller_sp, .-caller_sp\n");
#elif defined(__aarch64__)
__asm__(".text\n.globl caller_sp\n.type caller_sp,%function\ncaller_sp:\n"
        "  mov x0, sp\n  ret\n.size caller_sp, .-caller_sp\n");
#else
uintptr_t caller_sp(void) { return 0; }
#endif

static cio__ctx align_ctx;
static char align_report[160];

__attribute__((noinline)) static uintptr_t addr_of(const void *p) { return (uintptr_t)p; }

static void align_entry(void *arg)
{
    (void)arg;
    /* the compiler places this at a 16-aligned offset from a stack it assumes aligned */
    __attribute__((aligned(16))) volatile double pair[2] = {1.0 / 3.0, 2.0 / 3.0};
    uintptr_t sp = caller_sp(), fp = (uintptr_t)__builtin_frame_address(0),
              local = addr_of((const void *)pair);
    char text[64]; /* a variadic callee given doubles may spill them with aligned stores */
    snprintf(text, sizeof text, "%.3f %.3f", pair[0], pair[1]);
    if (sp % 16 || fp % 16 || local % 16 || strcmp(text, "0.333 0.667") != 0)
        snprintf(align_report, sizeof align_report,
                 "sp %% 16 = %u, frame %% 16 = %u, aligned local %% 16 = %u, printf gave \"%s\"",
                 (unsigned)(sp % 16), (unsigned)(fp % 16), (unsigned)(local % 16), text);
    cio__ctx_switch(&align_ctx, &main_ctx);
}

static void check_alignment(void)
{
    phase = "16-byte stack alignment at coroutine entry";
    stack_area s = stack_new();
    char detail[240];
    int bad = 0;
    /* every misalignment of the top the caller might pass: context.c must round down */
    for (int off = 0; off < 16 && !bad; off++) {
        align_report[0] = '\0';
        cio__ctx_make(&align_ctx, s.low, s.top - off, align_entry, NULL);
        cio__ctx_switch(&main_ctx, &align_ctx);
        if (align_report[0]) {
            snprintf(detail, sizeof detail, "top %% 16 = %d: %s", (16 - off) % 16, align_report);
            bad = 1;
        }
    }
    if (bad) fail(phase, detail);
    else pass("stack 16-byte aligned at coroutine entry for all 16 offsets of the top");
    stack_free(s);
}

/* ---------------------------------------------------------------------------------- */
/* 4. Deep recursion uses most of a coroutine's stack, switching at the bottom          */
/* ---------------------------------------------------------------------------------- */

static cio__ctx deep_ctx;
static char *deep_top;
static size_t deep_used;
static long deep_result;

/* Each level keeps a 1 KiB buffer live, so the depth is bounded by the stack in bytes. */
__attribute__((noinline)) static long recurse(long depth)
{
    volatile char buf[1024];
    for (size_t i = 0; i < sizeof buf; i += 64) buf[i] = (char)(depth + (long)i);
    long below;
    size_t used = (size_t)(deep_top - (char *)buf);
    if (used < STACK_SIZE * 9 / 10) {
        below = recurse(depth + 1);
    } else {
        deep_used = used;
        cio__ctx_switch(&deep_ctx, &main_ctx); /* switch out and back in at full depth */
        below = 0;
    }
    for (size_t i = 0; i < sizeof buf; i += 64)
        if (buf[i] != (char)(depth + (long)i)) return -1000000; /* the frame was overwritten */
    return below < 0 ? below : below + depth;
}

static void deep_entry(void *arg)
{
    (void)arg;
    deep_result = recurse(1);
    cio__ctx_switch(&deep_ctx, &main_ctx);
}

static void check_deep_recursion(void)
{
    phase = "deep recursion inside a coroutine";
    stack_area s = stack_new();
    deep_top = s.top;
    deep_used = 0;
    deep_result = -1;
    cio__ctx_make(&deep_ctx, s.low, s.top, deep_entry, NULL);
    cio__ctx_switch(&main_ctx, &deep_ctx); /* returns at the deepest level */
    size_t used = deep_used;
    cio__ctx_switch(&main_ctx, &deep_ctx); /* unwinds and reports */
    /* the depth reached is unknown in advance; check the sum 1 + 2 + ... + depth */
    long depth = 0, sum = 0;
    while (sum < deep_result) sum += ++depth;
    char detail[160];
    if (used < STACK_SIZE * 9 / 10 || deep_result <= 0 || sum != deep_result) {
        snprintf(detail, sizeof detail, "used %zu of %d bytes, result %ld", used, STACK_SIZE,
                 deep_result);
        fail(phase, detail);
    } else {
        snprintf(detail, sizeof detail,
                 "deep recursion: %ld levels, %zu KiB of a %d KiB stack, frames intact",
                 depth, used / 1024, STACK_SIZE / 1024);
        pass(detail);
    }
    stack_free(s);
}

/* ---------------------------------------------------------------------------------- */
/* --bench: the cost of one round trip (two raw switches)                              */
/* ---------------------------------------------------------------------------------- */

static cio__ctx bench_ctx;

static void bench_entry(void *arg)
{
    (void)arg;
    for (;;) cio__ctx_switch(&bench_ctx, &main_ctx);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int bench(void)
{
    enum { RUNS = 7 };
    stack_area s = stack_new();
    cio__ctx_make(&bench_ctx, s.low, s.top, bench_entry, NULL);
    cio__ctx_switch(&main_ctx, &bench_ctx); /* warm up: enter the coroutine once */
    /* a switch costs from a few ns (asm) to microseconds (ucontext's system call on a
     * virtual machine): size each run to about 100 ms rather than to a fixed count */
    double t0 = now_ns();
    for (int i = 0; i < 1000; i++) cio__ctx_switch(&main_ctx, &bench_ctx);
    double probe = (now_ns() - t0) / 1000;
    long trips = (long)(1e8 / (probe > 0.5 ? probe : 0.5));
    double per_trip[RUNS];
    for (int r = 0; r < RUNS; r++) {
        t0 = now_ns();
        for (long i = 0; i < trips; i++) cio__ctx_switch(&main_ctx, &bench_ctx);
        per_trip[r] = (now_ns() - t0) / (double)trips;
    }
    qsort(per_trip, RUNS, sizeof per_trip[0], cmp_double);
    printf("%s %s: %.1f ns per round trip (%.1f ns per switch), median of %d runs of %ld "
           "(min %.1f, max %.1f)\n", ARCH, VARIANT, per_trip[RUNS / 2], per_trip[RUNS / 2] / 2,
           RUNS, trips, per_trip[0], per_trip[RUNS - 1]);
    stack_free(s);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    install_fault_handler();
    if (argc > 1 && strcmp(argv[1], "--bench") == 0)
        return bench();
    printf("switch_check: %s, %s switch\n", ARCH, VARIANT);
    check_ping_pong();
    check_registers();
    check_live_doubles();
    check_alignment();
    check_deep_recursion();
    if (failures) {
        printf("switch_check: %d check(s) FAILED (%s, %s)\n", failures, ARCH, VARIANT);
        return 1;
    }
    printf("switch_check: all checks passed (%s, %s)\n", ARCH, VARIANT);
    return 0;
}
