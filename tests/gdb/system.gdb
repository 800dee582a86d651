# system.gdb — Linux on the virt board, run against vplat and against
# qemu-system-riscv64 -S -gdb; the transcripts up to READY must agree
# (tests/gdb/run.sh; watchpoint values, which depend on timing, are left
# out).  After READY, run.sh sends gdb SIGINT, then the target is killed.
set pagination off
set confirm off
set width 0
file @VMLINUX@
target remote 127.0.0.1:@PORT@
printf "reset pc 0x%lx priv %d\n", $pc, $priv
# a software breakpoint on a kernel virtual address, hit with paging on
break *start_kernel
continue
printf "start_kernel %d priv %d\n", $pc == (long)&start_kernel, $priv
printf "paging %d\n", ((unsigned long)$satp >> 60) != 0
printf "stvec-is-handle_exception %d\n", $stvec == (long)&handle_exception
p/x $sie
p/x $sscratch
p $mhartid
p/x $scause
x/4i $pc
x/2xg &init_task
# a hardware breakpoint further on
hbreak *kernel_init
continue
printf "kernel_init %d priv %d\n", $pc == (long)&kernel_init, $priv
stepi
printf "stepped %d\n", $pc - (long)&kernel_init
delete
# a watchpoint on a kernel variable: stops in the timer code that writes it
watch *(unsigned long *)&jiffies_64
continue
info symbol $pc
delete
echo READY-TO-INTERRUPT\n
continue
printf "interrupted priv %d\n", $priv
kill
