/* pci.h — vplat's PCI device kit: the bus model, the device-type registry
 * and the API a device model is written against.  Depends on core/ only;
 * a board places the bus behind a host bridge (pci_host.h, machine/virt/).
 *
 * A device model is one file that reads top to bottom (pcidev/newdev.c is
 * the worked example, docs in pcidev/TUTORIAL.md):
 *
 *   typedef struct MyDev {
 *       PciDevice pci;             // first: the kit's part of the instance
 *       uint32_t buffer_size;      // a property
 *       ...                        // device state
 *   } MyDev;
 *
 *   static const MemOps mydev_mmio_ops = {mydev_read, mydev_write, 4, 4};
 *
 *   static bool mydev_realize(PciDevice *pci) {           // BARs, buffers
 *       MyDev *s = PCI_STATE(pci, MyDev);
 *       if (s->buffer_size < 64) return pci_device_error(pci, "buffer-size is too small");
 *       return pci_register_bar(pci, 0, PCI_BAR_MEM32, 4096, &mydev_mmio_ops, s);
 *   }
 *   static void mydev_class_init(PciDeviceClass *k) {      // ids and hooks
 *       k->vendor_id = 0x1337; k->device_id = 0x0002; k->class_id = 0x00ff;
 *       k->desc = "My device"; k->intx_pin = PCIR_INTA;
 *       k->realize = mydev_realize; k->reset = ...; k->exit = ...;
 *   }
 *   static const PciProperty mydev_props[] = {
 *       PCI_PROP_UINT32("buffer-size", MyDev, buffer_size, 4096, "bytes in the buffer"),
 *       PCI_PROP_END,
 *   };
 *   static const PciTypeInfo mydev_type = {
 *       .name = "mydev", .parent = PCI_TYPE_DEVICE, .instance_size = sizeof(MyDev),
 *       .class_init = mydev_class_init, .props = mydev_props,
 *   };
 *   PCI_REGISTER_TYPE(mydev_type)
 *
 * and is then created with `vplat system ... -device mydev,buffer-size=8192`.
 *
 * Lifetime of a device:
 *
 *   pci_device_create(bus, "NAME,prop=value,addr=SLOT")
 *     ─▶ class built: class_init of every ancestor, root first
 *     ─▶ instance zeroed (instance_size), property defaults, then values
 *     ─▶ config header from the class (ids, class code, pin), BARs none
 *     ─▶ realize()        registers BARs, allocates; false = not created
 *     ─▶ plugged into its slot, reset()
 *   guest: config cycles (pci_config_read/write) size and place the BARs,
 *          enable decoding and bus mastering; MMIO/PIO to a mapped BAR
 *          ─▶ the BAR's MemOps; pci_set_irq ─▶ INTx; pci_dma_* ─▶ guest RAM
 *   pci_bus_reset: config header back to power-on, then reset()
 *   pci_device_destroy / pci_bus_destroy: exit(), then freed
 *
 * Guest input is hostile: every config write, BAR value, MMIO/PIO access
 * and DMA address is checked here, so a device model sees only accesses
 * inside its BARs with a size its MemOps accepts, and DMA only ever
 * touches guest RAM.  What a real bus does with the rest: reads of nothing
 * (no device, no BAR, a refused size) return all ones, writes are dropped,
 * a DMA outside RAM or without bus mastering fails and sets the
 * Received-Master-Abort status bit.
 *
 * Not thread-safe: the thread that runs the machine makes every call.
 */
#ifndef VPLAT_PCIDEV_PCI_H
#define VPLAT_PCIDEV_PCI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/irq.h"
#include "core/memory.h"
#include "pcidev/pci_regs.h"

typedef struct PciBus PciBus;
typedef struct PciDevice PciDevice;
typedef struct PciDeviceClass PciDeviceClass;

/* ---- properties ------------------------------------------------------------ */

