/*
 * stack.c — coroutine stacks: a pool of fixed-size slots carved from large mappings.
 *
 * Spawning must not cost a system call or a fresh page when a task follows a finished
 * one, so freed stacks go back to a LIFO free list and are reused warm. Slots come from
 * chunks of 64 stacks mapped with MAP_NORESERVE: only pages a task touches cost memory.
 * Overflow is caught two ways, because a guard page costs a kernel mapping each and the
 * default vm.max_map_count (65530) must still allow a million tasks: the first
 * GUARDED_STACKS slots get a PROT_NONE guard page (an overflow faults at once and the
 * SIGSEGV handler names the task); the others rely on a canary checked on every switch.
 * A slot overflowing runs into the top of the slot below it, so every slot keeps, at its
 * very top, the canary that guards the slot above — in the page its own descriptor has
 * already touched, so the canary costs no memory (a canary at a stack's own bottom would
 * cost a second page per task). Slot 0 of each chunk is a spacer that only holds one.
 *
 *   slot k-1:  [ ... stack ... | task | descriptor | canary ]  slot k: [ ... stack ...
 *                                                    ^ guards slot k
 */
#include "core.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Valgrind takes a jump of the stack pointer between two neighbouring stacks for a huge
 * stack frame and flags every access in between; registering each stack tells it the
 * truth. The client requests cost a few instructions and do nothing outside Valgrind.
 * The header ships with Valgrind itself, so it may be missing: then there is nothing to do. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CIO_VALGRIND 1
#endif
#endif

enum {
    STACKS_PER_CHUNK = 128,    /* slot 0 is the spacer: 127 usable stacks per mapping */
    GUARDED_STACKS   = 8192,   /* 2 mappings each: 16k of the 65530 allowed */
    CANARY_WORDS     = 8,      /* 64 bytes at the top of every slot */
    ALTSTACK_SIZE    = 64 * 1024,
};

/** One stack slot. The descriptor lives at the top of its own slot. */
struct cio__stack {
    char       *low;     /**< lowest address of the slot (its guard page, if guarded) */
    size_t      size;    /**< bytes in the slot, descriptor included */
    bool        guarded; /**< the lowest page is PROT_NONE; else the canary below it is checked */
    unsigned    vg_id;   /**< Valgrind's id for this stack (0 when not built with its header) */
    cio__stack *next;    /**< next free stack while in the pool */
};

/** One mapping holding STACKS_PER_CHUNK slots. */
typedef struct chunk {
    char  *base; /**< start of the mapping */
    size_t len;  /**< its length */
} chunk;

#define CANARY 0xc10c10c10c10c10cull

static struct {
    cio__stack *free;       /* LIFO of free slots: the warmest first */
    size_t      slot_size;  /* size of every slot in this run (pool is reset per run) */
    chunk      *chunks;     /* every mapping, for munmap at the end of the run */
    size_t      nchunks;    /* how many */
    size_t      cap;        /* allocated entries in chunks */
    char       *carve;      /* next uncarved slot in the newest chunk */
    size_t      carve_left; /* slots left there */
    size_t      guarded;    /* slots given a guard page so far */
    size_t      page;       /* the page size */
} pool;

static uint64_t *canary_of_slot_below(const char *low) { return (uint64_t *)(low - CANARY_WORDS * 8); }

static void write_canary(char *slot_top)
{
    uint64_t *c = (uint64_t *)(slot_top - CANARY_WORDS * 8);
    for (int i = 0; i < CANARY_WORDS; i++) c[i] = CANARY;
}

static size_t page_size(void)
{
    if (!pool.page) pool.page = (size_t)sysconf(_SC_PAGESIZE);
    return pool.page;
}

static bool new_chunk(void)
{
    size_t len = pool.slot_size * STACKS_PER_CHUNK;
    char *base = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return false;
    if (pool.nchunks == pool.cap) {
        size_t cap = pool.cap ? pool.cap * 2 : 64;
        chunk *c = realloc(pool.chunks, cap * sizeof *c);
        if (!c) { munmap(base, len); return false; }
        pool.chunks = c;
        pool.cap = cap;
    }
    pool.chunks[pool.nchunks++] = (chunk){base, len};
    write_canary(base + pool.slot_size); /* the spacer: guards slot 1 */
    pool.carve = base + pool.slot_size;
    pool.carve_left = STACKS_PER_CHUNK - 1;
    return true;
}

