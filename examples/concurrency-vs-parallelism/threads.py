import threading
import time

tasks = 4            # param [1..16] Tasks: How many tasks run.
iterations = 2000000  # param [0..20000000] Compute: Loop iterations of CPU work before and after each wait.
wait_s = 1.0          # param [0..60 s] Wait: The wait in the middle of each task.


def compute(iterations):
    total = 0
    for k in range(iterations):  # CPU-bound: the thread is busy
        total += k % 7
    return total


def task(i):
    compute(iterations)
    time.sleep(wait_s)
    compute(iterations)
    print(f"task {i} done")


# Parallel only without a GIL (free-threaded Python 3.13t+, as this mode runs); with one, computing takes turns.
threads = [threading.Thread(target=task, args=(i,)) for i in range(1, tasks + 1)]
for t in threads:
    t.start()
for t in threads:
    t.join()
