/* pci_type.c — the device-type registry, classes, typed properties and the
 * -device spec parser (see pci.h).
 *
 * The registry is the one piece of file-scope state in pcidev/: a table of
 * pointers to static PciTypeInfo, filled by PCI_REGISTER_TYPE constructors
 * before main() and only read afterwards (lookups, listings, class builds).
 * Classes are not cached here: pci_type_class fills a caller-owned struct,
 * so creating devices never writes shared state.
 *
 *   -device newdev,buffer-size=8192,addr=3
 *     ─▶ pci_spec_parse: type "newdev" (creatable?), each key a property of
 *        newdev or an ancestor (or addr), each value parsed by its type
 *     ─▶ pci.c creates the instance and calls pci_props_apply
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pcidev/pci_internal.h"

/* Filled before main() by constructors, read-only afterwards. */
static const PciTypeInfo *registry[PCI_TYPE_MAX];
static unsigned registry_count;

static const PciTypeInfo root_type = {
    .name = PCI_TYPE_DEVICE,
    .parent = NULL,
    .instance_size = sizeof(PciDevice),
    .abstract = true,
};
PCI_REGISTER_TYPE(root_type)

static bool valid_type_name(const char *n) {
    if (!n || !*n) return false;
    for (; *n; n++)
        if (!isalnum((unsigned char)*n) && *n != '-' && *n != '_' && *n != '.') return false;
    return true;
}

void pci_type_register(const PciTypeInfo *info) {
    /* A registration error is a bug in a device file: say so at startup. */
    const char *why = NULL;
    if (!valid_type_name(info->name)) why = "bad type name";
    else if (pci_type_find(info->name)) why = "type registered twice";
    else if (registry_count == PCI_TYPE_MAX) why = "too many types (PCI_TYPE_MAX)";
    else if (!info->parent && strcmp(info->name, PCI_TYPE_DEVICE)) why = "no parent type";
    if (why) {
        fprintf(stderr, "vplat: internal error: PCI device type '%s': %s\n", info->name ? info->name : "?", why);
        exit(125);
    }
    unsigned pos = registry_count;
    while (pos > 0 && strcmp(registry[pos - 1]->name, info->name) > 0) {
        registry[pos] = registry[pos - 1];
        pos--;
    }
    registry[pos] = info;
    registry_count++;
}

const PciTypeInfo *pci_type_find(const char *name) {
    for (unsigned i = 0; i < registry_count; i++)
        if (!strcmp(registry[i]->name, name)) return registry[i];
    return NULL;
}

unsigned pci_type_count(void) { return registry_count; }

const PciTypeInfo *pci_type_at(unsigned i) { return i < registry_count ? registry[i] : NULL; }

/* The ancestors of t, root first; 0 with a message for a broken chain. */
static unsigned type_chain(const PciTypeInfo *t, const PciTypeInfo **chain, char *err, size_t err_len) {
    const PciTypeInfo *rev[PCI_TYPE_MAX_DEPTH];
    unsigned n = 0;
    for (const PciTypeInfo *p = t; p;) {
        if (n == PCI_TYPE_MAX_DEPTH) {
            snprintf(err, err_len, "type '%s': more than %d ancestors (a parent loop?)", t->name, PCI_TYPE_MAX_DEPTH);
            return 0;
        }
        rev[n++] = p;
        if (!p->parent) break;
        const PciTypeInfo *parent = pci_type_find(p->parent);
        if (!parent) {
            snprintf(err, err_len, "type '%s': unknown parent type '%s'", p->name, p->parent);
            return 0;
        }
        if (parent->instance_size > p->instance_size || p->instance_size < sizeof(PciDevice)) {
            snprintf(err, err_len, "type '%s': instance_size is smaller than its parent's", p->name);
            return 0;
        }
        p = parent;
    }
    for (unsigned i = 0; i < n; i++) chain[i] = rev[n - 1 - i];
    return n;
}

bool pci_type_class(const char *name, PciDeviceClass *k, char *err, size_t err_len) {
    const PciTypeInfo *t = pci_type_find(name);
    if (!t) {
        snprintf(err, err_len, "unknown PCI device type '%s'", name);
        return false;
    }
    const PciTypeInfo *chain[PCI_TYPE_MAX_DEPTH];
    unsigned n = type_chain(t, chain, err, err_len);
    if (!n) return false;
    memset(k, 0, sizeof *k);
    for (unsigned i = 0; i < n; i++)
        if (chain[i]->class_init) chain[i]->class_init(k);
    k->type = t;
    return true;
}

/* ---- properties ------------------------------------------------------------ */

static const char *prop_type_name(PciPropType t) {
    switch (t) {
    case PCI_PROP_TYPE_BOOL: return "bool";
    case PCI_PROP_TYPE_UINT8: return "uint8";
    case PCI_PROP_TYPE_UINT16: return "uint16";
    case PCI_PROP_TYPE_UINT32: return "uint32";
    case PCI_PROP_TYPE_UINT64: return "uint64";
    case PCI_PROP_TYPE_STRING: return "string";
    }
    return "?";
}

