# More of math: tau, lcm, isfinite, fsum, prod, comb, perm, copysign, fmod, modf, dist, frexp, ldexp.
import math

print(math.tau == 2 * math.pi, math.lcm(4, 6), math.lcm(3, 5, 7), math.gcd(0, 5), math.gcd(12, 18, 27))
print(math.isfinite(1.0), math.isfinite(math.inf), math.isfinite(math.nan))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.fsum([1e100, 1.0, -1e100]))
print(math.prod([1, 2, 3, 4]), math.prod([]), math.prod([1.5, 2]), math.prod(range(1, 6), start=2))
print(math.comb(5, 2), math.comb(10, 0), math.perm(5, 2), math.perm(5), math.comb(3, 5))
print(math.copysign(3, -0.0), math.copysign(-2.5, 1), math.fmod(7, 3), math.fmod(-7, 3), -7 % 3)
print(math.modf(3.75), math.modf(-2.5), math.dist((0, 0), (3, 4)), math.dist([1, 1, 1], [2, 2, 2]) ** 2)
print(math.frexp(8.0), math.ldexp(0.5, 4), math.trunc(3.99), math.floor(-0.5), math.ceil(-0.5))
print(math.sqrt(2) ** 2 == 2, math.isclose(math.sqrt(2) ** 2, 2), round(math.e ** 2, 10), round(math.exp(2), 10))
try:
    math.sqrt(-1)
except ValueError as e:
    print("ValueError:", e)
try:
    math.factorial(-1)
except ValueError as e:
    print("ValueError:", e)
try:
    math.log(0)
except ValueError as e:
    print("ValueError:", e)
