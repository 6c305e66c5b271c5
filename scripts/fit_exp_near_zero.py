#!/usr/bin/python3
"""Coefficients of exp_near_zero (neurons/simd/exp_approx.hpp).

exp(x) = 1 + x + x^2 q(x) on [-0.34, 0]: q, of degree 8, is fitted to
(exp(x) - 1 - x) / x^2 by least squares on 400 Chebyshev nodes in 40-digit
arithmetic (python3-mpmath). Prints the coefficients as C++ doubles, then the
truncation error and the worst error in ulp when the series is evaluated in double
as the header does (1 + (x + x^2 q), q by Estrin's scheme), on 2e5 random arguments.

    /usr/bin/python3 scripts/fit_exp_near_zero.py
"""
import math
import random

from mpmath import mp, mpf, exp, cos, pi, matrix, lu_solve

LOW, HIGH, DEGREE, NODES = -0.34, 0.0, 8, 400
mp.dps = 40


def q_exact(x):
    return mpf(1) / 2 + x / 6 if abs(x) < mpf("1e-10") else (exp(x) - 1 - x) / x**2


def fit():
    centre, half = mpf(LOW + HIGH) / 2, mpf(HIGH - LOW) / 2
    xs = [centre + half * cos(pi * (2 * i + 1) / (2 * NODES)) for i in range(NODES)]
    a = matrix(NODES, DEGREE + 1)
    b = matrix(NODES, 1)
    for i, x in enumerate(xs):
        for j in range(DEGREE + 1):
            a[i, j] = x**j
        b[i] = q_exact(x)
    solution = lu_solve(a.T * a, a.T * b)
    return [float(solution[j]) for j in range(DEGREE + 1)]


def series_in_double(c, x):
    x2 = x * x
    x4 = x2 * x2
    degrees_4_to_8 = ((c[4] + x * c[5]) + x2 * (c[6] + x * c[7])) + x4 * c[8]
    q = ((c[0] + x * c[1]) + x2 * (c[2] + x * c[3])) + x4 * degrees_4_to_8
    return 1.0 + (x + x2 * q)


def main():
    c = fit()
    for value in c:
        print(repr(value))
    rng = random.Random(1)
    xs = [rng.uniform(LOW, HIGH) for _ in range(200000)] + [LOW, -0.0, -1e-300]
    worst_ulp = max(float(abs(mpf(series_in_double(c, x)) - exp(mpf(x)))) / math.ulp(float(exp(mpf(x))))
                    for x in xs)
    truncation = max(float(abs(1 + mpf(x) + mpf(x)**2 * sum(mpf(cj) * mpf(x)**j for j, cj in enumerate(c))
                               - exp(mpf(x))) / exp(mpf(x))) for x in xs[:20000])
    print(f"truncation error (relative): {truncation:.3g}")
    print(f"worst error in double: {worst_ulp:.3f} ulp")


if __name__ == "__main__":
    main()
