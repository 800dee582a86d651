/* rv_gdb.c — the RISC-V side of the gdb stub (core/gdbstub.h): register
 * numbers, the target description gdb reads with qXfer:features:read, and
 * debugger memory access (through the MMU in system mode).
 *
 * Remote register numbers (the 'g' packet carries 0..64):
 *   0..31   x0..x31 (zero, ra, sp, ...)       org.gnu.gdb.riscv.cpu
 *   32      pc
 *   33..64  f0..f31 (ft0, ...), 64-bit        org.gnu.gdb.riscv.fpu
 *   65..67  fflags, frm, fcsr (32-bit)
 *   system mode only:
 *   68      priv (0 U, 1 S, 3 M)              org.gnu.gdb.riscv.virtual
 *   69..    the CSRs of RV_GDB_CSRS, in order   org.gnu.gdb.riscv.csr
 * The XML carries no regnum attributes: gdb numbers registers in document
 * order, which is the order above.  Register names come from rv_regs.def;
 * types follow the XML files in gdb's features/riscv/ (ra and pc code pointers;
 * sp, gp, tp, s0 data pointers), so gdb shows them as it does natively.
 *
 * Memory: user mode reads and writes every page the guest mapped,
 * whatever its permissions (core/mem.c mem_debug_access); system mode
 * translates with the current privilege's page table, side-effect free
 * (rv_mmu_debug_translate), and touches RAM and ROM only, never devices.
 */
#include <stdio.h>
#include <string.h>

#include "core/gdbstub.h"
#include "frontends/riscv/rv_cpu.h"

/* The CSRs gdb sees in system mode, with their numbers from rv_cpu.h. */
#define RV_GDB_CSRS(X)                                                                                  \
    X("sstatus", CSR_SSTATUS) X("sie", CSR_SIE) X("stvec", CSR_STVEC) X("scounteren", CSR_SCOUNTEREN)     \
    X("senvcfg", CSR_SENVCFG) X("sscratch", CSR_SSCRATCH) X("sepc", CSR_SEPC) X("scause", CSR_SCAUSE)     \
    X("stval", CSR_STVAL) X("sip", CSR_SIP) X("satp", CSR_SATP)                                           \
    X("mstatus", CSR_MSTATUS) X("misa", CSR_MISA) X("medeleg", CSR_MEDELEG) X("mideleg", CSR_MIDELEG)     \
    X("mie", CSR_MIE) X("mtvec", CSR_MTVEC) X("mcounteren", CSR_MCOUNTEREN) X("menvcfg", CSR_MENVCFG)     \
    X("mcountinhibit", CSR_MCOUNTINHIBIT) X("mscratch", CSR_MSCRATCH) X("mepc", CSR_MEPC)                 \
    X("mcause", CSR_MCAUSE) X("mtval", CSR_MTVAL) X("mip", CSR_MIP)                                       \
    X("mvendorid", CSR_MVENDORID) X("marchid", CSR_MARCHID) X("mimpid", CSR_MIMPID)                       \
    X("mhartid", CSR_MHARTID)                                                                             \
    X("pmpcfg0", CSR_PMPCFG0) X("pmpcfg2", CSR_PMPCFG0 + 2)                                               \
    X("pmpaddr0", CSR_PMPADDR0) X("pmpaddr1", CSR_PMPADDR0 + 1) X("pmpaddr2", CSR_PMPADDR0 + 2)           \
    X("pmpaddr3", CSR_PMPADDR0 + 3)                                                                       \
    X("cycle", CSR_CYCLE) X("time", CSR_TIME) X("instret", CSR_INSTRET)                                   \
    X("mcycle", CSR_MCYCLE) X("minstret", CSR_MINSTRET)

static const struct {
    const char *name;
    uint16_t num;
} rv_gdb_csrs[] = {
#define X(name, num) {name, (num)},
    RV_GDB_CSRS(X)
#undef X
};
#define RV_GDB_N_CSRS (sizeof rv_gdb_csrs / sizeof rv_gdb_csrs[0])

static const char *const rv_xreg_name[32] = {
#define RV_XREG(n, abi) [n] = abi,
#define RV_FREG(n, abi)
#include "frontends/riscv/rv_regs.def"
#undef RV_XREG
#undef RV_FREG
};

