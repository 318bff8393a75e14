# order: any
# timing: wall
# Tutorial "CPU vs I/O", I/O-bound in threads: three sleeps of 0.2 s overlap, so the total is 0.2 s.
import sys
import threading
import time


def task(i):
    time.sleep(0.2)  # waiting: the GIL is released
    print(f"task {i} done")


threads = [threading.Thread(target=task, args=(i,)) for i in range(1, 4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
