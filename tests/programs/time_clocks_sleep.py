# time.sleep, perf_counter and monotonic measure the same sleeps; time.time moves with them.
import time

t0 = time.time()
p0 = time.perf_counter()
m0 = time.monotonic()
time.sleep(0.1)
time.sleep(0)
time.sleep(0.05)
p1 = time.perf_counter()
m1 = time.monotonic()
t1 = time.time()
print(0.15 <= p1 - p0 < 0.3, 0.15 <= m1 - m0 < 0.3, 0.14 < t1 - t0 < 0.3)
print(p1 > p0, m1 > m0, t1 > 1.6e9, type(time.time()).__name__)
try:
    time.sleep(-1)
except ValueError as e:
    print("ValueError:", e)
try:
    time.sleep("1")
except TypeError as e:
    print("TypeError:", e)
