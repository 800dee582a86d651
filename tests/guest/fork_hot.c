/* fork_hot.c — fork while code is hot: the parent runs loops long enough
 * to be promoted to a JIT tier (and, under --jit=llvm, to keep the
 * background compile thread busy), then forks; parent and child each run
 * more hot loops, and the parent waits for the child.  The host process
 * is forked with a helper thread alive, so the child must neither
 * deadlock on the tier's locks nor lose the regions that were queued
 * when it was copied.  Output is deterministic (child first, then the
 * parent after waitpid). */
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t mix(uint64_t seed, int rounds)
{
    uint64_t h = seed;
    for (int i = 0; i < rounds; i++) {
        h ^= h >> 13;
        h *= 0x9e3779b97f4a7c15ull;
        h += (uint64_t)i;
        if (h & 1) h = (h << 7) | (h >> 57);
    }
    return h;
}

static uint64_t sum_table(int n)
{
    static uint32_t t[4096];
    uint64_t s = 0;
    for (int r = 0; r < n; r++)
        for (int i = 0; i < 4096; i++) {
            t[i] = t[i] * 1103515245u + (uint32_t)(i ^ r);
            s += t[i] >> 3;
        }
    return s;
}

int main(void)
{
    uint64_t a = 0;
    for (int k = 0; k < 40; k++) a ^= mix((uint64_t)k, 5000);
    printf("before fork: %016llx %016llx\n", (unsigned long long)a, (unsigned long long)sum_table(20));
    fflush(stdout);
    for (int round = 0; round < 3; round++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            uint64_t c = 0;
            for (int k = 0; k < 30; k++) c += mix((uint64_t)(k + 100 * round), 4000);
            printf("child %d: %016llx %016llx\n", round, (unsigned long long)c, (unsigned long long)sum_table(10));
            return round;
        }
        int status = 0;
        if (waitpid(pid, &status, 0) != pid) {
            perror("waitpid");
            return 1;
        }
        uint64_t p = 0;
        for (int k = 0; k < 30; k++) p -= mix((uint64_t)(k * 7 + round), 4000);
        printf("parent %d: child exited %d, %016llx\n", round, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
               (unsigned long long)p);
    }
    return 0;
}
