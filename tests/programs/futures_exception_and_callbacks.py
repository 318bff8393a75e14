# Future.exception() returns what the function raised (None if it returned); result() re-raises it;
# add_done_callback runs when the future completes (at once if it already has).
import time
from concurrent.futures import ThreadPoolExecutor

seen = []


def divide(a, b):
    time.sleep(0.02)
    return a / b


def note(future):
    error = future.exception()
    seen.append("error" if error else f"value {future.result()}")


with ThreadPoolExecutor(max_workers=2) as pool:
    good = pool.submit(divide, 6, 3)
    bad = pool.submit(divide, 1, 0)
    good.add_done_callback(note)
    bad.add_done_callback(note)
    print(good.exception(), type(bad.exception()).__name__, bad.exception())
    try:
        bad.result()
    except ZeroDivisionError as e:
        print("result() re-raised:", e)
    good.add_done_callback(note)
print(sorted(seen))
print(good.done(), bad.done(), good.cancelled(), good.running())
