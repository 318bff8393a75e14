# order: any
# timing: wall
# Tutorial "CPU vs I/O", CPU-bound in threads under the GIL: each task computes until its deadline.
import sys
import threading
import time


def task(i):
    end = time.perf_counter() + 0.2
    while time.perf_counter() < end:
        pass  # computing: needs the GIL
    print(f"task {i} done")


sys.setswitchinterval(0.005)  # seconds
threads = [threading.Thread(target=task, args=(i,)) for i in range(1, 3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