typedef enum PciPropType {
    PCI_PROP_TYPE_BOOL,    /* bool: on/off, true/false, yes/no, 1/0 */
    PCI_PROP_TYPE_UINT8,   /* integers: decimal, 0x hex or 0 octal, in [min, max] */
    PCI_PROP_TYPE_UINT16,
    PCI_PROP_TYPE_UINT32,
    PCI_PROP_TYPE_UINT64,
    PCI_PROP_TYPE_STRING,  /* char *: the kit owns the copy (freed with the device) */
} PciPropType;

typedef struct PciProperty {
    const char *name;      /* NULL ends a list */
    PciPropType type;
    size_t offset;         /* of the field in the instance struct */
    uint64_t def;          /* default of a bool or integer */
    const char *def_str;   /* default of a string (NULL: empty) */
    uint64_t min, max;     /* accepted integer range */
    const char *help;
} PciProperty;

/* The field must have the property's C type (checked at compile time in C). */
#ifdef __cplusplus
#define PCI_PROP_FIELD(State, field, T) offsetof(State, field)
#else
#define PCI_PROP_FIELD(State, field, T) \
    (offsetof(State, field) + 0 * sizeof(char[_Generic(((State *)0)->field, T: 1)]))
#endif
#define PCI_PROP_BOOL(name, State, field, def, help) \
    {name, PCI_PROP_TYPE_BOOL, PCI_PROP_FIELD(State, field, bool), (def) ? 1 : 0, NULL, 0, 1, help}
#define PCI_PROP_UINT8(name, State, field, def, help) \
    {name, PCI_PROP_TYPE_UINT8, PCI_PROP_FIELD(State, field, uint8_t), def, NULL, 0, UINT8_MAX, help}
#define PCI_PROP_UINT16(name, State, field, def, help) \
    {name, PCI_PROP_TYPE_UINT16, PCI_PROP_FIELD(State, field, uint16_t), def, NULL, 0, UINT16_MAX, help}
#define PCI_PROP_UINT32(name, State, field, def, help) \
    {name, PCI_PROP_TYPE_UINT32, PCI_PROP_FIELD(State, field, uint32_t), def, NULL, 0, UINT32_MAX, help}
#define PCI_PROP_UINT32_RANGE(name, State, field, def, lo, hi, help) \
    {name, PCI_PROP_TYPE_UINT32, PCI_PROP_FIELD(State, field, uint32_t), def, NULL, lo, hi, help}
#define PCI_PROP_UINT64(name, State, field, def, help) \
    {name, PCI_PROP_TYPE_UINT64, PCI_PROP_FIELD(State, field, uint64_t), def, NULL, 0, UINT64_MAX, help}
#define PCI_PROP_STRING(name, State, field, def, help) \
    {name, PCI_PROP_TYPE_STRING, PCI_PROP_FIELD(State, field, char *), 0, def, 0, 0, help}
#define PCI_PROP_END {NULL, PCI_PROP_TYPE_BOOL, 0, 0, NULL, 0, 0, NULL}

/* ---- types and classes ---------------------------------------------------- */

#define PCI_TYPE_DEVICE "pci-device"   /* the abstract root of every type */
#define PCI_TYPE_MAX 64                /* registered types */
#define PCI_TYPE_MAX_DEPTH 8           /* ancestors of a type, itself included */

/* What a device file registers: static, read-only. */
typedef struct PciTypeInfo {
    const char *name;        /* -device NAME; letters, digits, '-', '_' */
    const char *parent;      /* PCI_TYPE_DEVICE, or a type to extend */
    size_t instance_size;    /* the struct starts with the parent's instance */
    bool abstract;           /* a base for other types, never created */
    bool board_only;         /* created by the board (host bridge), not by -device */
    void (*class_init)(PciDeviceClass *k);  /* runs after the parent's */
    const PciProperty *props;               /* own properties (PCI_PROP_END); parents' are inherited */
} PciTypeInfo;

/* A type's class: filled by the class_init chain when a device is created
 * (each device holds its own copy; nothing global changes after startup).
 * To extend a parent's hook, keep the parent's pointer in the subtype's
 * state before replacing it (QEMU's parent_realize pattern). */
