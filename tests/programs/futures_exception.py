# An exception in a submitted function is kept in its future: exception() returns it, result() raises it.
from concurrent.futures import ThreadPoolExecutor


def risky(x):
    if x == 3:
        raise ValueError(f"bad value {x}")
    return x * 10


with ThreadPoolExecutor(max_workers=2) as executor:
    futures = [executor.submit(risky, x) for x in range(1, 5)]
    for f in futures:
        err = f.exception()
        if err is None:
            print("result:", f.result())
        else:
            print("exception:", err, isinstance(err, ValueError))
    try:
        futures[2].result()
    except ValueError as e:
        print("result() raised:", e)
print("the pool carried on")
