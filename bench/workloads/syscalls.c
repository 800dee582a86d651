/*
 * syscalls.c — a loop of many small system calls, the way an I/O-bound
 * program or a busy runtime makes them: write()/writev() of a few bytes to
 * /dev/null, read() from /dev/zero, a write+read round trip through a
 * pipe, lseek()/write()/pread() on a small in-memory file (memfd_create,
 * or an unlinked temporary file where that is missing), fstat(), getpid(),
 * clock_gettime() and, now and then, openat()+close() of /dev/null.
 * Under emulation this measures the cost of leaving translated code for a
 * system call and coming back: argument and struct marshalling, the
 * emulator's syscall dispatch, and whatever it flushes or re-checks around
 * it — not the guest's arithmetic.
 *
 * Only deterministic results go into the checksum: byte counts, file
 * offsets and sizes, the bytes read back, whether getpid() kept returning
 * the same pid and whether the clock never went backwards (the pid and the
 * times themselves differ from run to run).  getpid and clock_gettime are
 * made with syscall() so that no libc cache or vDSO turns them into plain
 * function calls.
 * Usage: syscalls [scale]; the number of loop rounds (about 11 system
 * calls each) grows linearly with scale.
 */
#define _GNU_SOURCE
#include "bench_common.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SCALE 100
#define QUICK_SCALE 20
#define ROUNDS_PER_SCALE 1000
#define FILE_SPAN 4096 /* offsets into the small file stay below this */

static const BenchExpect expected[] = {
    /* scale, checksum: native x86-64 and qemu-riscv64 agree */
    {1, 0x7ee7cc8e448374fcull},
    {20, 0x3c9bd1a31fc7d093ull},
    {100, 0x46c36a72804f2f10ull},
};

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* The syscall's result, or exit with a message when it failed. */
static long check(long r, const char *what)
{
    if (r < 0)
        die(what);
    return r;
}

static uint64_t hash_bytes(uint64_t h, const unsigned char *p, long n)
{
    for (long i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static int small_file(void)
{
    int fd = memfd_create("bench-syscalls", 0);
    if (fd >= 0)
        return fd;
    FILE *f = tmpfile(); /* deleted at exit; fine for this process */
    if (!f)
        die("memfd_create and tmpfile");
    return fileno(f);
}

int main(int argc, char **argv)
{
    long scale = bench_scale(argc, argv, DEFAULT_SCALE);
    int devnull = (int)check(open("/dev/null", O_WRONLY), "open /dev/null");
    int devzero = (int)check(open("/dev/zero", O_RDONLY), "open /dev/zero");
    int pipefd[2];
    check(pipe(pipefd), "pipe");
    int file = small_file();
    long pid0 = check(syscall(SYS_getpid), "getpid");
    struct timespec prev;
    check(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &prev), "clock_gettime");

    uint64_t rng = 0x5ca11ab1e5eedull;
    uint64_t sum = 0;
    unsigned char out[64], in[64];
    long rounds = scale * ROUNDS_PER_SCALE;
    for (long i = 0; i < rounds; i++) {
        uint64_t r = bench_rand(&rng);
        long n = 1 + (long)(r & 63);
        for (int k = 0; k < 64; k += 8) {
            uint64_t v = bench_rand(&rng);
            memcpy(out + k, &v, 8);
        }

        /* small writes to /dev/null, plain and gathered */
        sum = bench_mix(sum, (uint64_t)check(write(devnull, out, (size_t)n), "write /dev/null"));
        struct iovec iov[3] = {{out, 3}, {out + 8, (size_t)(n & 15)}, {out + 32, 5}};
        sum = bench_mix(sum, (uint64_t)check(writev(devnull, iov, 3), "writev"));

        /* /dev/zero: n zero bytes */
        memset(in, 0xa5, sizeof in);
        long got = check(read(devzero, in, (size_t)n), "read /dev/zero");
        sum = bench_mix(sum, hash_bytes((uint64_t)got, in, sizeof in));

        /* pipe round trip: the reader gets exactly what was written */
        check(write(pipefd[1], out, (size_t)n), "write pipe");
        got = check(read(pipefd[0], in, sizeof in), "read pipe");
        sum = bench_mix(sum, hash_bytes((uint64_t)got, in, got));

        /* small file: seek, write, positioned read, size */
        long off = (long)((r >> 8) % FILE_SPAN);
        sum = bench_mix(sum, (uint64_t)check(lseek(file, off, SEEK_SET), "lseek"));
        sum = bench_mix(sum, (uint64_t)check(write(file, out, (size_t)n), "write file"));
        long at = (long)((r >> 24) % FILE_SPAN);
        got = check(pread(file, in, 32, at), "pread");
        sum = bench_mix(sum, hash_bytes((uint64_t)got, in, got));
        sum = bench_mix(sum, (uint64_t)check(lseek(file, 0, SEEK_END), "lseek end"));

        /* identity and time: only their consistency is deterministic */
        sum = bench_mix(sum, check(syscall(SYS_getpid), "getpid") == pid0);
        struct timespec now;
        check(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now), "clock_gettime");
        int forward = now.tv_sec > prev.tv_sec ||
                      (now.tv_sec == prev.tv_sec && now.tv_nsec >= prev.tv_nsec);
        sum = bench_mix(sum, (uint64_t)forward);
        prev = now;

        if ((i & 15) == 0) {
            struct stat st;
            check(fstat(file, &st), "fstat");
            sum = bench_mix(sum, (uint64_t)st.st_size);
        }
        if ((i & 63) == 0) {
            int fd = (int)check(open("/dev/null", O_RDONLY | O_CLOEXEC), "reopen /dev/null");
            check(close(fd), "close");
        }
    }
    return BENCH_FINISH("syscalls", scale, sum, expected);
}
