# The math module: constants, roots, rounding, logs, trigonometry (rounded to 12 digits), factorial, gcd, isclose.
import math

print(math.pi, math.e, math.inf, -math.inf, math.isnan(math.nan), math.isinf(math.inf))
print(math.sqrt(16), math.sqrt(2), math.floor(2.7), math.floor(-2.7), math.ceil(2.1), math.ceil(-2.1))
print(math.trunc(-2.7), math.fabs(-3), math.pow(2, 10), math.hypot(3, 4))
print(math.factorial(10), math.gcd(12, 18), math.isqrt(17))
print(round(math.log(100), 12), round(math.log(8, 2), 12), round(math.log10(1000), 12), round(math.log2(1024), 12))
print(round(math.exp(1), 12), round(math.sin(math.pi / 6), 12), round(math.cos(0), 12), round(math.tan(math.pi / 4), 12))
print(round(math.atan2(1, 1), 12), round(math.degrees(math.pi), 12), round(math.radians(180), 12))
print(math.isclose(0.1 + 0.2, 0.3), 0.1 + 0.2 == 0.3, math.isclose(1.0, 1.1, rel_tol=0.2))
print(math.floor(7 / 2), math.ceil(7 / 2), math.sqrt(0.25))
print(round(math.asin(1), 12), round(math.acos(1), 12), round(math.atan(1), 12))