static const PciProperty *prop_find(const PciTypeInfo *const *chain, unsigned depth, const char *name) {
    for (unsigned i = depth; i-- > 0;)
        for (const PciProperty *p = chain[i]->props; p && p->name; p++)
            if (!strcmp(p->name, name)) return p;
    return NULL;
}

/* Parse `value` for p; integers and bools into *u. */
static bool prop_parse(const char *type, const PciProperty *p, const char *value, uint64_t *u, char *err,
                       size_t err_len) {
    switch (p->type) {
    case PCI_PROP_TYPE_BOOL: {
        static const char *const yes[] = {"on", "true", "yes", "1"}, *const no[] = {"off", "false", "no", "0"};
        for (unsigned i = 0; i < 4; i++) {
            if (!strcmp(value, yes[i])) { *u = 1; return true; }
            if (!strcmp(value, no[i])) { *u = 0; return true; }
        }
        snprintf(err, err_len, "%s: property '%s' is a bool (on/off), not '%s'", type, p->name, value);
        return false;
    }
    case PCI_PROP_TYPE_UINT8:
    case PCI_PROP_TYPE_UINT16:
    case PCI_PROP_TYPE_UINT32:
    case PCI_PROP_TYPE_UINT64: {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(value, &end, 0);
        if (!*value || *end || errno || value[0] == '-' || isspace((unsigned char)value[0])) {
            snprintf(err, err_len, "%s: property '%s' is a %s, not '%s'", type, p->name, prop_type_name(p->type),
                     value);
            return false;
        }
        if (v < p->min || v > p->max) {
            snprintf(err, err_len, "%s: property '%s' must be %" PRIu64 "..%" PRIu64 ", not '%s'", type, p->name,
                     p->min, p->max, value);
            return false;
        }
        *u = v;
        return true;
    }
    case PCI_PROP_TYPE_STRING: return true;
    }
    return false;
}

static void prop_store(const PciProperty *p, void *obj, uint64_t u, const char *s) {
    uint8_t *f = (uint8_t *)obj + p->offset;
    switch (p->type) {
    case PCI_PROP_TYPE_BOOL: { bool b = u != 0; memcpy(f, &b, sizeof b); break; }
    case PCI_PROP_TYPE_UINT8: { uint8_t v = (uint8_t)u; memcpy(f, &v, sizeof v); break; }
    case PCI_PROP_TYPE_UINT16: { uint16_t v = (uint16_t)u; memcpy(f, &v, sizeof v); break; }
    case PCI_PROP_TYPE_UINT32: { uint32_t v = (uint32_t)u; memcpy(f, &v, sizeof v); break; }
    case PCI_PROP_TYPE_UINT64: memcpy(f, &u, sizeof u); break;
    case PCI_PROP_TYPE_STRING: {
        char *old;
        memcpy(&old, f, sizeof old);
        free(old);
        char *copy = strdup(s ? s : "");
        memcpy(f, &copy, sizeof copy);
        break;
    }
    }
}

void pci_props_apply(const PciSpec *s, void *obj) {
    for (unsigned i = 0; i < s->depth; i++)
        for (const PciProperty *p = s->chain[i]->props; p && p->name; p++) prop_store(p, obj, p->def, p->def_str);
    for (unsigned i = 0; i < s->n_items; i++) {
        const PciProperty *p = s->items[i].prop;
        if (!p) continue;
        uint64_t u = 0;
        char dummy[8];
        prop_parse("", p, s->items[i].value, &u, dummy, sizeof dummy); /* checked by pci_spec_parse */
        prop_store(p, obj, u, s->items[i].value);
    }
}

void pci_props_release(const PciTypeInfo *const *chain, unsigned depth, void *obj) {
    for (unsigned i = 0; i < depth; i++)
        for (const PciProperty *p = chain[i]->props; p && p->name; p++) {
            if (p->type != PCI_PROP_TYPE_STRING) continue;
            char *str;
            memcpy(&str, (uint8_t *)obj + p->offset, sizeof str);
            free(str);
            str = NULL;
            memcpy((uint8_t *)obj + p->offset, &str, sizeof str);
        }
}

/* ---- -device specs ----------------------------------------------------------- */

/* addr=SLOT[.0], the slot in hex as QEMU spells it. */
static bool parse_addr(const char *v, int *slot) {
    char *end;
    errno = 0;
    unsigned long s = strtoul(v, &end, 16);
    if (end == v || errno || v[0] == '-' || v[0] == '+' || isspace((unsigned char)v[0])) return false;
    if (*end == '.' && end[1] == '0' && end[2] == 0) end += 2;
    if (*end || s >= PCI_SLOTS) return false;
    *slot = (int)s;
    return true;
}

