# timing: wall
# executor.map returns results in the order of the inputs, whatever order they finish in.
import time
from concurrent.futures import ThreadPoolExecutor


def slow_double(delay):
    time.sleep(delay)
    print(f"finished {delay}")
    return delay * 2


with ThreadPoolExecutor(max_workers=3) as executor:
    for result in executor.map(slow_double, [0.3, 0.1, 0.2]):
        print("result", result)
    print(list(executor.map(lambda a, b: a * b, [1, 2, 3], [4, 5, 6])))
    print(list(executor.map(str, range(3))))
