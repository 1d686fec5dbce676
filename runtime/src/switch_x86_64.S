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
    /* The CFI lets a debugger or profiler stopped in here unwind. It stays true across
     * the stack swap, because both stacks hold the same frame at the same offsets. */
    pushq   %rbp;  .cfi_adjust_cfa_offset 8;  .cfi_rel_offset rbp, 0
    pushq   %rbx;  .cfi_adjust_cfa_offset 8;  .cfi_rel_offset rbx, 0
    pushq   %r12;  .cfi_adjust_cfa_offset 8;  .cfi_rel_offset r12, 0
    pushq   %r13;  .cfi_adjust_cfa_offset 8;  .cfi_rel_offset r13, 0
    pushq   %r14;  .cfi_adjust_cfa_offset 8;  .cfi_rel_offset r14, 0
    pushq   %r15;  .cfi_adjust_cfa_offset 8;  .cfi_rel_offset r15, 0
    movq    %rsp, (%rdi)        /* the old context is complete */
    movq    %rsi, %rsp          /* from here on we are on the new stack */
    popq    %r15;  .cfi_adjust_cfa_offset -8; .cfi_restore r15
    popq    %r14;  .cfi_adjust_cfa_offset -8; .cfi_restore r14
    popq    %r13;  .cfi_adjust_cfa_offset -8; .cfi_restore r13
    popq    %r12;  .cfi_adjust_cfa_offset -8; .cfi_restore r12
    popq    %rbx;  .cfi_adjust_cfa_offset -8; .cfi_restore rbx
    popq    %rbp;  .cfi_adjust_cfa_offset -8; .cfi_restore rbp
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
