# user_signal.gdb — a guest signal stops the program first, as under
# ptrace: "Program received signal ...", a backtrace from the fault, then
# gdb passes the signal on and the program dies of it.  Run with the
# program's argument "segv" and "abort", against vplat and qemu-riscv64 -g;
# the transcripts must agree (tests/gdb/run.sh).
set pagination off
set confirm off
set width 0
file @PROG@
target remote 127.0.0.1:@PORT@
continue
bt
info registers pc
continue
