/* log.c — parsing of -d category lists (see log.h). */
#include "core/log.h"

#include <string.h>

static const struct {
    const char *name;
    uint32_t mask;
    const char *help;
} log_items[] = {
#define X(id, name, help) {name, LOG_##id, help},
    LOG_ITEMS(X)
#undef X
};

bool log_parse(const char *list, uint32_t *mask, char *err, size_t err_len) {
    uint32_t m = 0;
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        bool found = false;
        for (size_t i = 0; i < sizeof log_items / sizeof log_items[0]; i++) {
            if (strlen(log_items[i].name) == n && strncmp(log_items[i].name, p, n) == 0) {
                m |= log_items[i].mask;
                found = true;
            }
        }
        if (!found) {
            snprintf(err, err_len, "unknown log category '%.*s' (try -d help)", (int)n, p);
            return false;
        }
        p += n;
        if (*p == ',') p++;
    }
    *mask = m;
    return true;
}

void log_print_help(FILE *out) {
    fprintf(out, "Log categories for -d (comma separated):\n");
    for (size_t i = 0; i < sizeof log_items / sizeof log_items[0]; i++)
        fprintf(out, "  %-14s %s\n", log_items[i].name, log_items[i].help);
}