static const char *const rv_freg_name[32] = {
#define RV_XREG(n, abi)
#define RV_FREG(n, abi) [n] = abi,
#include "frontends/riscv/rv_regs.def"
#undef RV_XREG
#undef RV_FREG
};

enum {
    REG_PC = 32,
    REG_F0 = 33,
    REG_FFLAGS = 65,
    REG_FRM = 66,
    REG_FCSR = 67,
    REG_PRIV = 68,
    REG_CSR0 = 69,
    N_REGS_USER = 68,
    N_REGS_SYSTEM = REG_CSR0 + (int)RV_GDB_N_CSRS,
    G_REGS = 65,
};

static uint32_t rv_gdb_num_regs(CpuState *cs) { return rv_cpu(cs)->system ? N_REGS_SYSTEM : N_REGS_USER; }

/* ---- target description ------------------------------------------------------------ */

typedef struct XmlBuf {
    char *p;
    size_t n, cap;
    bool overflow;
} XmlBuf;

static void put(XmlBuf *b, const char *fmt, const char *a, const char *c) {
    int k = snprintf(b->p + b->n, b->cap - b->n, fmt, a, c);
    if (k < 0 || (size_t)k >= b->cap - b->n) b->overflow = true;
    else b->n += (size_t)k;
}

static const char *xreg_type(int n) {
    return n == 1 ? "code_ptr" : (n == 2 || n == 3 || n == 4 || n == 8) ? "data_ptr" : "int";
}

static size_t rv_gdb_xml(CpuState *cs, const char *annex, char *out, size_t cap) {
    if (strcmp(annex, "target.xml") != 0 || cap == 0) return 0;
    XmlBuf b = {out, 0, cap, false};
    put(&b, "%s%s", "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n",
        "<target version=\"1.0\">\n<architecture>riscv:rv64</architecture>\n");
    put(&b, "%s%s", "<feature name=\"org.gnu.gdb.riscv.cpu\">\n", "");
    for (int i = 0; i < 32; i++) put(&b, "<reg name=\"%s\" bitsize=\"64\" type=\"%s\"/>\n", rv_xreg_name[i], xreg_type(i));
    put(&b, "%s%s", "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>\n", "</feature>\n");
    put(&b, "%s%s", "<feature name=\"org.gnu.gdb.riscv.fpu\">\n",
        "<union id=\"riscv_double\"><field name=\"float\" type=\"ieee_single\"/>"
        "<field name=\"double\" type=\"ieee_double\"/></union>\n");
    for (int i = 0; i < 32; i++) put(&b, "<reg name=\"%s\" bitsize=\"64\" type=\"%s\"/>\n", rv_freg_name[i], "riscv_double");
    put(&b, "%s%s", "<reg name=\"fflags\" bitsize=\"32\" type=\"int\"/>\n<reg name=\"frm\" bitsize=\"32\" type=\"int\"/>\n",
        "<reg name=\"fcsr\" bitsize=\"32\" type=\"int\"/>\n</feature>\n");
    if (rv_cpu(cs)->system) {
        put(&b, "%s%s", "<feature name=\"org.gnu.gdb.riscv.virtual\">\n",
            "<reg name=\"priv\" bitsize=\"64\" type=\"int\"/>\n</feature>\n");
        put(&b, "%s%s", "<feature name=\"org.gnu.gdb.riscv.csr\">\n", "");
        for (size_t i = 0; i < RV_GDB_N_CSRS; i++)
            put(&b, "<reg name=\"%s\" bitsize=\"64\" type=\"%s\"/>\n", rv_gdb_csrs[i].name, "int");
        put(&b, "%s%s", "</feature>\n", "");
    }
    put(&b, "%s%s", "</target>\n", "");
    return b.overflow ? 0 : b.n;
}

/* ---- registers --------------------------------------------------------------------- */

static void put_le(uint8_t *buf, uint64_t v, size_t n) {
    for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *buf, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v |= (uint64_t)buf[i] << (8 * i);
    return v;
}

