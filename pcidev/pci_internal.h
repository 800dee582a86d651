/* pci_internal.h — what pci_type.c (registry, properties, -device specs)
 * and pci.c (devices, bus) share; not for device models. */
#ifndef VPLAT_PCIDEV_PCI_INTERNAL_H
#define VPLAT_PCIDEV_PCI_INTERNAL_H

#include "pcidev/pci.h"

#define PCI_SPEC_MAX_ITEMS 32

/* A parsed -device spec: "NAME,key=value,...". */
typedef struct PciSpec {
    char *buf;                          /* the spec, split in place (owned) */
    const PciTypeInfo *type;
    const PciTypeInfo *chain[PCI_TYPE_MAX_DEPTH];   /* root first, type last */
    unsigned depth;
    struct {
        const PciProperty *prop;        /* NULL for addr */
        const char *value;
    } items[PCI_SPEC_MAX_ITEMS];
    unsigned n_items;
    int slot;                           /* addr=, or -1 */
} PciSpec;

/* Parse and check a spec (type exists and may be created, every property
 * exists and its value has the right type and range).  On success s->buf
 * must be released with pci_spec_free. */
bool pci_spec_parse(const char *spec, bool board, PciSpec *s, char *err, size_t err_len);
void pci_spec_free(PciSpec *s);

/* Set every property of the chain to its default, then the spec's values,
 * in the instance `obj`. */
void pci_props_apply(const PciSpec *s, void *obj);
/* Free the strings properties own in `obj`. */
void pci_props_release(const PciTypeInfo *const *chain, unsigned depth, void *obj);

#endif