cio__stack *cio__stack_get(size_t size)
{
    size_t pg = page_size();
    size = (size + pg - 1) & ~(pg - 1);
    if (size < 4 * pg) size = 4 * pg;
    if (pool.slot_size != size) {
        if (pool.nchunks) cio__panic("stack size changed while stacks are in use");
        pool.slot_size = size;
    }
    cio__stack *s = pool.free;
    if (s) {
        pool.free = s->next;
        return s;
    }
    if (!pool.carve_left && !new_chunk()) return NULL;
    char *low = pool.carve;
    pool.carve += size;
    pool.carve_left--;
    write_canary(low + size);
    s = (cio__stack *)(low + size - CANARY_WORDS * 8 - sizeof(cio__stack));
    s->low = low;
    s->size = size;
    s->guarded = pool.guarded < GUARDED_STACKS && mprotect(low, pg, PROT_NONE) == 0;
    if (s->guarded) pool.guarded++;
#ifdef CIO_VALGRIND
    s->vg_id = VALGRIND_STACK_REGISTER(low + (s->guarded ? pg : 0), (char *)s);
#else
    s->vg_id = 0;
#endif
    return s;
}

void cio__stack_put(cio__stack *s)
{
    s->next = pool.free;
    pool.free = s;
}

void *cio__stack_top(cio__stack *s) { return (void *)((uintptr_t)s & ~(uintptr_t)63); }
void *cio__stack_low(cio__stack *s) { return s->low + (s->guarded ? page_size() : 0); }
size_t cio__stack_size(const cio__stack *s) { return s->size; }

void cio__stack_check(cio__stack *s, const char *task_name)
{
    if (s->guarded) return;
    const uint64_t *c = canary_of_slot_below(s->low);
    uint64_t bad = 0;
    for (int i = 0; i < CANARY_WORDS; i++) bad |= c[i] ^ CANARY;
    if (bad)
            cio__panic("stack overflow in task '%s': its %zu KiB stack was too small "
                       "(deep recursion or a large local array?); memory next to it may be "
                       "damaged. Raise cio_config.stack_size.", task_name, s->size / 1024);
}

void cio__stacks_release_all(void)
{
#ifdef CIO_VALGRIND
    /* Every carved slot but the spacers holds a descriptor with its Valgrind id. */
    if (RUNNING_ON_VALGRIND) {
        for (size_t i = 0; i < pool.nchunks; i++) {
            char *end = pool.chunks[i].base + pool.chunks[i].len;
            for (char *top = pool.chunks[i].base + 2 * pool.slot_size; top <= end; top += pool.slot_size) {
                if (pool.carve && top > pool.carve && i == pool.nchunks - 1) break;
                cio__stack *s = (cio__stack *)(top - CANARY_WORDS * 8 - sizeof(cio__stack));
                VALGRIND_STACK_DEREGISTER(s->vg_id);
            }
        }
    }
#endif
    for (size_t i = 0; i < pool.nchunks; i++) munmap(pool.chunks[i].base, pool.chunks[i].len);
    free(pool.chunks);
    size_t page = pool.page;
    memset(&pool, 0, sizeof pool);
    pool.page = page;
}

/* ---------------------------------------------------------------------------------- */
/* Naming the task whose stack overflowed into its guard page                         */
/* ---------------------------------------------------------------------------------- */

static struct sigaction old_segv, old_bus; /* restored at the end of the run */
static stack_t          old_altstack;     /* the thread's alternate stack before ours */
static void            *altstack;         /* ours: the overflowing stack cannot be used */

/* Only async-signal-safe calls here: write(2), no stdio. */
static void put(const char *s) { ssize_t r = write(STDERR_FILENO, s, strlen(s)); (void)r; }

static void on_fault(int sig, siginfo_t *si, void *uctx)
{
    cio_task *t = cio__L.current;
    char *addr = si->si_addr;
    if (t && t->stack && addr >= t->stack->low - t->stack->size &&
        addr < t->stack->low + page_size()) {
        put("cio: stack overflow in task '");
        put(t->name);
        put("': it used more than its stack (raise cio_config.stack_size, or avoid deep "
            "recursion and large local arrays)\n");
        signal(sig, SIG_DFL);
        return; /* the faulting instruction runs again and the default action stops us */
    }
    /* Not ours: give the fault to whoever handled it before cio_run (e.g. a test framework). */
    struct sigaction *old = sig == SIGSEGV ? &old_segv : &old_bus;
    sigaction(sig, old, NULL);
    if (old->sa_flags & SA_SIGINFO && old->sa_sigaction) old->sa_sigaction(sig, si, uctx);
    else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) old->sa_handler(sig);
}

void cio__stacks_install_guard_handler(void)
{
    altstack = malloc(ALTSTACK_SIZE);
    if (!altstack) return;
    stack_t ss = {.ss_sp = altstack, .ss_size = ALTSTACK_SIZE, .ss_flags = 0};
    sigaltstack(&ss, &old_altstack);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
}

void cio__stacks_remove_guard_handler(void)
{
    if (!altstack) return;
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    sigaltstack(&old_altstack, NULL);
    free(altstack);
    altstack = NULL;
}
