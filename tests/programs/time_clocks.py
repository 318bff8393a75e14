# timing: wall
# time.sleep, perf_counter, monotonic and time: print what the clocks show, never their raw values.
import time

start = time.perf_counter()
m0 = time.monotonic()
t0 = time.time()
time.sleep(0.2)
elapsed = time.perf_counter() - start
print("slept about", round(elapsed, 1), "s")
print("monotonic advanced:", time.monotonic() - m0 > 0.19)
print("time() is after 2020:", t0 > 1577836800)
print("time() agrees with perf_counter():", abs((time.time() - t0) - elapsed) < 0.05)
time.sleep(0)
print("sleep(0) returns at once:", time.perf_counter() - start < 0.25)
a = time.perf_counter()
b = time.perf_counter()
print("perf_counter never goes back:", b >= a)
