/* clocks.c — a riscv64 guest for tests/det/run.sh: reads every clock and
 * random source vplat's user mode offers (clock_gettime, clock_getres,
 * gettimeofday, time, times, getrusage, rdtime and rdcycle, getrandom,
 * AT_RANDOM) and stdin, and prints what it saw, so that two runs can be
 * compared: identical under --deterministic, identical between a -record
 * run and its -replay, different otherwise (the clocks move). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static uint64_t rdtime(void) {
    uint64_t v;
    __asm__ volatile("rdtime %0" : "=r"(v));
    return v;
}

static uint64_t rdcycle(void) {
    uint64_t v;
    __asm__ volatile("rdcycle %0" : "=r"(v));
    return v;
}

static volatile uint64_t sink;

static void work(int n) {
    for (int i = 0; i < n; i++) sink += (uint64_t)i * 2654435761u;
}

int main(void) {
    const uint8_t *at = (const uint8_t *)getauxval(AT_RANDOM);
    printf("AT_RANDOM");
    for (int i = 0; i < 16; i++) printf(" %02x", at[i]);
    printf("\n");
    for (int round = 0; round < 3; round++) {
        struct timespec m, r, res;
        clock_gettime(CLOCK_MONOTONIC, &m);
        clock_gettime(CLOCK_REALTIME, &r);
        clock_getres(CLOCK_MONOTONIC, &res);
        struct timeval tv;
        gettimeofday(&tv, NULL);
        struct tms t;
        clock_t ticks = times(&t);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        uint8_t rnd[8];
        getrandom(rnd, sizeof rnd, 0);
        printf("round %d: mono %lld.%09ld real %lld.%09ld res %ld gtod %lld.%06ld time %lld times %ld utime %ld.%06ld\n",
               round, (long long)m.tv_sec, m.tv_nsec, (long long)r.tv_sec, r.tv_nsec, res.tv_nsec, (long long)tv.tv_sec,
               (long)tv.tv_usec, (long long)time(NULL), (long)ticks, (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec);
        printf("round %d: rdtime %llu rdcycle %llu getrandom", round, (unsigned long long)rdtime(),
               (unsigned long long)rdcycle());
        for (int i = 0; i < 8; i++) printf(" %02x", rnd[i]);
        printf("\n");
        struct timespec nap = {0, 1000000};
        nanosleep(&nap, NULL);
        work(20000 * (round + 1));
    }
    char line[256];
    int lines = 0;
    while (fgets(line, sizeof line, stdin)) printf("stdin %d: %s", ++lines, line);
    printf("stdin lines %d\n", lines);
    return 0;
}
