/* float_fmt.c — printf %f %e %g %a and strtod/strtof round trips.
 *
 * glibc's float formatting and parsing exercise integer multiprecision
 * code and FP conversions heavily; any wrong RV64 instruction shows up as
 * a wrong digit.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double vals[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0,
    3.141592653589793, 2.718281828459045, 1e-300, 1e300, 1e-320, -1e-320,
    DBL_MIN, DBL_MAX, DBL_EPSILON, DBL_TRUE_MIN, 123456789.0, 1e15, 1e16,
    1e17, 1e22, 1e23, 9007199254740993.0, 0.000123456, 5e-324, 2.5, 3.5,
    -2.5, 1.5e-5, 65536.0, 4294967296.0, 18446744073709551616.0,
    1.0e-5, 123.456, -987.654321, 0.999999999, 9.9999999e9,
};

static const char *strs[] = {
    "0", "-0", "1", "1.5", "0.1", "1e10", "1e-10", "3.14159265358979323846",
    "2.2250738585072014e-308", "2.2250738585072011e-308", "4.9e-324",
    "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
    "1.7976931348623159e308", "1e400", "-1e400", "inf", "-Infinity", "nan",
    "0x1.8p3", "0x1p-1074", "0x.8p1", "  42abc", "1e", ".5", "5.", "-.e1",
    "123456789012345678901234567890", "0.000000000000000000000000000001",
    "9007199254740993", "9007199254740995", "1.00000000000000011102230246251565",
};

int main(void)
{
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double d = vals[i];
        printf("%2zu: %f | %.17e | %g | %.3g | %a | %.20g\n", i, d, d, d, d, d, d);
        float f = (float)d;
        printf("    f: %f | %e | %g | %a\n", f, f, f, f);
        printf("    %10.4f|%-12.3e|%+g|% .0f|%#.0e|%#g\n", d, d, d, d, d, d);
    }
    double sp[] = {INFINITY, -INFINITY, NAN, -NAN};
    for (int i = 0; i < 4; i++)
        printf("special %d: %f %e %g %a %F %E %G %A\n", i, sp[i], sp[i], sp[i], sp[i],
               sp[i], sp[i], sp[i], sp[i]);
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        char *end;
        double d = strtod(strs[i], &end);
        float f = strtof(strs[i], NULL);
        long double ld = strtold(strs[i], NULL);
        printf("strtod(\"%s\") = %.17g %a consumed=%d | strtof = %.9g %a | strtold = %.21Lg\n",
               strs[i], d, d, (int)(end - strs[i]), f, f, ld);
    }
    /* Round trip a pseudo-random sweep through printf("%.17g") and strtod. */
    unsigned long long x = 0x9e3779b97f4a7c15ULL;
    int bad = 0;
    double sum = 0;
    for (int i = 0; i < 2000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        double d;
        unsigned long long bits = x & 0x7fefffffffffffffULL;
        memcpy(&d, &bits, sizeof d);
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", d);
        double back = strtod(buf, NULL);
        if (memcmp(&back, &d, sizeof d) != 0)
            bad++;
        sum += log1p(fabs(d) > 1e300 ? 1.0 : fabs(d) / (1.0 + fabs(d)));
        if (i % 250 == 0)
            printf("sweep %d: %s %.6e\n", i, buf, d);
    }
    printf("round trip failures: %d sum=%.15g\n", bad, sum);
    printf("libm: %.17g %.17g %.17g %.17g %.17g %.17g\n", sqrt(2.0), sin(1.0), exp(1.0),
           log(10.0), pow(2.0, 0.5), atan2(1.0, -1.0));
    printf("libmf: %.9g %.9g %.9g %.9g\n", sqrtf(2.0f), sinf(1.0f), expf(1.0f), logf(10.0f));
    printf("long double: %.30Lg %La\n", 1.0L / 3.0L, 1.0L / 3.0L);
    return 0;
}
