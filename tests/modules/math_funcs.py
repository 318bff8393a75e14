import math
print(math.sqrt(16), math.floor(2.7), math.ceil(2.1), math.floor(-2.5), math.trunc(-2.7))
print(math.pow(2, 10), math.exp(0), math.log(math.e), math.log(100, 10), math.log2(1024), math.log10(1000))
print(round(math.sin(math.pi / 2), 6), math.cos(0), math.atan2(1, 1), math.hypot(3, 4))
print(math.factorial(10), math.gcd(48, 18), math.isqrt(17), math.comb(5, 2), math.perm(5, 2))
print(math.prod([1, 2, 3, 4]), math.fsum([0.1] * 10), sum([0.1] * 10))
print(math.isclose(0.1 + 0.2, 0.3), math.isfinite(1.0), math.isinf(math.inf), math.isnan(math.nan))
print(math.pi, math.e, math.tau, math.inf, -math.inf)
print(math.degrees(math.pi), math.radians(180), math.fabs(-3), math.copysign(2, -1))
for f, args in [(math.sqrt, (-1,)), (math.log, (0,)), (math.factorial, (-1,)), (math.exp, (1000,))]:
    try:
        f(*args)
    except (ValueError, OverflowError) as e:
        print(type(e).__name__, e)
