# timing: wall
# shutdown(wait=True) waits for submitted work; submit after shutdown raises RuntimeError.
import time
from concurrent.futures import ThreadPoolExecutor


def job(delay):
    time.sleep(delay)
    print(f"job {delay} done")
    return delay


executor = ThreadPoolExecutor(max_workers=2)
fs = [executor.submit(job, d) for d in (0.2, 0.1)]
executor.shutdown(wait=True)
print("after shutdown(wait=True):", [f.done() for f in fs])
try:
    executor.submit(job, 0)
except RuntimeError as e:
    print("RuntimeError:", e)
other = ThreadPoolExecutor(max_workers=1)
f = other.submit(job, 0.1)
other.shutdown(wait=False)
print("shutdown(wait=False) returned before the job finished:", not f.done())
print("result:", f.result())
