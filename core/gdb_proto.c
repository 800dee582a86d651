/* gdb_proto.c — framing, checksums, escaping and hex of the GDB remote
 * protocol (see gdb_proto.h).  Pure functions over bytes: everything here
 * must stay total on hostile input (tests/unit/gdb_test.cc throws random
 * and overlong packets at it).
 */
#include "core/gdb_proto.h"

#include <string.h>

void gdb_rx_init(GdbRx *rx) {
    rx->state = GDB_RX_IDLE;
    rx->len = 0;
    rx->sum = 0;
    rx->overflow = false;
    rx->bad_digit = false;
    rx->buf[0] = 0;
}

int gdb_hex_digit(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void rx_put(GdbRx *rx, uint8_t c) {
    if (rx->len < GDB_PACKET_MAX) rx->buf[rx->len++] = c;
    else rx->overflow = true;
}

GdbRxEvent gdb_rx_byte(GdbRx *rx, uint8_t c) {
    switch (rx->state) {
    case GDB_RX_IDLE:
        if (c == '$') {
            gdb_rx_init(rx);
            rx->state = GDB_RX_DATA;
            return GDB_RX_NONE;
        }
        if (c == '+') return GDB_RX_ACK;
        if (c == '-') return GDB_RX_NAK;
        if (c == 0x03) return GDB_RX_INTERRUPT;
        return GDB_RX_NONE;   /* noise between packets */
    case GDB_RX_DATA:
        if (c == '$') {       /* a new packet: the partial one is dropped */
            gdb_rx_init(rx);
            rx->state = GDB_RX_DATA;
            return GDB_RX_NONE;
        }
        if (c == '#') {
            rx->state = GDB_RX_CSUM1;
            return GDB_RX_NONE;
        }
        rx->sum = (uint8_t)(rx->sum + c);
        if (c == '}') rx->state = GDB_RX_ESCAPE;
        else rx_put(rx, c);
        return GDB_RX_NONE;
    case GDB_RX_ESCAPE:
        rx->sum = (uint8_t)(rx->sum + c);
        rx_put(rx, c ^ 0x20);
        rx->state = GDB_RX_DATA;
        return GDB_RX_NONE;
    case GDB_RX_CSUM1: {
        int d = gdb_hex_digit(c);
        if (d < 0) rx->bad_digit = true;
        rx->csum_hi = (uint8_t)(d < 0 ? 0 : d);
        rx->state = GDB_RX_CSUM2;
        return GDB_RX_NONE;
    }
    case GDB_RX_CSUM2: {
        int d = gdb_hex_digit(c);
        rx->state = GDB_RX_IDLE;
        rx->buf[rx->len < GDB_PACKET_MAX ? rx->len : GDB_PACKET_MAX] = 0;
        if (d < 0 || rx->bad_digit || rx->overflow || (uint8_t)(rx->csum_hi * 16 + d) != rx->sum) {
            rx->len = 0;
            rx->buf[0] = 0;
            return GDB_RX_BAD;
        }
        return GDB_RX_PACKET;
    }
    }
    gdb_rx_init(rx);
    return GDB_RX_NONE;
}

size_t gdb_packet_encode(const void *data, size_t len, uint8_t *out, size_t cap) {
    static const char hex[] = "0123456789abcdef";
    const uint8_t *d = data;
    size_t n = 0;
    uint8_t sum = 0;
    if (cap < 4) return 0;
    out[n++] = '$';
    for (size_t i = 0; i < len; i++) {
        uint8_t c = d[i];
        bool esc = c == '$' || c == '#' || c == '}' || c == '*';
        if (n + (esc ? 2 : 1) + 3 > cap) return 0;
        if (esc) {
            out[n++] = '}';
            sum = (uint8_t)(sum + '}');
            c ^= 0x20;
        }
        out[n++] = c;
        sum = (uint8_t)(sum + c);
    }
    out[n++] = '#';
    out[n++] = (uint8_t)hex[sum >> 4];
    out[n++] = (uint8_t)hex[sum & 15];
    return n;
}

void gdb_hex_encode(const uint8_t *bytes, size_t n, char *out) {
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 15];
    }
}

bool gdb_hex_decode(const char *hex, size_t n, uint8_t *out) {
    for (size_t i = 0; i < n; i++) {
        int hi = gdb_hex_digit((unsigned char)hex[2 * i]), lo = gdb_hex_digit((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    return true;
}

bool gdb_parse_hex(const char **p, const char *end, uint64_t *out) {
    const char *s = *p;
    uint64_t v = 0;
    int n = 0;
    while (s < end) {
        int d = gdb_hex_digit((unsigned char)*s);
        if (d < 0) break;
        if (v >> 60) return false;   /* a 17th significant digit */
        v = v * 16 + (uint64_t)d;
        s++;
        n++;
    }
    if (n == 0) return false;
    *p = s;
    *out = v;
    return true;
}