bool pci_spec_parse(const char *spec, bool board, PciSpec *s, char *err, size_t err_len) {
    memset(s, 0, sizeof *s);
    s->slot = -1;
    s->buf = strdup(spec ? spec : "");
    if (!s->buf) {
        snprintf(err, err_len, "out of memory");
        return false;
    }
    char *name = s->buf, *rest = strchr(name, ',');
    if (rest) *rest++ = 0;
    if (!*name) {
        snprintf(err, err_len, "-device needs a device name (-device help lists them)");
        goto fail;
    }
    s->type = pci_type_find(name);
    if (!s->type || s->type->abstract || (s->type->board_only && !board)) {
        if (s->type && s->type->board_only)
            snprintf(err, err_len, "PCI device '%s' is part of the board and cannot be added with -device", name);
        else
            snprintf(err, err_len, "unknown PCI device '%s' (-device help lists them)", name);
        goto fail;
    }
    s->depth = type_chain(s->type, s->chain, err, err_len);
    if (!s->depth) goto fail;
    while (rest) {
        char *item = rest;
        rest = strchr(item, ',');
        if (rest) *rest++ = 0;
        char *eq = strchr(item, '=');
        if (!*item) {
            snprintf(err, err_len, "%s: empty property in '%s'", name, spec);
            goto fail;
        }
        if (!eq) {
            snprintf(err, err_len, "%s: property '%s' needs a value (%s=VALUE)", name, item, item);
            goto fail;
        }
        *eq = 0;
        const char *key = item, *value = eq + 1;
        for (unsigned i = 0; i < s->n_items; i++) {
            const char *seen = s->items[i].prop ? s->items[i].prop->name : "addr";
            if (!strcmp(seen, key)) {
                snprintf(err, err_len, "%s: property '%s' given twice", name, key);
                goto fail;
            }
        }
        if (s->n_items == PCI_SPEC_MAX_ITEMS) {
            snprintf(err, err_len, "%s: more than %d properties", name, PCI_SPEC_MAX_ITEMS);
            goto fail;
        }
        const PciProperty *p = NULL;
        if (!strcmp(key, "addr")) {
            if (!parse_addr(value, &s->slot)) {
                snprintf(err, err_len, "%s: addr must be a slot 0..%x in hex (addr=2 or addr=02.0), not '%s'", name,
                         PCI_SLOTS - 1, value);
                goto fail;
            }
        } else {
            p = prop_find(s->chain, s->depth, key);
            if (!p) {
                snprintf(err, err_len, "%s: no property '%s' (-device %s,help lists them)", name, key, name);
                goto fail;
            }
            uint64_t u;
            if (!prop_parse(name, p, value, &u, err, err_len)) goto fail;
        }
        s->items[s->n_items].prop = p;
        s->items[s->n_items].value = value;
        s->n_items++;
    }
    return true;
fail:
    pci_spec_free(s);
    return false;
}

void pci_spec_free(PciSpec *s) {
    free(s->buf);
    s->buf = NULL;
}

bool pci_device_check_spec(const char *spec, char *err, size_t err_len) {
    PciSpec s;
    if (!pci_spec_parse(spec, false, &s, err, err_len)) return false;
    pci_spec_free(&s);
    return true;
}

/* ---- help ------------------------------------------------------------------ */

static void print_summary(FILE *out, const PciDeviceClass *k, int width) {
    fprintf(out, "%-*s %s (%04x:%04x, class %04x)\n", width, k->type->name, k->desc ? k->desc : "",
            k->vendor_id, k->device_id, k->class_id);
}

void pci_print_types(FILE *out) {
    fprintf(out, "PCI devices (-device NAME[,prop=value...]; -device NAME,help lists the properties):\n");
    for (unsigned i = 0; i < registry_count; i++) {
        const PciTypeInfo *t = registry[i];
        if (t->abstract || t->board_only) continue;
        PciDeviceClass k;
        char err[160];
        if (!pci_type_class(t->name, &k, err, sizeof err)) continue;
        fprintf(out, "  ");
        print_summary(out, &k, 16);
    }
}

bool pci_print_type_help(FILE *out, const char *name) {
    const PciTypeInfo *t = pci_type_find(name);
    PciDeviceClass k;
    const PciTypeInfo *chain[PCI_TYPE_MAX_DEPTH];
    char err[160];
    if (!t || t->abstract || t->board_only || !pci_type_class(name, &k, err, sizeof err)) return false;
    unsigned depth = type_chain(t, chain, err, sizeof err);
    fprintf(out, "%s: %s (%04x:%04x, class %04x)\nproperties:\n", name, k.desc ? k.desc : "", k.vendor_id,
            k.device_id, k.class_id);
    fprintf(out, "  %-24s %s\n", "addr=<slot>", "PCI slot in hex, 0..1f (default: the first free one)");
    for (unsigned i = depth; i-- > 0;)
        for (const PciProperty *p = chain[i]->props; p && p->name; p++) {
            char lhs[64], def[64];
            snprintf(lhs, sizeof lhs, "%s=<%s>", p->name, prop_type_name(p->type));
            if (p->type == PCI_PROP_TYPE_BOOL) snprintf(def, sizeof def, "%s", p->def ? "on" : "off");
            else if (p->type == PCI_PROP_TYPE_STRING) snprintf(def, sizeof def, "\"%s\"", p->def_str ? p->def_str : "");
            else snprintf(def, sizeof def, "%" PRIu64, p->def);
            fprintf(out, "  %-24s %s (default %s)\n", lhs, p->help ? p->help : "", def);
        }
    return true;
}
