/*
 * coremark_like.c — a mixed integer workload in the spirit of CoreMark
 * (our own code): each iteration runs
 *   - linked-list work: build a list from a node pool, search it, reverse
 *     it, merge-sort it by two different keys, walk it;
 *   - small int16/int32 matrix work: add/scale by constants, matrix-vector
 *     and matrix-matrix products, bit-field extraction;
 *   - a character-classifying state machine over a generated text of
 *     numbers (integers, decimals, exponents, hex, junk);
 *   - bitwise CRC-16 and CRC-32 over everything produced.
 * Lots of short loops, data-dependent branches and pointer chasing.
 * Usage: coremark_like [scale]; the work grows linearly with scale.
 */
#include "bench_common.h"

#define DEFAULT_SCALE 360
#define QUICK_SCALE 75 /* smallest run of >= 0.2 s under qemu-riscv64 */
#define ITERS_PER_SCALE 10
#define LIST_N 256
#define MAT_N 20
#define TEXT_LEN 2048

static const BenchExpect expected[] = {
    /* scale, checksum: native x86-64 and qemu-riscv64 agree */
    {1, 0xcc63e6861072cab3ull},
    {75, 0xd5c1cb01862642bfull},
    {360, 0x27759a0d61994971ull},
};

/* ---------------------------------------------------------------- CRCs */

static uint16_t crc16_byte(uint16_t crc, uint8_t b)
{
    crc ^= (uint16_t)(b << 8);
    for (int i = 0; i < 8; i++)
        crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    return crc;
}

static uint16_t crc16_u32(uint16_t crc, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        crc = crc16_byte(crc, (uint8_t)(v >> (8 * i)));
    return crc;
}

static uint32_t crc32_byte(uint32_t crc, uint8_t b)
{
    crc ^= b;
    for (int i = 0; i < 8; i++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    return crc;
}

/* ---------------------------------------------------------- linked list */

typedef struct Node {
    struct Node *next;
    int32_t key;
    int32_t val;
} Node;

static Node pool[LIST_N];

static Node *list_build(uint64_t *rng, int n)
{
    Node *head = NULL;
    for (int i = 0; i < n; i++) {
        uint64_t r = bench_rand(rng);
        pool[i].key = (int32_t)(r & 0x3ff);
        pool[i].val = (int32_t)((r >> 16) & 0xffff) - 0x8000;
        pool[i].next = head;
        head = &pool[i];
    }
    return head;
}

static Node *list_find(Node *head, int32_t key, int *steps)
{
    int s = 0;
    while (head && head->key != key) {
        head = head->next;
        s++;
    }
    *steps += s;
    return head;
}

static Node *list_reverse(Node *head)
{
    Node *prev = NULL;
    while (head) {
        Node *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

static int node_cmp(const Node *a, const Node *b, int by_val)
{
    if (by_val) {
        if (a->val != b->val)
            return a->val < b->val ? -1 : 1;
    }
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return (a < b) ? -1 : (a > b);
}

/* Bottom-up merge sort on a singly linked list: stable, no recursion. */
static Node *list_sort(Node *head, int by_val)
{
    if (!head)
        return head;
    for (int width = 1;; width *= 2) {
        Node *p = head, *tail = NULL;
        int merges = 0;
        head = NULL;
        while (p) {
            merges++;
            Node *q = p;
            int psize = 0;
            for (int i = 0; i < width && q; i++) {
                psize++;
                q = q->next;
            }
            int qsize = width;
            while (psize > 0 || (qsize > 0 && q)) {
                Node *e;
                if (psize == 0) {
                    e = q; q = q->next; qsize--;
                } else if (qsize == 0 || !q) {
                    e = p; p = p->next; psize--;
                } else if (node_cmp(p, q, by_val) <= 0) {
                    e = p; p = p->next; psize--;
                } else {
                    e = q; q = q->next; qsize--;
                }
                if (tail)
                    tail->next = e;
                else
                    head = e;
                tail = e;
            }
            p = q;
        }
        tail->next = NULL;
        if (merges <= 1)
            return head;
    }
}

static uint32_t list_work(uint64_t *rng, uint16_t *crc16)
{
    Node *head = list_build(rng, LIST_N);
    int steps = 0, found = 0;
    for (int i = 0; i < 24; i++) {
        int32_t key = (int32_t)(bench_rand(rng) & 0x3ff);
        Node *n = list_find(head, key, &steps);
        if (n) {
            found++;
            n->val ^= 0x5a5a;
        }
    }
    head = list_reverse(head);
    head = list_sort(head, 1);
    uint32_t acc = (uint32_t)steps * 31u + (uint32_t)found;
    int idx = 0;
    for (Node *n = head; n; n = n->next, idx++) {
        if ((idx & 7) == 0)
            *crc16 = crc16_u32(*crc16, (uint32_t)n->val);
        acc = acc * 17u + (uint32_t)n->val;
    }
    head = list_sort(head, 0);
    for (Node *n = head; n; n = n->next)
        acc = (acc << 3 | acc >> 29) ^ (uint32_t)n->key;
    head = list_reverse(head);
    *crc16 = crc16_u32(*crc16, (uint32_t)head->key);
    return acc;
}

/* --------------------------------------------------------------- matrix */

static int16_t ma[MAT_N][MAT_N], mb[MAT_N][MAT_N];
static int32_t mc[MAT_N][MAT_N], vc[MAT_N];

static uint32_t matrix_work(uint64_t *rng, uint16_t *crc16)
{
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            uint64_t r = bench_rand(rng);
            ma[i][j] = (int16_t)((r & 0x1ff) - 0x100);
            mb[i][j] = (int16_t)(((r >> 20) & 0x1ff) - 0x100);
        }
    int16_t c = (int16_t)(bench_rand(rng) & 0x3f);
    uint32_t acc = 0;

    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++)
            ma[i][j] = (int16_t)(ma[i][j] + c);
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++)
            mc[i][j] = (int32_t)ma[i][j] * c;
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++)
            acc += (uint32_t)mc[i][j] ^ (uint32_t)(i * j);

    for (int i = 0; i < MAT_N; i++) {
        int32_t s = 0;
        for (int j = 0; j < MAT_N; j++)
            s += (int32_t)ma[i][j] * mb[j][0];
        vc[i] = s;
        acc = acc * 7u + (uint32_t)s;
    }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            int32_t s = 0;
            for (int k = 0; k < MAT_N; k++)
                s += (int32_t)ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    for (int i = 0; i < MAT_N; i++) {
        uint32_t row = 0;
        for (int j = 0; j < MAT_N; j++) {
            /* Pull a bit field out of each product: shift/mask heavy. */
            uint32_t v = (uint32_t)mc[i][j];
            row += ((v >> 2) & 0xf) * ((v >> 5) & 0x7f);
            if (mc[i][j] > vc[i])
                row ^= (uint32_t)j << 8;
        }
        *crc16 = crc16_u32(*crc16, row);
        acc += row;
    }
    return acc;
}

