/*
 * interp_loop.c — a small register-machine bytecode interpreter with a
 * switch-based dispatch loop, running three bytecode programs assembled at
 * startup: a prime sieve, Collatz sequence lengths, and a checksum loop
 * that calls a bytecode subroutine (CALL/RET).  gcc turns the switch into
 * a jump table, so nearly every bytecode executes one host-unpredictable
 * indirect branch: this is the workload that stresses an emulator's
 * indirect-jump handling (jump cache, TB lookup) and short blocks.
 * Usage: interp_loop [scale]; the number of program runs grows linearly.
 */
#include "bench_common.h"

#define DEFAULT_SCALE 12
#define QUICK_SCALE 3 /* smallest run of >= 0.2 s under qemu-riscv64 */
#define MEM_WORDS 16384 /* power of two: addresses are masked into range */
#define CODE_MAX 256
#define RSTACK 64

static const BenchExpect expected[] = {
    /* scale, checksum: native x86-64 and qemu-riscv64 agree */
    {1, 0x8d3257eb52b5bd05ull},
    {3, 0x4faad40e2c4f31d9ull},
    {12, 0x2074ad1b253aeb4full},
};

enum Op {
    OP_HALT, OP_LI, OP_MOV, OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_OR, OP_XOR,
    OP_SHL, OP_SHR, OP_ADDI, OP_REMU, OP_LOAD, OP_STORE, OP_JMP, OP_BEQ,
    OP_BNE, OP_BLTU, OP_BGEU, OP_CALL, OP_RET, OP_ODD,
};

typedef struct {
    uint8_t op, a, b, c;
    int32_t imm;
} Insn;

typedef struct {
    Insn code[CODE_MAX];
    int n;
} Program;

static uint64_t mem[MEM_WORDS];

/* Runs a program; r[] is both input and output.  Returns bytecodes run. */
static uint64_t vm_run(const Program *p, uint64_t r[16])
{
    uint32_t rstack[RSTACK];
    int rsp = 0;
    uint32_t pc = 0;
    uint64_t count = 0;
    for (;;) {
        const Insn *in = &p->code[pc++];
        count++;
        switch (in->op) {
        case OP_HALT:
            return count;
        case OP_LI:
            r[in->a] = (uint64_t)(int64_t)in->imm;
            break;
        case OP_MOV:
            r[in->a] = r[in->b];
            break;
        case OP_ADD:
            r[in->a] = r[in->b] + r[in->c];
            break;
        case OP_SUB:
            r[in->a] = r[in->b] - r[in->c];
            break;
        case OP_MUL:
            r[in->a] = r[in->b] * r[in->c];
            break;
        case OP_AND:
            r[in->a] = r[in->b] & r[in->c];
            break;
        case OP_OR:
            r[in->a] = r[in->b] | r[in->c];
            break;
        case OP_XOR:
            r[in->a] = r[in->b] ^ r[in->c];
            break;
        case OP_SHL:
            r[in->a] = r[in->b] << (in->imm & 63);
            break;
        case OP_SHR:
            r[in->a] = r[in->b] >> (in->imm & 63);
            break;
        case OP_ADDI:
            r[in->a] = r[in->b] + (uint64_t)(int64_t)in->imm;
            break;
        case OP_REMU:
            r[in->a] = r[in->c] ? r[in->b] % r[in->c] : r[in->b];
            break;
        case OP_LOAD:
            r[in->a] = mem[(r[in->b] + (uint64_t)(int64_t)in->imm) & (MEM_WORDS - 1)];
            break;
        case OP_STORE:
            mem[(r[in->b] + (uint64_t)(int64_t)in->imm) & (MEM_WORDS - 1)] = r[in->a];
            break;
        case OP_JMP:
            pc = (uint32_t)in->imm;
            break;
        case OP_BEQ:
            if (r[in->a] == r[in->b])
                pc = (uint32_t)in->imm;
            break;
        case OP_BNE:
            if (r[in->a] != r[in->b])
                pc = (uint32_t)in->imm;
            break;
        case OP_BLTU:
            if (r[in->a] < r[in->b])
                pc = (uint32_t)in->imm;
            break;
        case OP_BGEU:
            if (r[in->a] >= r[in->b])
                pc = (uint32_t)in->imm;
            break;
        case OP_CALL:
            if (rsp == RSTACK) {
                fprintf(stderr, "interp_loop: return stack overflow\n");
                exit(1);
            }
            rstack[rsp++] = pc;
            pc = (uint32_t)in->imm;
            break;
        case OP_RET:
            if (rsp == 0) {
                fprintf(stderr, "interp_loop: return stack underflow\n");
                exit(1);
            }
            pc = rstack[--rsp];
            break;
        case OP_ODD:
            r[in->a] = r[in->b] & 1;
            break;
        default:
            fprintf(stderr, "interp_loop: bad opcode %u at %u\n", in->op, pc - 1);
            exit(1);
        }
        if (pc >= (uint32_t)p->n) {
            fprintf(stderr, "interp_loop: pc %u out of range\n", pc);
            exit(1);
        }
    }
}

