# user_interrupt.gdb — Ctrl-C: run.sh sends gdb SIGINT once READY shows,
# while the program spins; then kill.
set pagination off
set confirm off
file @PROG@
target remote 127.0.0.1:@PORT@
echo READY-TO-INTERRUPT\n
continue
printf "spun %d\n", counter > 0
info symbol $pc
kill
