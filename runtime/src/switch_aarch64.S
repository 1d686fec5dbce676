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
    .cfi_startproc
    /* The CFI lets a debugger or profiler stopped in here unwind. It stays true across
     * the stack swap, because both stacks hold the same frame at the same offsets. */
    sub     sp, sp, #160;           .cfi_def_cfa_offset 160
    stp     x19, x20, [sp, #0];     .cfi_rel_offset x19, 0;   .cfi_rel_offset x20, 8
    stp     x21, x22, [sp, #16];    .cfi_rel_offset x21, 16;  .cfi_rel_offset x22, 24
    stp     x23, x24, [sp, #32];    .cfi_rel_offset x23, 32;  .cfi_rel_offset x24, 40
    stp     x25, x26, [sp, #48];    .cfi_rel_offset x25, 48;  .cfi_rel_offset x26, 56
    stp     x27, x28, [sp, #64];    .cfi_rel_offset x27, 64;  .cfi_rel_offset x28, 72
    stp     x29, x30, [sp, #80];    .cfi_rel_offset x29, 80;  .cfi_rel_offset x30, 88
    stp     d8,  d9,  [sp, #96];    .cfi_rel_offset d8, 96;   .cfi_rel_offset d9, 104
    stp     d10, d11, [sp, #112];   .cfi_rel_offset d10, 112; .cfi_rel_offset d11, 120
    stp     d12, d13, [sp, #128];   .cfi_rel_offset d12, 128; .cfi_rel_offset d13, 136
    stp     d14, d15, [sp, #144];   .cfi_rel_offset d14, 144; .cfi_rel_offset d15, 152
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
    add     sp, sp, #160;           .cfi_def_cfa_offset 0
    /* the frame is now below sp, where a signal may overwrite it: the registers hold it */
    .cfi_restore x19; .cfi_restore x20; .cfi_restore x21; .cfi_restore x22; .cfi_restore x23
    .cfi_restore x24; .cfi_restore x25; .cfi_restore x26; .cfi_restore x27; .cfi_restore x28
    .cfi_restore x29; .cfi_restore x30; .cfi_restore d8;  .cfi_restore d9;  .cfi_restore d10
    .cfi_restore d11; .cfi_restore d12; .cfi_restore d13; .cfi_restore d14; .cfi_restore d15
    ret
    .cfi_endproc
    .size   cio__switch, .-cio__switch

/* A new task's first return address: entry(arg), kept in x20 and x19 by cio__ctx_make. */
    .globl  cio__start
    .hidden cio__start
    .type   cio__start, %function
cio__start:
    .cfi_startproc
    .cfi_undefined x30              /* the outermost frame: debuggers stop unwinding here */
    mov     x0, x19
    blr     x20
    brk     #0
    .cfi_endproc
    .size   cio__start, .-cio__start

#endif

    .section .note.GNU-stack,"",%progbits
