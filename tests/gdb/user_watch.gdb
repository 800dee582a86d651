# user_watch.gdb — watchpoints, vplat only (qemu-riscv64 7.2's stub has no
# watchpoints in user mode).  Expected values come from the program: the
# loop stores 1, 5, 14, ... into counter, main reads table[1] = 0x2222.
set pagination off
set confirm off
set width 0
file @PROG@
target remote 127.0.0.1:@PORT@
break sum_squares
continue
watch counter
continue
set $w1 = $pc
continue
printf "watch-same-pc %d counter %d\n", $pc == $w1, counter
delete
# find the same place by single-stepping until the value changes
while counter == 5
  stepi
end
printf "step-same-pc %d counter %d\n", $pc == $w1, counter
awatch counter
continue
printf "awatch-same-pc %d counter %d\n", $pc == $w1, counter
delete
rwatch table[1]
continue
info line *$pc
delete
continue
