/* setjmp_longjmp.c — setjmp/longjmp across frames, sigsetjmp with a
 * signal mask, and unwinding out of a signal handler (SIGUSR1 via raise).
 * Checks that callee-saved integer and FP registers come back.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static jmp_buf env;
static sigjmp_buf senv;
static volatile int depth_reached;

static void dive(int depth)
{
    volatile char pad[64];
    memset((char *)pad, depth, sizeof pad);
    depth_reached = depth;
    if (depth == 10)
        longjmp(env, depth * 3);
    dive(depth + 1);
    pad[0]++;
}

static void on_usr1(int sig)
{
    (void)sig;
    siglongjmp(senv, 7);
}

int main(void)
{
    volatile int counter = 0;
    volatile double fp = 1.25;
    int r = setjmp(env);
    printf("setjmp returned %d counter=%d fp=%g\n", r, counter, fp);
    if (r == 0) {
        counter = 5;
        fp = 2.5;
        dive(0);
    }
    printf("after dive depth=%d\n", depth_reached);

    /* longjmp(env, 0) must make setjmp return 1. */
    static jmp_buf env2;
    volatile int pass = 0;
    r = setjmp(env2);
    printf("setjmp2 returned %d pass=%d\n", r, pass);
    if (pass++ == 0)
        longjmp(env2, 0);

    signal(SIGUSR1, on_usr1);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    r = sigsetjmp(senv, 1);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("sigsetjmp returned %d usr1 blocked=%d usr2 blocked=%d\n", r, sigismember(&cur, SIGUSR1),
           sigismember(&cur, SIGUSR2));
    if (r == 0)
        raise(SIGUSR1);

    /* Callee-saved registers across longjmp in a loop. */
    register long s1 asm("s1") = 0x1111;
    register long s2 asm("s2") = 0x2222;
    register double fs0 asm("fs0") = 3.75;
    static jmp_buf env3;
    volatile int loops = 0;
    if (setjmp(env3) < 5) {
        loops++;
        asm volatile("" : "+r"(s1), "+r"(s2), "+f"(fs0));
        longjmp(env3, loops);
    }
    asm volatile("" : "+r"(s1), "+r"(s2), "+f"(fs0));
    printf("loops=%d s1=%lx s2=%lx fs0=%g\n", loops, s1, s2, fs0);
    return 0;
}
