/*
 * switch_x86_64.S — the context switch of cio on x86-64 (System V ABI).
 *
 * A task's saved context is its stack pointer; below it lie the six callee-saved
 * registers and the return address. Switching is: push them, swap stack pointers, pop
 * them, return — on the new stack, into the new task. No system call, ~20 instructions.
 */
#if defined(__x86_64__) && !defined(CIO_UCONTEXT)

    .text

/* void cio__switch(void **save_sp, void *load_sp) */
    .globl  cio__switch
    .hidden cio__switch
    .type   cio__switch, @function
cio__switch:
    .cfi_startproc
    pushq   %rbp
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    movq    %rsp, (%rdi)        /* the old context is complete */
    movq    %rsi, %rsp          /* from here on we are on the new stack */
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbx
    popq    %rbp
    ret                         /* into the new task where it last called cio__switch */
    .cfi_endproc
    .size   cio__switch, .-cio__switch

/* A new task's first "return address": call entry(arg), kept in r13 and r12 by
 * cio__ctx_make. entry never returns (a finished task switches away for good). */
    .globl  cio__start
    .hidden cio__start
    .type   cio__start, @function
cio__start:
    .cfi_startproc
    .cfi_undefined rip          /* the outermost frame: debuggers stop unwinding here */
    movq    %r12, %rdi
    callq   *%r13
    ud2
    .cfi_endproc
    .size   cio__start, .-cio__start

#endif

    .section .note.GNU-stack,"",@progbits
