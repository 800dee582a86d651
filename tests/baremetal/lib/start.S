/* start.S — reset entry, trap entries and mode switching of the bare-metal
 * tests (see bm.h for the conventions).
 *
 *   _start: save the reset state, stacks, mtvec/stvec (direct), mscratch
 *           and sscratch = the handlers' stacks, PMP entry 0 = all memory
 *           RWX (QEMU enforces PMP: without an entry S and U can access
 *           nothing), FS = Initial, clear .bss, main(), bm_exit(result)
 *
 *   trap entry (M; S is the same with the s-CSRs and SRET):
 *       swap sp with mscratch (the handler stack; 0 while a handler runs,
 *       so a trap inside a handler is caught as "nested"), save x1..x31
 *       in a frame, call m_trap(frame, vector), restore, MRET.  The C
 *       handler may change the frame (return values) and mepc.
 *   vectored tables (m_vectors, s_vectors): 16 entries, entry n jumps to
 *       a stub that enters the common path with vector = n.
 */
#define FRAME (32 * 8)

    .macro SAVE_REGS
    sd x1, 1*8(sp)
    sd x3, 3*8(sp)
    sd x4, 4*8(sp)
    sd x5, 5*8(sp)
    sd x6, 6*8(sp)
    sd x7, 7*8(sp)
    sd x8, 8*8(sp)
    sd x9, 9*8(sp)
    sd x10, 10*8(sp)
    sd x11, 11*8(sp)
    sd x12, 12*8(sp)
    sd x13, 13*8(sp)
    sd x14, 14*8(sp)
    sd x15, 15*8(sp)
    sd x16, 16*8(sp)
    sd x17, 17*8(sp)
    sd x18, 18*8(sp)
    sd x19, 19*8(sp)
    sd x20, 20*8(sp)
    sd x21, 21*8(sp)
    sd x22, 22*8(sp)
    sd x23, 23*8(sp)
    sd x24, 24*8(sp)
    sd x25, 25*8(sp)
    sd x26, 26*8(sp)
    sd x27, 27*8(sp)
    sd x28, 28*8(sp)
    sd x29, 29*8(sp)
    sd x30, 30*8(sp)
    sd x31, 31*8(sp)
    .endm

    .macro RESTORE_REGS
    ld x1, 1*8(sp)
    ld x3, 3*8(sp)
    ld x4, 4*8(sp)
    ld x5, 5*8(sp)
    ld x6, 6*8(sp)
    ld x7, 7*8(sp)
    ld x8, 8*8(sp)
    ld x9, 9*8(sp)
    ld x10, 10*8(sp)
    ld x11, 11*8(sp)
    ld x12, 12*8(sp)
    ld x13, 13*8(sp)
    ld x14, 14*8(sp)
    ld x15, 15*8(sp)
    ld x16, 16*8(sp)
    ld x17, 17*8(sp)
    ld x18, 18*8(sp)
    ld x19, 19*8(sp)
    ld x20, 20*8(sp)
    ld x21, 21*8(sp)
    ld x22, 22*8(sp)
    ld x23, 23*8(sp)
    ld x24, 24*8(sp)
    ld x25, 25*8(sp)
    ld x26, 26*8(sp)
    ld x27, 27*8(sp)
    ld x28, 28*8(sp)
    ld x29, 29*8(sp)
    ld x30, 30*8(sp)
    ld x31, 31*8(sp)
    ld x2, 2*8(sp)
    .endm

    /* ENTER x: sp = handler stack, frame saved, x-scratch = 0 */
    .macro ENTER scratch, nested
    csrrw sp, \scratch, sp
    beqz sp, \nested
    addi sp, sp, -FRAME
    SAVE_REGS
    csrr t0, \scratch
    sd t0, 2*8(sp)
    csrw \scratch, zero
    .endm

    .section .text.init, "ax"
    .globl _start
_start:
    /* the reset state, before anything changes it */
    la t0, boot_a0
    sd a0, 0(t0)
    la t0, boot_a1
    sd a1, 0(t0)
    la t0, boot_mstatus
    csrr t1, mstatus
    sd t1, 0(t0)
    la t0, boot_mie
    csrr t1, mie
    sd t1, 0(t0)
    la t0, boot_mip
    csrr t1, mip
    sd t1, 0(t0)
    la t0, boot_satp
    csrr t1, satp
    sd t1, 0(t0)
    la t0, boot_medeleg
    csrr t1, medeleg
    sd t1, 0(t0)
    la t0, boot_mideleg
    csrr t1, mideleg
    sd t1, 0(t0)

    la sp, m_stack_top
    la t0, m_trap_entry
    csrw mtvec, t0
    la t0, m_trap_stack_top
    csrw mscratch, t0
    la t0, s_trap_entry
    csrw stvec, t0
    la t0, s_trap_stack_top
    csrw sscratch, t0
    /* PMP entry 0: NAPOT over the whole address space, R W X */
    li t0, -1
    srli t0, t0, 10
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    /* FS = Initial: C code may use the FP registers */
    li t0, 1 << 13
    csrs mstatus, t0
    /* clear .bss (it holds the stacks too: do it without calls) */
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:
    call main
    call bm_exit

