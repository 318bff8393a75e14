# shutdown(wait=False) returns at once while queued work still runs; map() over two iterables keeps order
# and raises a worker's exception when its result is reached.
import time
from concurrent.futures import ThreadPoolExecutor, as_completed


def job(n):
    time.sleep(0.05 * n)
    return n * 10


def power(base, exp):
    if exp < 0:
        raise ValueError(f"negative exponent {exp}")
    return base ** exp


executor = ThreadPoolExecutor(max_workers=2)
futures = [executor.submit(job, n) for n in (4, 1, 2)]
executor.shutdown(wait=False)
print("shutdown(wait=False) returned; done:", [f.done() for f in futures])
print("completed in order:", [f.result() for f in as_completed(futures)])
with ThreadPoolExecutor(max_workers=3) as pool:
    print(list(pool.map(power, [2, 3, 4], [3, 2, 1])))
    results = pool.map(power, [2, 2, 2], [1, -1, 2])
    print(next(results))
    try:
        next(results)
    except ValueError as e:
        print("ValueError:", e)
    print(list(pool.map(job, [])))
