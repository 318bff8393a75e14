# concurrent.futures.TimeoutError (the builtin TimeoutError since 3.11) from result(timeout) and
# exception(timeout); as_completed(timeout) raises it too.
import concurrent.futures
import time
from concurrent.futures import ThreadPoolExecutor, as_completed


def slow(x):
    time.sleep(0.2)
    return x


print(concurrent.futures.TimeoutError is TimeoutError)
with ThreadPoolExecutor(max_workers=2) as executor:
    f = executor.submit(slow, 1)
    try:
        f.result(timeout=0.05)
    except concurrent.futures.TimeoutError:
        print("result(timeout=0.05): TimeoutError; done:", f.done())
    try:
        f.exception(timeout=0.05)
    except TimeoutError:
        print("exception(timeout=0.05): TimeoutError")
    print("exception() once finished:", f.exception(), "result:", f.result(timeout=1))
    g = executor.submit(slow, 2)
    try:
        for done in as_completed([g], timeout=0.05):
            print("never")
    except concurrent.futures.TimeoutError as e:
        print("as_completed timed out:", type(e).__name__)
    print(g.result())
