from concurrent.futures import ThreadPoolExecutor, as_completed, wait, ALL_COMPLETED, FIRST_EXCEPTION
import concurrent.futures as cf
import threading
import time

def task(n):
    time.sleep(n / 20)
    if n == 2:
        raise ValueError("two")
    return n

ex = ThreadPoolExecutor(max_workers=3, thread_name_prefix="pool")
fs = {ex.submit(task, n): n for n in (3, 1, 2)}
order = []
for f in as_completed(fs):
    n = fs[f]
    if f.exception():
        order.append((n, "error", str(f.exception())))
    else:
        order.append((n, f.result()))
print(order)
done, not_done = wait(list(fs), return_when=FIRST_EXCEPTION)
print(len(done), len(not_done))
f = ex.submit(time.sleep, 0.2)
try:
    for x in as_completed([f], timeout=0.01):
        pass
except cf.TimeoutError as e:
    print("TimeoutError", e)
seen = []
g = ex.submit(task, 1)
g.add_done_callback(lambda fut: seen.append(fut.result()))
g.result()
time.sleep(0.01)
print(seen, g.done(), g.running())
queued = [ex.submit(time.sleep, 0.05) for _ in range(5)]
print(queued[-1].cancel(), queued[-1].cancelled())
ex.shutdown(wait=True)
print(sorted(t.name for t in threading.enumerate()))
print(repr(cf.Future()).split(" at ")[0], cf.Future().done())
with ThreadPoolExecutor(2) as e2:
    r = e2.map(task, [1, 3], timeout=1)
    for v in r:
        print("map", v)
