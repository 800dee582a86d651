/*
 * nbody.c — double-precision gravitational N-body simulation: a cluster of
 * bodies with generated masses, positions and velocities, advanced with a
 * leapfrog (kick-drift-kick) integrator and a softened O(N^2) force sum.
 * FP add/mul/div/sqrt dominated, with a short inner loop over pairs.
 * The total energy is computed before and after as a physics sanity check;
 * the checksum hashes the exact bits of the final state and energies
 * (-ffp-contract=off keeps x86-64 and riscv64 bit-identical).
 * Usage: nbody [scale]; the number of time steps grows linearly with scale.
 */
#include <math.h>
#include "bench_common.h"

#define DEFAULT_SCALE 170
#define QUICK_SCALE 40 /* smallest run of >= 0.2 s under qemu-riscv64 */
#define STEPS_PER_SCALE 25
#define BODIES 40

static const BenchExpect expected[] = {
    /* scale, checksum: native x86-64 and qemu-riscv64 agree */
    {1, 0xa1a5f3a4d6a20fd5ull},
    {40, 0x5993a3c8734c5b33ull},
    {170, 0x8018c0752fdd58faull},
};

typedef struct {
    double x, y, z;
    double vx, vy, vz;
    double ax, ay, az;
    double mass;
} Body;

static Body bodies[BODIES];

static const double SOFTENING2 = 1e-4;
static const double DT = 1e-3;

/* A uniform double in [lo, hi) from 53 random bits. */
static double uniform(uint64_t *rng, double lo, double hi)
{
    double u = (double)(bench_rand(rng) >> 11) * (1.0 / 9007199254740992.0);
    return lo + (hi - lo) * u;
}

static void compute_accel(void)
{
    for (int i = 0; i < BODIES; i++)
        bodies[i].ax = bodies[i].ay = bodies[i].az = 0.0;
    for (int i = 0; i < BODIES; i++) {
        Body *bi = &bodies[i];
        for (int j = i + 1; j < BODIES; j++) {
            Body *bj = &bodies[j];
            double dx = bj->x - bi->x, dy = bj->y - bi->y, dz = bj->z - bi->z;
            double r2 = dx * dx + dy * dy + dz * dz + SOFTENING2;
            double r = sqrt(r2);
            double inv_r3 = 1.0 / (r2 * r);
            double fi = bj->mass * inv_r3, fj = bi->mass * inv_r3;
            bi->ax += dx * fi; bi->ay += dy * fi; bi->az += dz * fi;
            bj->ax -= dx * fj; bj->ay -= dy * fj; bj->az -= dz * fj;
        }
    }
}

static double energy(void)
{
    double e = 0.0;
    for (int i = 0; i < BODIES; i++) {
        const Body *b = &bodies[i];
        e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
        for (int j = i + 1; j < BODIES; j++) {
            const Body *c = &bodies[j];
            double dx = c->x - b->x, dy = c->y - b->y, dz = c->z - b->z;
            e -= b->mass * c->mass / sqrt(dx * dx + dy * dy + dz * dz + SOFTENING2);
        }
    }
    return e;
}

int main(int argc, char **argv)
{
    long scale = bench_scale(argc, argv, DEFAULT_SCALE);
    uint64_t rng = 0x3c6ef372fe94f82bull;
    double px = 0, py = 0, pz = 0, mtot = 0;
    for (int i = 0; i < BODIES; i++) {
        Body *b = &bodies[i];
        b->mass = uniform(&rng, 0.5, 2.0) / BODIES;
        b->x = uniform(&rng, -1, 1);
        b->y = uniform(&rng, -1, 1);
        b->z = uniform(&rng, -0.2, 0.2);
        /* Roughly circular motion around the z axis. */
        b->vx = -b->y * 0.4 + uniform(&rng, -0.05, 0.05);
        b->vy = b->x * 0.4 + uniform(&rng, -0.05, 0.05);
        b->vz = uniform(&rng, -0.05, 0.05);
        px += b->mass * b->vx; py += b->mass * b->vy; pz += b->mass * b->vz;
        mtot += b->mass;
    }
    /* Zero the total momentum so the cluster stays put. */
    for (int i = 0; i < BODIES; i++) {
        bodies[i].vx -= px / mtot;
        bodies[i].vy -= py / mtot;
        bodies[i].vz -= pz / mtot;
    }

    double e0 = energy();
    compute_accel();
    long steps = scale * STEPS_PER_SCALE;
    for (long s = 0; s < steps; s++) {
        for (int i = 0; i < BODIES; i++) {
            Body *b = &bodies[i];
            b->vx += 0.5 * DT * b->ax; b->vy += 0.5 * DT * b->ay; b->vz += 0.5 * DT * b->az;
            b->x += DT * b->vx; b->y += DT * b->vy; b->z += DT * b->vz;
        }
        compute_accel();
        for (int i = 0; i < BODIES; i++) {
            Body *b = &bodies[i];
            b->vx += 0.5 * DT * b->ax; b->vy += 0.5 * DT * b->ay; b->vz += 0.5 * DT * b->az;
        }
    }
    double e1 = energy();
    double drift = fabs((e1 - e0) / e0);
    if (!(drift < 1e-2)) {
        fprintf(stderr, "nbody: energy drift %g is implausibly large\n", drift);
        return 1;
    }

    uint64_t sum = 0;
    sum = bench_mix_double(sum, e0);
    sum = bench_mix_double(sum, e1);
    for (int i = 0; i < BODIES; i++) {
        const Body *b = &bodies[i];
        sum = bench_mix_double(sum, b->x);
        sum = bench_mix_double(sum, b->y);
        sum = bench_mix_double(sum, b->z);
        sum = bench_mix_double(sum, b->vx);
        sum = bench_mix_double(sum, b->vy);
        sum = bench_mix_double(sum, b->vz);
    }
    return BENCH_FINISH("nbody", scale, sum, expected);
}
