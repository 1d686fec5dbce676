/*
 * switch_aarch64.S — the context switch of cio on aarch64 (AAPCS64).
 *
 * Callee-saved are x19–x28, the frame pointer x29, the link register x30 and the low
 * halves of v8–v15 (d8–d15). cio__switch stores them in a 160-byte frame on the old
 * stack, swaps stack pointers and loads them back from the new one; `ret` jumps to the
 * new task's x30. No system call.
 */
#if defined(__aarch64__) && !defined(CIO_UCONTEXT)

    .text

/* void cio__switch(void **save_sp, void *load_sp) */
    .globl  cio__switch
    .hidden cio__switch
    .type   cio__switch, %function
cio__switch:
    sub     sp, sp, #160
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    stp     d8,  d9,  [sp, #96]
    stp     d10, d11, [sp, #112]
    stp     d12, d13, [sp, #128]
    stp     d14, d15, [sp, #144]
    mov     x2, sp
    str     x2, [x0]                /* the old context is complete */
    mov     sp, x1                  /* from here on we are on the new stack */
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    ldp     d8,  d9,  [sp, #96]
    ldp     d10, d11, [sp, #112]
    ldp     d12, d13, [sp, #128]
    ldp     d14, d15, [sp, #144]
    add     sp, sp, #160
    ret
    .size   cio__switch, .-cio__switch

/* A new task's first return address: entry(arg), kept in x20 and x19 by cio__ctx_make. */
    .globl  cio__start
    .hidden cio__start
    .type   cio__start, %function
cio__start:
    mov     x0, x19
    blr     x20
    brk     #0
    .size   cio__start, .-cio__start

#endif

    .section .note.GNU-stack,"",%progbits