/* -------------------------------------------------------- state machine */

enum State { S_START, S_SIGN, S_INT, S_DOT, S_FRAC, S_EXP, S_EXPSIGN, S_EXPINT,
             S_HEX0, S_HEX, S_BAD, S_COUNT };

static char text[TEXT_LEN + 1];

static void text_build(uint64_t *rng)
{
    static const char *const pieces[] = {
        "123", "-4", "+77", "0.5", "3.14159", "-2.e5", "6e-3", "0x1f", "0xG",
        "1..2", "..", "42", "9e", "-", "+0x", "1e+10", "abc", "7.", "00017",
    };
    int pos = 0;
    while (pos < TEXT_LEN - 16) {
        const char *p = pieces[bench_rand(rng) % (sizeof pieces / sizeof pieces[0])];
        size_t len = strlen(p);
        memcpy(text + pos, p, len);
        pos += (int)len;
        text[pos++] = (bench_rand(rng) & 3) ? ',' : ' ';
    }
    text[pos] = '\0';
}

static uint32_t state_work(uint64_t *rng, uint32_t *crc32)
{
    text_build(rng);
    uint32_t final_count[S_COUNT] = {0};
    uint32_t transitions = 0;
    enum State st = S_START;
    for (const char *p = text;; p++) {
        char ch = *p;
        if (ch == ',' || ch == ' ' || ch == '\0') {
            final_count[st]++;
            st = S_START;
            if (ch == '\0')
                break;
            continue;
        }
        *crc32 = crc32_byte(*crc32, (uint8_t)ch);
        enum State next = S_BAD;
        int digit = ch >= '0' && ch <= '9';
        int hexd = digit || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
        switch (st) {
        case S_START:
            if (ch == '0' && p[1] == 'x')
                next = S_HEX0;
            else if (digit)
                next = S_INT;
            else if (ch == '-' || ch == '+')
                next = S_SIGN;
            else if (ch == '.')
                next = S_DOT;
            break;
        case S_SIGN:
            next = digit ? S_INT : ch == '.' ? S_DOT : S_BAD;
            break;
        case S_INT:
            next = digit ? S_INT : ch == '.' ? S_DOT : (ch == 'e' || ch == 'E') ? S_EXP : S_BAD;
            if (ch == 'x' && p > text && p[-1] == '0')
                next = S_HEX0;
            break;
        case S_DOT:
            next = digit ? S_FRAC : (ch == 'e') ? S_EXP : S_BAD;
            break;
        case S_FRAC:
            next = digit ? S_FRAC : (ch == 'e' || ch == 'E') ? S_EXP : S_BAD;
            break;
        case S_EXP:
            next = digit ? S_EXPINT : (ch == '-' || ch == '+') ? S_EXPSIGN : S_BAD;
            break;
        case S_EXPSIGN:
        case S_EXPINT:
            next = digit ? S_EXPINT : S_BAD;
            break;
        case S_HEX0:
            next = (ch == 'x') ? S_HEX0 : hexd ? S_HEX : S_BAD;
            break;
        case S_HEX:
            next = hexd ? S_HEX : S_BAD;
            break;
        default:
            next = S_BAD;
            break;
        }
        if (next != st)
            transitions++;
        st = next;
    }
    uint32_t acc = transitions;
    for (int i = 0; i < S_COUNT; i++)
        acc = acc * 131u + final_count[i];
    return acc;
}

/* ----------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    long scale = bench_scale(argc, argv, DEFAULT_SCALE);
    uint64_t sum = 0;
    uint16_t crc16 = 0xffff;
    uint32_t crc32 = 0xffffffffu;
    for (long it = 0; it < scale * ITERS_PER_SCALE; it++) {
        uint64_t rng = 0x243f6a8885a308d3ull ^ (uint64_t)it;
        uint32_t a = list_work(&rng, &crc16);
        uint32_t b = matrix_work(&rng, &crc16);
        uint32_t c = state_work(&rng, &crc32);
        sum = bench_mix(sum, ((uint64_t)a << 32) ^ b);
        sum = bench_mix(sum, c);
    }
    sum = bench_mix(sum, ((uint64_t)crc16 << 32) | (crc32 ^ 0xffffffffu));
    return BENCH_FINISH("coremark_like", scale, sum, expected);
}
