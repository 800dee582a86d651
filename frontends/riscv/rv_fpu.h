/*
 * rv_fpu.h — bit-exact RISC-V F and D arithmetic (pure functions).
 *
 * Owns the semantics of every F/D computational instruction: results,
 * canonical NaNs, NaN-boxing checks and the accrued exception flags.
 * The FP helpers of the frontend (called by the interpreter and by both
 * JITs through the one helper table) are thin wrappers around these.
 *
 * Conventions:
 *  - rm is an already-resolved static rounding mode 0..4 (RV_RM_RNE ..
 *    RV_RM_RMM). The caller resolves DYN (7) from frm and raises an
 *    illegal-instruction trap for 5/6 or an invalid frm itself.
 *  - *fflags receives the raised flags OR-ed in (never cleared here).
 *  - Single-precision operands and results travel as the 64-bit FP
 *    register pattern: an operand whose upper 32 bits are not all ones is
 *    read as the canonical NaN; every single result is NaN-boxed.
 *  - Integer operands/results are the 64-bit integer register value; W
 *    results (including fcvt.wu) are sign-extended from 32 bits.
 *  - No global state: the host FPU environment is never changed.
 *
 * Example (fadd.s f1, f2, f3, dyn):
 *     int rm = cpu->frm;                  // caller checks rm <= 4
 *     f[1] = rv_fadd_s(&cpu->fflags, rm, f[2], f[3]);
 */
#ifndef RV_FPU_H
#define RV_FPU_H

#include <stdint.h>

/* Rounding modes (static rm field encodings). */
#define RV_RM_RNE 0
#define RV_RM_RTZ 1
#define RV_RM_RDN 2
#define RV_RM_RUP 3
#define RV_RM_RMM 4
#define RV_RM_DYN 7

/* Accrued exception flags (fflags bits). */
#define RV_FFLAG_NX 0x01u
#define RV_FFLAG_UF 0x02u
#define RV_FFLAG_OF 0x04u
#define RV_FFLAG_DZ 0x08u
#define RV_FFLAG_NV 0x10u

#define RV_CANON_NAN_S 0x7fc00000u
#define RV_CANON_NAN_D 0x7ff8000000000000ull
#define RV_NANBOX_S    0xffffffff00000000ull

/* ---- single precision ---- */
uint64_t rv_fadd_s(uint32_t *fflags, int rm, uint64_t a, uint64_t b);
uint64_t rv_fsub_s(uint32_t *fflags, int rm, uint64_t a, uint64_t b);
uint64_t rv_fmul_s(uint32_t *fflags, int rm, uint64_t a, uint64_t b);
uint64_t rv_fdiv_s(uint32_t *fflags, int rm, uint64_t a, uint64_t b);
uint64_t rv_fsqrt_s(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fmadd_s(uint32_t *fflags, int rm, uint64_t a, uint64_t b, uint64_t c);
uint64_t rv_fmsub_s(uint32_t *fflags, int rm, uint64_t a, uint64_t b, uint64_t c);
uint64_t rv_fnmsub_s(uint32_t *fflags, int rm, uint64_t a, uint64_t b, uint64_t c);
uint64_t rv_fnmadd_s(uint32_t *fflags, int rm, uint64_t a, uint64_t b, uint64_t c);
uint64_t rv_fmin_s(uint32_t *fflags, uint64_t a, uint64_t b);
uint64_t rv_fmax_s(uint32_t *fflags, uint64_t a, uint64_t b);
uint64_t rv_fsgnj_s(uint64_t a, uint64_t b);
uint64_t rv_fsgnjn_s(uint64_t a, uint64_t b);
uint64_t rv_fsgnjx_s(uint64_t a, uint64_t b);
uint64_t rv_feq_s(uint32_t *fflags, uint64_t a, uint64_t b);
uint64_t rv_flt_s(uint32_t *fflags, uint64_t a, uint64_t b);
uint64_t rv_fle_s(uint32_t *fflags, uint64_t a, uint64_t b);
uint64_t rv_fclass_s(uint64_t a);
uint64_t rv_fcvt_w_s(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_wu_s(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_l_s(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_lu_s(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_s_w(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_s_wu(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_s_l(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_s_lu(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_s_d(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fmv_x_w(uint64_t a);
uint64_t rv_fmv_w_x(uint64_t a);

/* ---- double precision ---- */
uint64_t rv_fadd_d(uint32_t *fflags, int rm, uint64_t a, uint64_t b);
uint64_t rv_fsub_d(uint32_t *fflags, int rm, uint64_t a, uint64_t b);
uint64_t rv_fmul_d(uint32_t *fflags, int rm, uint64_t a, uint64_t b);
uint64_t rv_fdiv_d(uint32_t *fflags, int rm, uint64_t a, uint64_t b);
uint64_t rv_fsqrt_d(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fmadd_d(uint32_t *fflags, int rm, uint64_t a, uint64_t b, uint64_t c);
uint64_t rv_fmsub_d(uint32_t *fflags, int rm, uint64_t a, uint64_t b, uint64_t c);
uint64_t rv_fnmsub_d(uint32_t *fflags, int rm, uint64_t a, uint64_t b, uint64_t c);
uint64_t rv_fnmadd_d(uint32_t *fflags, int rm, uint64_t a, uint64_t b, uint64_t c);
uint64_t rv_fmin_d(uint32_t *fflags, uint64_t a, uint64_t b);
uint64_t rv_fmax_d(uint32_t *fflags, uint64_t a, uint64_t b);
uint64_t rv_fsgnj_d(uint64_t a, uint64_t b);
uint64_t rv_fsgnjn_d(uint64_t a, uint64_t b);
uint64_t rv_fsgnjx_d(uint64_t a, uint64_t b);
uint64_t rv_feq_d(uint32_t *fflags, uint64_t a, uint64_t b);
uint64_t rv_flt_d(uint32_t *fflags, uint64_t a, uint64_t b);
uint64_t rv_fle_d(uint32_t *fflags, uint64_t a, uint64_t b);
uint64_t rv_fclass_d(uint64_t a);
uint64_t rv_fcvt_w_d(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_wu_d(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_l_d(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_lu_d(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_d_w(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_d_wu(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_d_l(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_d_lu(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fcvt_d_s(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_fmv_x_d(uint64_t a);
uint64_t rv_fmv_d_x(uint64_t a);

/* Soft-float-only variants of the ops that have a host fast path; they
 * give identical results and exist for tests and benchmarks. */
uint64_t rv_soft_fadd_d(uint32_t *fflags, int rm, uint64_t a, uint64_t b);
uint64_t rv_soft_fmul_d(uint32_t *fflags, int rm, uint64_t a, uint64_t b);
uint64_t rv_soft_fdiv_d(uint32_t *fflags, int rm, uint64_t a, uint64_t b);
uint64_t rv_soft_fsqrt_d(uint32_t *fflags, int rm, uint64_t a);
uint64_t rv_soft_fmadd_d(uint32_t *fflags, int rm, uint64_t a, uint64_t b, uint64_t c);

#endif /* RV_FPU_H */
