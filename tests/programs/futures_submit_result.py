# ThreadPoolExecutor as a context manager: submit, result, done, exception.
import time
from concurrent.futures import ThreadPoolExecutor


def square(x):
    time.sleep(0.05)
    return x * x


with ThreadPoolExecutor(max_workers=2) as executor:
    f = executor.submit(square, 7)
    print("done right after submit:", f.done())
    print("result:", f.result())
    print("done:", f.done(), "exception:", f.exception())
    futures = [executor.submit(square, n) for n in range(5)]
    print([fut.result() for fut in futures])
    g = executor.submit(lambda a, b=0: a + b, 2, b=3)
    print("with kwargs:", g.result())
print("the with block waited for the pool to shut down")
