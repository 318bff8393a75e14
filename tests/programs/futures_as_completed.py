# timing: wall
# as_completed yields futures as they finish; with a timeout it raises TimeoutError.
import time
from concurrent.futures import ThreadPoolExecutor, as_completed


def job(name, delay):
    time.sleep(delay)
    return name


with ThreadPoolExecutor(max_workers=3) as executor:
    futures = {}
    for name, delay in [("slow", 0.3), ("fast", 0.1), ("medium", 0.2)]:
        futures[executor.submit(job, name, delay)] = name
    for f in as_completed(futures):
        print(f.result(), "finished; submitted as", futures[f])
    late = executor.submit(job, "late", 0.2)
    try:
        for f in as_completed([late], timeout=0.05):
            print("never")
    except TimeoutError:
        print("as_completed(timeout=0.05): TimeoutError")
    print(late.result())