/* ---- M-mode trap entry ---------------------------------------------------- */
    .text
    .align 8
    .globl m_trap_entry
m_trap_entry:
    ENTER mscratch, m_nested
    li a1, -1
m_trap_common:
    mv a0, sp
    call m_trap
    addi t0, sp, FRAME
    csrw mscratch, t0
    RESTORE_REGS
    mret

m_nested:
    /* a trap while the M handler ran: report and stop */
    la sp, nested_stack_top
    call m_nested_trap

    .macro MSTUB n
m_vec_\n:
    ENTER mscratch, m_nested
    li a1, \n
    j m_trap_common
    .endm
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    MSTUB \n
    .endr

    .align 8
    .globl m_vectors
m_vectors:
    .option push
    .option norvc           /* 4-byte entries */
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j m_vec_\n
    .endr
    .option pop

/* ---- S-mode trap entry ---------------------------------------------------- */
    .align 8
    .globl s_trap_entry
s_trap_entry:
    ENTER sscratch, s_nested
    li a1, -1
s_trap_common:
    mv a0, sp
    call s_trap
    addi t0, sp, FRAME
    csrw sscratch, t0
    RESTORE_REGS
    sret

s_nested:
    la sp, nested_stack_top
    call s_nested_trap

    .macro SSTUB n
s_vec_\n:
    ENTER sscratch, s_nested
    li a1, \n
    j s_trap_common
    .endm
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    SSTUB \n
    .endr

    .align 8
    .globl s_vectors
s_vectors:
    .option push
    .option norvc           /* 4-byte entries */
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j s_vec_\n
    .endr
    .option pop

/* ---- running code in S and U ---------------------------------------------- */

/* uint64_t run_in(int mode, void *fn, uint64_t arg, uint64_t sp): MRET
 * into fn with MPP = mode.
 * uint64_t sret_to(void *fn, uint64_t arg): SRET into fn (from M or S),
 * to whatever mode SPP names, on a stack below the caller's. */
    .globl run_in
run_in:
    mv t3, a0
    li t2, 0
    j 1f
    .globl sret_to
sret_to:
    mv a2, a1
    mv a1, a0
    li a3, 0
    li t2, 1
1:  addi sp, sp, -112
    sd ra, 0(sp)
    sd s0, 8(sp)
    sd s1, 16(sp)
    sd s2, 24(sp)
    sd s3, 32(sp)
    sd s4, 40(sp)
    sd s5, 48(sp)
    sd s6, 56(sp)
    sd s7, 64(sp)
    sd s8, 72(sp)
    sd s9, 80(sp)
    sd s10, 88(sp)
    sd s11, 96(sp)
    la t0, run_in_saved_sp
    sd sp, 0(t0)
    mv a0, a2
    bnez a3, 2f
    addi a3, sp, -256
2:  mv sp, a3
    la ra, run_in_exit
    bnez t2, 3f
    li t0, 3 << 11
    csrc mstatus, t0
    slli t1, t3, 11
    csrs mstatus, t1
    li t0, 1 << 17          /* MPRV off: run_in is no MPRV test */
    csrc mstatus, t0
    csrw mepc, a1
    mret
3:  csrw sepc, a1
    sret

    .globl run_in_exit
run_in_exit:
    li a7, 0x5e7e0001
    ecall
    /* the handlers never come back here */
1:  j 1b

    .globl run_in_resume
run_in_resume:
    /* entered by the M handler, in M, with a0 = fn's result */
    la t0, run_in_saved_sp
    ld sp, 0(t0)
    ld ra, 0(sp)
    ld s0, 8(sp)
    ld s1, 16(sp)
    ld s2, 24(sp)
    ld s3, 32(sp)
    ld s4, 40(sp)
    ld s5, 48(sp)
    ld s6, 56(sp)
    ld s7, 64(sp)
    ld s8, 72(sp)
    ld s9, 80(sp)
    ld s10, 88(sp)
    ld s11, 96(sp)
    addi sp, sp, 112
    ret

/* The S handler's way back to M when ECALL from S is delegated: an
 * illegal instruction the M handler recognises by its address. */
    .globl s_forward_illegal
s_forward_illegal:
    .word 0
1:  j 1b

    .globl whoami
whoami:
    li a7, 0x5e7e0002
    ecall
    ret

/* ---- stacks --------------------------------------------------------------- */
    .bss
    .align 4
    .globl run_in_saved_sp
run_in_saved_sp: .space 8
    .align 12
m_stack: .space 16384
    .globl m_stack_top
m_stack_top:
    .space 8192
    .globl m_trap_stack_top
m_trap_stack_top:
    .space 8192
    .globl s_trap_stack_top
s_trap_stack_top:
    .space 4096
nested_stack_top:
