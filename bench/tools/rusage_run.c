/*
 * rusage_run.c — runs one command and reports its time and peak memory.
 *
 *     rusage_run REPORT_FILE PROG [ARGS...]
 *
 * Forks, execs PROG with ARGS (stdin, stdout, stderr inherited), reaps it
 * with wait4 and writes one line to REPORT_FILE:
 *
 *     status=<wait status> wall_ns=<n> utime_us=<n> stime_us=<n> maxrss_kb=<n>
 *
 * then exits 0; it exits 125 when it could not start or report.  bench/run.py
 * builds it with the host gcc and runs every timed command through it.
 *
 * Why a helper instead of os.wait4 in Python: the kernel carries a process's
 * RSS high-water mark across execve, so a child forked from python3 reports
 * at least python's own ~19 MiB as ru_maxrss, hiding the difference between
 * a small qemu run and a small native one.  Forked from this small static
 * program, the floor is this program's size (well under 1 MiB).
 * wall_ns spans fork to reap, so Python's start-up of the helper is not
 * counted either.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long tv_us(struct timeval tv)
{
    return (long long)tv.tv_sec * 1000000LL + tv.tv_usec;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: rusage_run REPORT_FILE PROG [ARGS...]\n");
        return 125;
    }
    FILE *report = fopen(argv[1], "w");
    if (!report) {
        fprintf(stderr, "rusage_run: cannot write %s: %s\n", argv[1], strerror(errno));
        return 125;
    }
    long long t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "rusage_run: fork: %s\n", strerror(errno));
        return 125;
    }
    if (pid == 0) {
        fclose(report);
        execvp(argv[2], argv + 2);
        fprintf(stderr, "rusage_run: cannot run %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "rusage_run: wait4: %s\n", strerror(errno));
            return 125;
        }
    }
    long long wall = now_ns() - t0;
    fprintf(report, "status=%d wall_ns=%lld utime_us=%lld stime_us=%lld maxrss_kb=%ld\n",
            status, wall, tv_us(ru.ru_utime), tv_us(ru.ru_stime), ru.ru_maxrss);
    if (fclose(report) != 0) {
        fprintf(stderr, "rusage_run: cannot write %s: %s\n", argv[1], strerror(errno));
        return 125;
    }
    return 0;
}
