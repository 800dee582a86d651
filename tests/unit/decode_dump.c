/* decode_dump.c — host tool for tests/unit/decode_vs_objdump.sh.
 *
 * Decodes a raw RISC-V code image (objcopy -O binary of .text, loaded at
 * address 0) with rv_decode/rv_disas and prints one line per instruction:
 *     <hex addr>\t<hex encoding>\t<mnemonic> <operands>   (or "illegal")
 * which the script compares against binutils' objdump of the same bytes.
 * It also writes the assembler inputs for the exhaustive 16-bit sweep and
 * the pseudo-random 32-bit sweep, so the script needs no other tools.
 *
 *   decode_dump dis FILE       disassemble FILE
 *   decode_dump gen16          every 16-bit encoding (low bits != 11) as .2byte lines
 *   decode_dump gen32 N SEED   N 32-bit words biased towards assigned opcodes
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontends/riscv/rv_decode.h"

static int rv_dump_dis(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    static uint8_t data[1 << 22];
    size_t n = fread(data, 1, sizeof(data), f);
    fclose(f);
    for (size_t pc = 0; pc + 2 <= n;) {
        uint32_t raw = data[pc] | (uint32_t)data[pc + 1] << 8;
        if ((raw & 3) == 3) {
            if (pc + 4 > n)
                break;
            raw |= (uint32_t)data[pc + 2] << 16 | (uint32_t)data[pc + 3] << 24;
        }
        RvInsn insn;
        char text[96];
        bool ok = rv_decode(raw, &insn);
        if (ok) {
            rv_disas(&insn, pc, text, sizeof(text));
            /* collapse the mnemonic padding to one space, like the script does for objdump */
            char *sp = strchr(text, ' ');
            if (sp) {
                char *q = sp;
                while (*q == ' ')
                    q++;
                memmove(sp + 1, q, strlen(q) + 1);
            }
        }
        printf("%zx\t%0*x\t%s\n", pc, insn.len * 2, raw & (insn.len == 2 ? 0xffffu : ~0u),
               ok ? text : "illegal");
        pc += insn.len;
    }
    return 0;
}

/* xorshift64: deterministic for a given seed, no global state. */
static uint64_t rv_dump_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int rv_dump_gen32(unsigned long count, uint64_t seed)
{
    /* Major opcodes (bits 6:2) that RV64GC assigns, so most words land on
     * real funct3/funct7 decisions; a quarter stay fully random. */
    static const uint8_t majors[] = {
        0x00, 0x01, 0x03, 0x04, 0x05, 0x06, 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e,
        0x10, 0x11, 0x12, 0x13, 0x14, 0x18, 0x19, 0x1b, 0x1c,
    };
    /* CSR numbers whose names both we and binutils print the same way. */
    static const uint16_t csrs[] = {
        0x001, 0x002, 0x003, 0xc00, 0xc01, 0xc02, 0xc03, 0xc1f, 0x100, 0x105,
        0x140, 0x141, 0x142, 0x143, 0x180, 0x300, 0x301, 0x304, 0x305, 0x340,
        0x341, 0x342, 0x343, 0x344, 0xf14, 0xb00, 0xb02, 0xb05, 0x3a0, 0x3b3,
        0x7c0, 0x800, 0x5c0,
    };
    uint64_t s = seed ? seed : 0x9e3779b97f4a7c15ull;
    printf("\t.text\n");
    for (unsigned long i = 0; i < count; i++) {
        uint64_t r = rv_dump_rand(&s);
        uint32_t w = (uint32_t)r | 3;
        if ((r >> 32) % 4 != 0)
            w = (w & ~0x7cu) | (uint32_t)majors[(r >> 40) % sizeof(majors)] << 2;
        /* bits 4:2 = 111 announce a 48-bit or longer insn: objdump would
         * then read past this word, so keep the sweep to 32-bit words */
        if ((w & 0x1c) == 0x1c)
            w &= ~0x10u;
        if ((w & 0x7f) == 0x73 && (w & 0x7000) != 0)
            w = (w & 0x000fffffu) | (uint32_t)csrs[(r >> 48) % (sizeof(csrs) / sizeof(csrs[0]))] << 20;
        /* SYSTEM funct3 0: mostly random words are illegal; mix in the exact ones */
        if ((w & 0x707f) == 0x73 && (r >> 56) % 2 == 0) {
            static const uint32_t sys[] = { 0x00000073, 0x00100073, 0x10200073, 0x30200073, 0x10500073 };
            w = sys[(r >> 57) % 5];
        }
        printf("\t.4byte 0x%08x\n", w);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "dis") == 0)
        return rv_dump_dis(argv[2]);
    if (argc == 2 && strcmp(argv[1], "gen16") == 0) {
        printf("\t.text\n");
        for (uint32_t v = 0; v < 0x10000; v++)
            if ((v & 3) != 3)
                printf("\t.2byte 0x%04x\n", v);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "gen32") == 0)
        return rv_dump_gen32(strtoul(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
    fprintf(stderr, "usage: %s dis FILE | gen16 | gen32 COUNT SEED\n", argv[0]);
    return 2;
}
