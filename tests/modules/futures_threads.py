from concurrent.futures import ThreadPoolExecutor, as_completed, wait, FIRST_COMPLETED
import concurrent.futures
import threading
import time

def task(n):
    time.sleep(0.05 * n)
    return n * n, threading.current_thread().name

with ThreadPoolExecutor(max_workers=2) as ex:
    futures = [ex.submit(task, n) for n in (3, 1, 2)]
    print([f.result() for f in futures])
    print([r for r in ex.map(lambda x: x + 1, [1, 2, 3])])
    print(sorted(f.result()[0] for f in as_completed(futures)))

def fail():
    raise KeyError("missing")

with ThreadPoolExecutor() as ex:
    f = ex.submit(fail)
    print(type(f.exception()).__name__, f.done(), f.cancelled())
    try:
        f.result()
    except KeyError as e:
        print("KeyError", e)
    slow = ex.submit(time.sleep, 0.2)
    try:
        slow.result(timeout=0.01)
    except concurrent.futures.TimeoutError:
        print("TimeoutError", slow.done())
    done, not_done = wait([slow, ex.submit(time.sleep, 0.01)], return_when=FIRST_COMPLETED)
    print(len(done), len(not_done))
ex.shutdown()
try:
    ex.submit(task, 1)
except RuntimeError as e:
    print("RuntimeError", e)
print(ex._max_workers)
