import time
from concurrent.futures import ThreadPoolExecutor


def slow_square(x):
    time.sleep(0.01)
    return x * x


def waits(n):
    return (slow_square(i) for i in range(n))


start = time.perf_counter()
for r in map(slow_square, [1, 2, 3]):
    print("square", r)
for i, v in enumerate(waits(3), 1):
    print(i, v)
for a, b in zip(waits(3), "abc"):
    print(a, b)
for x in filter(lambda v: v % 2, waits(5)):
    print("odd", x)
with ThreadPoolExecutor(max_workers=2) as ex:
    for i, r in enumerate(ex.map(slow_square, [4, 5, 6])):
        print("pool", i, r)
    for a, b in zip("xyz", ex.map(slow_square, [7, 8, 9])):
        print("pool", a, b)
m = map(lambda x: x + 1, [1, 2])
print(next(m), next(m), next(m, "done"))
e = enumerate(waits(2))
print(next(e), list(e))
print(list(zip()), list(zip([1, 2], waits(5))))
print(list(map(slow_square, [1, 2])), sum(map(slow_square, range(4))), sorted(filter(lambda v: v > 1, waits(4))))
calls = []
lazy = map(lambda x: calls.append(x) or x, [1, 2, 3])
print(calls)
print(next(lazy), calls)
print(list(filter(None, [0, 1, "", "x"])), list(map(str, range(3))), sorted(map(abs, [-2, 1])))
print(round(time.perf_counter() - start, 2) >= 0.15)
