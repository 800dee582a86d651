# user_common.gdb — run against vplat and against qemu-riscv64 -g; the two
# transcripts must agree (tests/gdb/run.sh).  @NAME@ are filled in by run.sh.
set pagination off
set confirm off
set width 0
file @PROG@
target remote 127.0.0.1:@PORT@
# -g stops before the first instruction: the ELF entry
printf "entry %d\n", $pc == (long)&_start
# one stepi per instruction: 2-byte, 4-byte, 2-byte
break *mixed
continue
printf "mixed+%d\n", $pc - (long)&mixed
stepi
printf "mixed+%d\n", $pc - (long)&mixed
stepi
printf "mixed+%d\n", $pc - (long)&mixed
stepi
printf "mixed+%d a0=%d\n", $pc - (long)&mixed, $a0
# source-level stepping
break sum_squares
continue
next
next
step
bt
finish
info registers pc a0 ra gp
p counter
# registers and memory, read and written
set var $t1 = 0x1234abcd
p/x $t1
p table
set var table[2] = 77
p table
x/4xg &table
set var *(int *)&table[3] = -1
p/x table[3]
p $fflags
p $frm
p/x $ft0
# to a line: the return of sum_squares
tbreak @LINE_RETURN@
continue
info locals
# to the end: the exit status is 55 (gdb prints it in octal)
delete
continue
