import time
t0 = time.perf_counter()
m0 = time.monotonic()
time.sleep(0.2)
t1 = time.perf_counter()
print(0.19 < t1 - t0 < 0.3, time.monotonic() - m0 >= 0.2)
print(time.time() > 1.6e9, type(time.time_ns()).__name__, type(time.perf_counter_ns()).__name__)
time.sleep(0)
for bad in [-1, "x"]:
    try:
        time.sleep(bad)
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