/* ------------------------------------------------------- tiny assembler */

static int emit(Program *p, int op, int a, int b, int c, int32_t imm)
{
    if (p->n == CODE_MAX) {
        fprintf(stderr, "interp_loop: program too long\n");
        exit(1);
    }
    p->code[p->n] = (Insn){(uint8_t)op, (uint8_t)a, (uint8_t)b, (uint8_t)c, imm};
    return p->n++;
}

static int here(const Program *p) { return p->n; }
static void patch(Program *p, int at, int target) { p->code[at].imm = target; }

/* Sieve of Eratosthenes over mem[0..r1), prime count into r0.
 * In: r1 = limit. Uses r2..r6. */
static void build_sieve(Program *p)
{
    emit(p, OP_LI, 2, 0, 0, 0);               /* i = 0 */
    emit(p, OP_LI, 3, 0, 0, 1);
    int fill = here(p);
    emit(p, OP_STORE, 3, 2, 0, 0);            /* mem[i] = 1 */
    emit(p, OP_ADDI, 2, 2, 0, 1);
    emit(p, OP_BLTU, 2, 1, 0, fill);
    emit(p, OP_LI, 4, 0, 0, 0);
    emit(p, OP_STORE, 4, 4, 0, 0);            /* mem[0] = mem[1] = 0 */
    emit(p, OP_STORE, 4, 4, 0, 1);
    emit(p, OP_LI, 2, 0, 0, 2);               /* i = 2 */
    int outer = here(p);
    emit(p, OP_MUL, 5, 2, 2, 0);              /* j = i * i */
    int done = emit(p, OP_BGEU, 5, 1, 0, -1); /* if j >= limit: count */
    emit(p, OP_LOAD, 6, 2, 0, 0);
    int skip = emit(p, OP_BEQ, 6, 4, 0, -1);  /* composite: next i */
    int inner = here(p);
    emit(p, OP_STORE, 4, 5, 0, 0);            /* mem[j] = 0 */
    emit(p, OP_ADD, 5, 5, 2, 0);
    emit(p, OP_BLTU, 5, 1, 0, inner);
    patch(p, skip, here(p));
    emit(p, OP_ADDI, 2, 2, 0, 1);
    emit(p, OP_JMP, 0, 0, 0, outer);
    patch(p, done, here(p));
    emit(p, OP_LI, 0, 0, 0, 0);               /* count */
    emit(p, OP_LI, 2, 0, 0, 0);
    int cnt = here(p);
    emit(p, OP_LOAD, 6, 2, 0, 0);
    emit(p, OP_ADD, 0, 0, 6, 0);
    emit(p, OP_ADDI, 2, 2, 0, 1);
    emit(p, OP_BLTU, 2, 1, 0, cnt);
    emit(p, OP_HALT, 0, 0, 0, 0);
}

/* Collatz: for n in [r1, r1 + r2) sum of steps to reach 1 into r0 and the
 * longest chain into r7.  Uses r3..r9. */