struct PciDeviceClass {
    const PciTypeInfo *type;
    const char *desc;                 /* one line for -device help */
    uint16_t vendor_id, device_id;
    uint16_t class_id;                /* base class << 8 | subclass (0x00ff) */
    uint8_t prog_if, revision;
    uint16_t subsystem_vendor_id, subsystem_id;
    uint8_t intx_pin;                 /* PCIR_INTA..PCIR_INTD, PCIR_INTX_NONE */
    /* Set up the instance (properties already set): register BARs,
     * allocate.  false (with pci_device_error) = the device is not created. */
    bool (*realize)(PciDevice *d);
    /* Device registers back to power-on (the kit resets the config header). */
    void (*reset)(PciDevice *d);
    /* Free what realize allocated.  Also called after a failed realize, so
     * it must cope with a partly set-up instance (fields start zeroed). */
    void (*exit)(PciDevice *d);
    /* Optional: called after the kit applied a config-space write. */
    void (*config_write)(PciDevice *d, unsigned reg, uint32_t val, unsigned size);
};

/* Registration: one line after the PciTypeInfo.  Runs before main() (a
 * constructor); the registry is read-only from then on. */
#define PCI_REGISTER_TYPE(info)                                                   \
    static void __attribute__((constructor)) pci_register_##info(void) { pci_type_register(&(info)); }
void pci_type_register(const PciTypeInfo *info);

/* Lookup and listing (-device help, -device NAME,help). */
const PciTypeInfo *pci_type_find(const char *name);
unsigned pci_type_count(void);
const PciTypeInfo *pci_type_at(unsigned i);        /* sorted by name */
/* Build the class of `name` (class_init of every ancestor, root first).
 * false: unknown type or a broken parent chain (message in err). */
bool pci_type_class(const char *name, PciDeviceClass *k, char *err, size_t err_len);
void pci_print_types(FILE *out);                   /* the creatable types */
bool pci_print_type_help(FILE *out, const char *name);  /* its properties */

/* ---- devices -------------------------------------------------------------- */

#define PCI_SLOTS 32
#define PCI_BAR_UNMAPPED UINT64_MAX

/* BAR kinds (pci_register_bar).  A 64-bit BAR takes slots n and n+1. */
#define PCI_BAR_IO 0x01                                 /* I/O (port) space, 32-bit */
#define PCI_BAR_MEM32 0x00                              /* memory, 32-bit address */
#define PCI_BAR_MEM64 0x04                              /* memory, 64-bit address */
#define PCI_BAR_PREFETCH 0x08                           /* | with MEM32/MEM64 */

typedef struct PciBar {
    uint64_t size;           /* power of two; 0 = slot unused */
    uint8_t kind;            /* PCI_BAR_* (the BAR's read-only low bits) */
    const MemOps *ops;       /* offsets relative to the BAR; sizes within [min, max] */
    void *opaque;
    uint64_t addr;           /* bus address decoded now, or PCI_BAR_UNMAPPED */
} PciBar;

struct PciDevice {
    PciDeviceClass cls;
    PciBus *bus;             /* NULL until plugged */
    uint8_t slot;            /* function 0 of that slot */
    uint8_t config[PCIR_CONFIG_SIZE];
    uint8_t wmask[PCIR_CONFIG_SIZE];     /* bits config writes may change */
    uint8_t w1cmask[PCIR_CONFIG_SIZE];   /* bits a written 1 clears */
    PciBar bars[PCIR_NUM_BARS];
    bool irq_level;          /* the level the device drives */
    bool irq_asserted;       /* what reaches the bus (after INTx disable) */
    char error[192];         /* pci_device_error's message */
};

/* The device's own struct from its PciDevice (which comes first). */
#define PCI_STATE(pci, State) ((State *)(void *)(pci))