static size_t rv_gdb_read_reg(CpuState *cs, uint32_t n, uint8_t *buf) {
    RvCpu *c = rv_cpu(cs);
    uint64_t v;
    if (n < 32) v = n ? cs->vals[RV_GLOBAL_X(n)] : 0;
    else if (n == REG_PC) v = cs->pc;
    else if (n < REG_FFLAGS) v = cs->vals[RV_GLOBAL_F(n - REG_F0)];
    else if (n <= REG_FCSR) {
        v = n == REG_FFLAGS ? c->fflags : n == REG_FRM ? c->frm : ((c->frm << 5) | c->fflags);
        put_le(buf, v, 4);
        return 4;
    } else if (!c->system || n >= N_REGS_SYSTEM) return 0;
    else if (n == REG_PRIV) v = c->priv;
    else if (!rv_csr_debug(c, rv_gdb_csrs[n - REG_CSR0].num, false, &v)) return 0;
    put_le(buf, v, 8);
    return 8;
}

static bool rv_gdb_write_reg(CpuState *cs, uint32_t n, const uint8_t *buf, size_t len) {
    RvCpu *c = rv_cpu(cs);
    size_t want = n >= REG_FFLAGS && n <= REG_FCSR ? 4 : 8;
    if (n >= rv_gdb_num_regs(cs) || len != want) return false;
    uint64_t v = get_le(buf, len);
    if (n < 32) {
        if (n) cs->vals[RV_GLOBAL_X(n)] = v;   /* x0 stays zero */
    } else if (n == REG_PC) {
        cs->pc = v;
    } else if (n < REG_FFLAGS) {
        cs->vals[RV_GLOBAL_F(n - REG_F0)] = v;
    } else if (n <= REG_FCSR) {
        if (n != REG_FRM) c->fflags = (uint32_t)v & 0x1f;
        if (n != REG_FFLAGS) c->frm = (uint32_t)(n == REG_FCSR ? v >> 5 : v) & 7;
    } else if (n == REG_PRIV) {
        if (v != RV_PRIV_U && v != RV_PRIV_S && v != RV_PRIV_M) return false;
        c->priv = (uint32_t)v;
        c->wfi = false;
        softmmu_flush(cs);
    } else {
        return rv_csr_debug(c, rv_gdb_csrs[n - REG_CSR0].num, true, &v);
    }
    return true;
}

/* ---- memory -------------------------------------------------------------------------- */

/* System mode: each page's physical address, all checked before any byte
 * moves, then RAM/ROM through the address space (writes to RAM drop the
 * translations they overlap; devices are never touched). */
static bool sys_access(RvCpu *c, uint64_t addr, uint8_t *buf, size_t len, bool write) {
    AddressSpace *as = c->smmu.as;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t a = addr;
        size_t left = len, done = 0;
        while (left) {
            size_t n = (size_t)(MEM_PAGE_SIZE - (a & ~MEM_PAGE_MASK));
            if (n > left) n = left;
            uint64_t pa;
            if (!rv_mmu_debug_translate(c, a, &pa)) return false;
            if (pass == 0) {
                if (!as_ram_ptr(as, pa, n)) return false;
            } else if (as_rw(as, pa, buf + done, n, write) != MEMTX_OK) {
                return false;
            }
            a += n;
            done += n;
            left -= n;
        }
    }
    return true;
}

static bool rv_gdb_read_mem(CpuState *cs, uint64_t addr, uint8_t *buf, size_t len) {
    RvCpu *c = rv_cpu(cs);
    if (c->system) return sys_access(c, addr, buf, len, false);
    return mem_debug_access(cs->mem, addr, buf, len, false);
}

static bool rv_gdb_write_mem(CpuState *cs, uint64_t addr, const uint8_t *buf, size_t len) {
    RvCpu *c = rv_cpu(cs);
    if (c->system) return sys_access(c, addr, (uint8_t *)buf, len, true);
    return mem_debug_access(cs->mem, addr, (uint8_t *)buf, len, true);
}

const GdbArchOps rv_gdb_ops = {
    .num_regs = rv_gdb_num_regs,
    .g_regs = G_REGS,
    .read_reg = rv_gdb_read_reg,
    .write_reg = rv_gdb_write_reg,
    .xml = rv_gdb_xml,
    .read_mem = rv_gdb_read_mem,
    .write_mem = rv_gdb_write_mem,
};
