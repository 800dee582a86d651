// vplat_c.h — the one place C++ tests include vplat's C headers.
#ifndef VPLAT_TESTS_VPLAT_C_H
#define VPLAT_TESTS_VPLAT_C_H
extern "C" {
#include "core/cpu.h"
#include "core/debug.h"
#include "core/exec.h"
#include "core/gdb_proto.h"
#include "core/gdbstub.h"
#include "core/mem.h"
#include "core/tb.h"
#include "frontends/riscv/rv_cpu.h"
#include "frontends/riscv/rv_decode.h"
#include "interp/interp.h"
#include "ir/ir.h"
#include "ir/ir_sem.h"
#include "machine/virt/clint.h"
#include "machine/virt/plic.h"
#include "machine/virt/uart16550.h"
#include "machine/virt/virt_fdt.h"
#include "machine/virt/virt_map.h"
#include "machine/virt/virt_pci.h"
#include "machine/virt/virt_test.h"
#include "pcidev/newdev_regs.h"
#include "pcidev/pci.h"
#include "pcidev/pci_host.h"
}
#endif