/* Create a device from a -device spec "NAME[,prop=value...][,addr=SLOT]"
 * (addr: the slot in hex, QEMU's spelling; optional ".0").  Without addr
 * the first free slot from 1 is taken.  NULL with a message on a bad spec,
 * an occupied slot, a full bus or a failed realize. */
PciDevice *pci_device_create(PciBus *bus, const char *spec, char *err, size_t err_len);
/* The same, also for board_only types (the board's host bridge). */
PciDevice *pci_device_create_board(PciBus *bus, const char *spec, char *err, size_t err_len);
/* Check a spec without a bus (the command line): type, properties, values. */
bool pci_device_check_spec(const char *spec, char *err, size_t err_len);
/* Unplug, exit(), free. */
void pci_device_destroy(PciDevice *d);

/* For realize: a BAR of `size` bytes (a power of two, >= 4 for I/O and 16
 * for memory; at most 2^31 for I/O and 32-bit memory).  Accesses reach
 * `ops` only while the guest has mapped it and enabled decoding. */
bool pci_register_bar(PciDevice *d, unsigned n, unsigned kind, uint64_t size, const MemOps *ops, void *opaque);
/* Record why realize failed (printf format); returns false. */
bool pci_device_error(PciDevice *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Drive the device's INTx pin (level-triggered; a no-op without a pin). */
void pci_set_irq(PciDevice *d, bool level);
/* Bus-master DMA between guest memory and buf.  MEMTX_ERROR without bus
 * mastering enabled or when any byte is not RAM: nothing is copied and the
 * device's Received-Master-Abort status bit is set. */
MemTx pci_dma_read(PciDevice *d, uint64_t addr, void *buf, size_t len);
MemTx pci_dma_write(PciDevice *d, uint64_t addr, const void *buf, size_t len);
/* Log a guest error (with -d guest_errors). */
void pci_guest_error(PciDevice *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Config-space access of 1, 2 or 4 bytes at reg (naturally aligned;
 * others read all ones and are ignored), as a config cycle does. */
uint32_t pci_config_read(PciDevice *d, unsigned reg, unsigned size);
void pci_config_write(PciDevice *d, unsigned reg, uint32_t val, unsigned size);

/* ---- the bus -------------------------------------------------------------- */

typedef enum PciSpace { PCI_SPACE_MEM, PCI_SPACE_IO } PciSpace;

struct PciBus {
    PciDevice *slots[PCI_SLOTS];   /* function 0 of each slot */
    AddressSpace *dma_as;          /* what bus masters reach */
    IrqLine intx[4];               /* INTA..INTD of the host (after the swizzle) */
    unsigned intx_count[4];        /* devices asserting each line */
    FILE *log;                     /* guest errors; NULL: quiet */
};

void pci_bus_init(PciBus *bus, AddressSpace *dma_as);
/* Destroys every device. */
void pci_bus_destroy(PciBus *bus);
/* Every device back to power-on. */
void pci_bus_reset(PciBus *bus);
/* The host's interrupt input for line i (0 = INTA).  Slot s, pin p (1..4)
 * drives line (s + p - 1) % 4: the standard swizzle, as the device tree's
 * interrupt-map says. */
void pci_bus_connect_intx(PciBus *bus, unsigned i, IrqLine line);
static inline unsigned pci_intx_line(unsigned slot, unsigned pin) { return (slot + pin - 1) % 4; }

/* Accesses from the host bridge: config cycles to (slot, function 0), and
 * memory or I/O cycles at a bus address (all ones / dropped when nothing
 * decodes them). */
uint32_t pci_bus_config_read(PciBus *bus, unsigned devfn, unsigned reg, unsigned size);
void pci_bus_config_write(PciBus *bus, unsigned devfn, unsigned reg, uint32_t val, unsigned size);
uint64_t pci_bus_read(PciBus *bus, PciSpace space, uint64_t addr, unsigned size);
void pci_bus_write(PciBus *bus, PciSpace space, uint64_t addr, uint64_t val, unsigned size);

#endif
