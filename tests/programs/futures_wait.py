# timing: wall
# concurrent.futures.wait: FIRST_COMPLETED, a timeout, and ALL_COMPLETED.
import time
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, ThreadPoolExecutor, wait


def job(delay):
    time.sleep(delay)
    return delay


with ThreadPoolExecutor(max_workers=3) as executor:
    fs = [executor.submit(job, d) for d in (0.1, 0.2, 0.3)]
    done, not_done = wait(fs, return_when=FIRST_COMPLETED)
    print("first completed:", len(done), len(not_done), [f.result() for f in done])
    done, not_done = wait(fs, timeout=0.05)
    print("after a 0.05 s timeout:", len(done), len(not_done))
    done, not_done = wait(fs, return_when=ALL_COMPLETED)
    print("all completed:", len(done), len(not_done), sorted(f.result() for f in done))
