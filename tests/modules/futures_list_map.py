# list() and sorted() consume executor.map's generator, which waits for each result in turn.
from concurrent.futures import ThreadPoolExecutor, as_completed
import time


def slow_square(n):
    time.sleep(0.01 * n)
    return n * n


with ThreadPoolExecutor(max_workers=2) as ex:
    print(list(ex.map(slow_square, [3, 1, 2])))
    print(sorted(f.result() for f in as_completed([ex.submit(slow_square, n) for n in (2, 1)])))
    print(sum(ex.map(slow_square, [1, 2])))
