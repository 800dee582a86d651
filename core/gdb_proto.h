/* gdb_proto.h — the GDB remote serial protocol's wire format, with no
 * sockets and no target: packet framing, checksums, escaping and hex.
 * core/gdbstub.c builds the stub on it; tests/unit/gdb_test.cc feeds it
 * hostile bytes.
 *
 *   on the wire:  $<data>#<2 hex checksum>     checksum = sum of data bytes mod 256
 *                 '+' / '-'                    ack / please retransmit (until QStartNoAckMode)
 *                 0x03                         interrupt (Ctrl-C) outside a packet
 *   escaping:     '}' then (byte ^ 0x20), for '$', '#', '}' and '*' in data;
 *                 the checksum covers the bytes as sent (escaped)
 *
 * GdbRx is a byte-at-a-time state machine: gdb_rx_byte returns an event
 * when a packet (unescaped into rx->buf, rx->len bytes, NUL-terminated for
 * convenience) or a control byte is complete.  Anything else is ignored;
 * a packet longer than GDB_PACKET_MAX or with a bad checksum is reported
 * as GDB_RX_BAD (the stub answers '-').
 */
#ifndef VPLAT_CORE_GDB_PROTO_H
#define VPLAT_CORE_GDB_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest packet data we accept and send (announced as PacketSize). */
#define GDB_PACKET_MAX 16384
/* An encoded packet of GDB_PACKET_MAX data bytes, escaped in the worst case. */
#define GDB_WIRE_MAX (2 * GDB_PACKET_MAX + 4)

typedef enum GdbRxEvent {
    GDB_RX_NONE,        /* nothing complete yet */
    GDB_RX_PACKET,      /* rx->buf holds a packet with a good checksum */
    GDB_RX_BAD,         /* a packet with a bad checksum, bad hex in it, or too long */
    GDB_RX_ACK,         /* '+' */
    GDB_RX_NAK,         /* '-' */
    GDB_RX_INTERRUPT,   /* 0x03 outside a packet */
} GdbRxEvent;

typedef struct GdbRx {
    enum { GDB_RX_IDLE, GDB_RX_DATA, GDB_RX_ESCAPE, GDB_RX_CSUM1, GDB_RX_CSUM2 } state;
    uint8_t sum;          /* running checksum of the bytes as received */
    uint8_t csum_hi;      /* first checksum digit's value */
    bool overflow;        /* more than GDB_PACKET_MAX data bytes */
    bool bad_digit;       /* a checksum digit was not hex */
    size_t len;
    uint8_t buf[GDB_PACKET_MAX + 1];
} GdbRx;

void gdb_rx_init(GdbRx *rx);
GdbRxEvent gdb_rx_byte(GdbRx *rx, uint8_t c);

/* Encode data as a packet ($...#xx, escaped) into out; returns the length,
 * or 0 if it does not fit in cap. */
size_t gdb_packet_encode(const void *data, size_t len, uint8_t *out, size_t cap);

/* Hex helpers.  Return the value of one digit or -1. */
int gdb_hex_digit(int c);
/* Bytes to lower-case hex (2 * n chars, no NUL). */
void gdb_hex_encode(const uint8_t *bytes, size_t n, char *out);
/* 2 * n hex chars to n bytes; false on a non-hex digit. */
bool gdb_hex_decode(const char *hex, size_t n, uint8_t *out);
/* A hex number of at most 16 digits at *p, advancing *p past it; false
 * if there is no digit or the number overflows 64 bits. */
bool gdb_parse_hex(const char **p, const char *end, uint64_t *out);

#endif
