/*
 * context.h — saving and restoring a coroutine's registers.
 *
 * On x86-64 and aarch64 a context is one saved stack pointer: cio__switch (in
 * switch_<arch>.S) pushes the callee-saved registers on the old stack, stores the stack
 * pointer, loads the new one and pops. That is all a switch needs, because the C
 * calling convention already makes the caller save every other register. Elsewhere, or
 * when built with -DCIO_UCONTEXT, ucontext is used instead: portable but slow, since
 * swapcontext makes an rt_sigprocmask system call on every switch (the fallback half of context.c).
 * Not saved: the floating-point control words (MXCSR, FPCR) — cio never changes them.
 */
#ifndef CIO_CONTEXT_H
#define CIO_CONTEXT_H

#include <stddef.h>

#if defined(CIO_UCONTEXT) || !(defined(__x86_64__) || defined(__aarch64__))
#define CIO_USE_UCONTEXT 1
#include <ucontext.h>
#endif

typedef struct cio__stack cio__stack;

/** A suspended flow of control. */
typedef struct cio__ctx {
#ifdef CIO_USE_UCONTEXT
    ucontext_t uc; /**< the whole register file and signal mask (fallback only) */
#else
    void *sp;      /**< stack pointer with the callee-saved registers pushed below it */
#endif
} cio__ctx;

/** Prepare @p c so that switching to it calls entry(arg) on the stack [low, top). */
void cio__ctx_make(cio__ctx *c, void *low, void *top, void (*entry)(void *), void *arg);

#ifdef CIO_USE_UCONTEXT
void cio__ctx_switch(cio__ctx *from, cio__ctx *to);
#else
/* Save the running context's registers into *save_sp, resume the one at load_sp. */
void cio__switch(void **save_sp, void *load_sp);
static inline void cio__ctx_switch(cio__ctx *from, cio__ctx *to) { cio__switch(&from->sp, to->sp); }
#endif

#endif /* CIO_CONTEXT_H */
