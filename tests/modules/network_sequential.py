# network: one download after another (latency, whole MB as int, the end, 0 MB, under 1 MB, failures).
# Predicted times are checked in tests/modules.rs; CPython needs PYTHONPATH=examples/cpython.
import time
import network

network.configure(bandwidth_mb_s=10.0, latency_s=0.05)
t0 = time.monotonic()
for mb in network.download("a.zip", 2.5):
    print("a.zip", mb, type(mb).__name__)
print("sizes", [list(network.download(name, mb)) for name, mb in [("zero", 0), ("small", 0.3), ("whole", 2.0)]])
for after in [1, 0, 5]:
    got = []
    try:
        for mb in network.download("f.zip", 3, fail_after_mb=after):
            got.append(mb)
        print("fail_after_mb", after, got, "no error")
    except ConnectionError as e:
        print("fail_after_mb", after, got, type(e).__name__, e)
elapsed = time.monotonic() - t0
print("elapsed", 1.0 < elapsed < 1.3)
for bad in [lambda: network.configure(bandwidth_mb_s=0), lambda: network.configure(latency_s=-1)]:
    try:
        bad()
    except ValueError as e:
        print("ValueError", e)
