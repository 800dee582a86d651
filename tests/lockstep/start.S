/* start.S — entry for the freestanding lockstep programs.
 *
 * glibc's startup reads AT_RANDOM (fresh random bytes on every run, even
 * under qemu) into the stack guard, so a libc program's register trace is
 * never reproducible.  These programs avoid libc: _start's first
 * instruction overwrites sp (the loader's initial sp depends on the
 * environment size and the emulator's stack placement, so lockstep.py is
 * run with --skip 1), sets gp for linker relaxation, calls main, and exits
 * with main's return value.
 */
    .text
    .globl _start
_start:
    la      sp, stack_top
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    li      a0, 0
    li      a1, 0
    call    main
    li      a7, 93          /* exit */
    ecall

    .globl sys_write
sys_write:                  /* long sys_write(int fd, const void *buf, long len) */
    li      a7, 64
    ecall
    ret

    .bss
    .balign 16
    .space  16384
stack_top:
