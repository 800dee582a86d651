# user_dynamic.gdb — a dynamically linked PIE (with -L and gdb's sysroot):
# gdb finds the load addresses from the auxiliary vector (qXfer:auxv:read)
# and the shared libraries from the dynamic linker's list.  Run against
# vplat and qemu-riscv64 -g; the transcripts must agree once addresses,
# which differ between the two, are masked (tests/gdb/run.sh).
set pagination off
set confirm off
set width 0
set sysroot @SYSROOT@
file @PROG@
target remote 127.0.0.1:@PORT@
break sum_squares
continue
bt
info sharedlibrary
printf "printf-resolved %d\n", (long)&printf != 0
finish
continue