static void build_collatz(Program *p)
{
    emit(p, OP_LI, 0, 0, 0, 0);
    emit(p, OP_LI, 7, 0, 0, 0);
    emit(p, OP_LI, 8, 0, 0, 1);
    emit(p, OP_ADD, 9, 1, 2, 0);              /* end = start + count */
    int outer = here(p);
    emit(p, OP_MOV, 3, 1, 0, 0);              /* x = n */
    emit(p, OP_LI, 4, 0, 0, 0);               /* steps = 0 */
    int loop = here(p);
    int fin = emit(p, OP_BEQ, 3, 8, 0, -1);   /* x == 1 → done */
    emit(p, OP_ODD, 5, 3, 0, 0);
    int even = emit(p, OP_BNE, 5, 8, 0, -1);
    emit(p, OP_ADD, 6, 3, 3, 0);              /* x = 3x + 1 */
    emit(p, OP_ADD, 3, 6, 3, 0);
    emit(p, OP_ADDI, 3, 3, 0, 1);
    int join = emit(p, OP_JMP, 0, 0, 0, -1);
    patch(p, even, here(p));
    emit(p, OP_SHR, 3, 3, 0, 1);              /* x = x / 2 */
    patch(p, join, here(p));
    emit(p, OP_ADDI, 4, 4, 0, 1);
    emit(p, OP_JMP, 0, 0, 0, loop);
    patch(p, fin, here(p));
    emit(p, OP_ADD, 0, 0, 4, 0);
    int nomax = emit(p, OP_BGEU, 7, 4, 0, -1);
    emit(p, OP_MOV, 7, 4, 0, 0);
    patch(p, nomax, here(p));
    emit(p, OP_ADDI, 1, 1, 0, 1);
    emit(p, OP_BLTU, 1, 9, 0, outer);
    emit(p, OP_HALT, 0, 0, 0, 0);
}

/* Hash loop: h = mix(h, mem[i] + i) for i < r1 via a subroutine, result in
 * r0.  In: r1 = length, r2 = seed.  Uses r3..r6. */
static void build_hash(Program *p)
{
    int entry = emit(p, OP_JMP, 0, 0, 0, -1);
    int mix = here(p);                        /* mix: r0 = f(r0, r3) */
    emit(p, OP_XOR, 0, 0, 3, 0);
    emit(p, OP_SHL, 4, 0, 0, 13);
    emit(p, OP_XOR, 0, 0, 4, 0);
    emit(p, OP_SHR, 4, 0, 0, 7);
    emit(p, OP_XOR, 0, 0, 4, 0);
    emit(p, OP_SHL, 4, 0, 0, 17);
    emit(p, OP_XOR, 0, 0, 4, 0);
    emit(p, OP_RET, 0, 0, 0, 0);
    patch(p, entry, here(p));
    emit(p, OP_MOV, 0, 2, 0, 0);
    emit(p, OP_LI, 5, 0, 0, 0);
    int loop = here(p);
    emit(p, OP_LOAD, 3, 5, 0, 0);
    emit(p, OP_ADD, 3, 3, 5, 0);
    emit(p, OP_CALL, 0, 0, 0, mix);
    emit(p, OP_ADDI, 5, 5, 0, 1);
    emit(p, OP_STORE, 0, 5, 0, -1);           /* mem[i] = h: keeps it live */
    emit(p, OP_BLTU, 5, 1, 0, loop);
    emit(p, OP_HALT, 0, 0, 0, 0);
}

int main(int argc, char **argv)
{
    long scale = bench_scale(argc, argv, DEFAULT_SCALE);
    static Program sieve, collatz, hash;
    build_sieve(&sieve);
    build_collatz(&collatz);
    build_hash(&hash);

    uint64_t sum = 0, executed = 0;
    for (long round = 0; round < scale; round++) {
        uint64_t r[16] = {0};
        r[1] = MEM_WORDS - (uint64_t)(round % 97);
        executed += vm_run(&sieve, r);
        if (round == 0 && r[0] != 1900) { /* pi(16384) = 1900 */
            fprintf(stderr, "interp_loop: sieve found %llu primes, expected 1900\n",
                    (unsigned long long)r[0]);
            return 1;
        }
        sum = bench_mix(sum, r[0]);

        memset(r, 0, sizeof r);
        r[1] = 1 + (uint64_t)round * 1000;
        r[2] = 3000;
        executed += vm_run(&collatz, r);
        sum = bench_mix(sum, r[0] << 16 ^ r[7]);

        for (int k = 0; k < 4; k++) {
            memset(r, 0, sizeof r);
            r[1] = MEM_WORDS;
            r[2] = (uint64_t)round << 8 | (uint64_t)k;
            executed += vm_run(&hash, r);
            sum = bench_mix(sum, r[0]);
        }
    }
    sum = bench_mix(sum, executed);
    return BENCH_FINISH("interp_loop", scale, sum, expected);
}
