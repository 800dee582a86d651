/* tiny.S — smallest useful riscv64 program: seed for fuzz_elf (linked at
 * test time as static, static-pie and dynamic ELF files). */
    .text
    .globl _start
_start:
    la a0, buf
    lw a1, 0(a0)
    li a0, 0
    li a7, 93        /* exit */
    ecall

    .data
buf: .word 42
    .bss
    .space 8192
