/*
 * context.c — building a new coroutine's first context, for the assembly switch or
 * for the ucontext fallback. The assembly's frame layout is described here, next to
 * the code that must match it (switch_x86_64.S, switch_aarch64.S).
 */
#include "context.h"
#include "internal.h"

#include <stdint.h>
#include <string.h>

#ifndef CIO_USE_UCONTEXT

void cio__start(void);

void cio__ctx_make(cio__ctx *c, void *low, void *top, void (*entry)(void *), void *arg)
{
    (void)low;
    uintptr_t t = (uintptr_t)top & ~(uintptr_t)15;
#if defined(__x86_64__)
    /* Popped by cio__switch in this order: r15 r14 r13 r12 rbx rbp, then `ret` pops
     * cio__start. After that rsp = frame + 56, which must be 16-aligned so that
     * cio__start's `call` leaves the callee the ABI's alignment (rsp % 16 == 8). */
    uintptr_t *frame = (uintptr_t *)(t - 72);
    memset(frame, 0, 72);
    frame[2] = (uintptr_t)entry;      /* r13 */
    frame[3] = (uintptr_t)arg;        /* r12 */
    frame[6] = (uintptr_t)cio__start; /* return address */
#elif defined(__aarch64__)
    /* The 160-byte frame of cio__switch: x19 x20 ... x29 x30 d8..d15. */
    uintptr_t *frame = (uintptr_t *)(t - 160);
    memset(frame, 0, 160);
    frame[0]  = (uintptr_t)arg;        /* x19 */
    frame[1]  = (uintptr_t)entry;      /* x20 */
    frame[11] = (uintptr_t)cio__start; /* x30: where `ret` goes */
#endif
    c->sp = frame;
}

#else /* CIO_USE_UCONTEXT */

/* makecontext passes int arguments only: split the pointers in two halves. The shifts
 * go in two steps of 16 because this fallback is the only switch on 32-bit machines,
 * where a shift by 32 would be undefined; there the high halves are simply 0. */
static void uc_entry(unsigned lo_entry, unsigned hi_entry, unsigned lo_arg, unsigned hi_arg)
{
    void (*entry)(void *) = (void (*)(void *))(((uintptr_t)hi_entry << 16 << 16) | lo_entry);
    void *arg = (void *)(((uintptr_t)hi_arg << 16 << 16) | lo_arg);
    entry(arg);
    cio__panic("a coroutine's entry returned");
}

void cio__ctx_make(cio__ctx *c, void *low, void *top, void (*entry)(void *), void *arg)
{
    if (getcontext(&c->uc) != 0) cio__panic("getcontext failed");
    c->uc.uc_stack.ss_sp = low;
    c->uc.uc_stack.ss_size = (size_t)((char *)top - (char *)low);
    c->uc.uc_link = NULL;
    uintptr_t e = (uintptr_t)entry, a = (uintptr_t)arg;
    makecontext(&c->uc, (void (*)(void))uc_entry, 4, (unsigned)e, (unsigned)(e >> 16 >> 16),
                (unsigned)a, (unsigned)(a >> 16 >> 16));
}

void cio__ctx_switch(cio__ctx *from, cio__ctx *to)
{
    if (swapcontext(&from->uc, &to->uc) != 0) cio__panic("swapcontext failed");
}

#endif
