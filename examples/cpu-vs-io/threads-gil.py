import sys
import threading
import time

tasks = 4                 # param [1..32] Tasks: How many tasks of equal size.
work = "cpu"              # param [cpu|io] Work: cpu computes; io waits (a sleep stands for the network or a disk).
iterations = 4000000      # param [0..20000000] Size of a CPU task: Loop iterations of one task (4 million: about 0.15 s of CPython).
seconds = 1.0             # param [0..30 s] Size of an I/O task: How long one task waits.
switch_interval_ms = 5.0  # param [0.5..100 ms] GIL switch interval: sys.setswitchinterval: how long a thread may keep the GIL while others wait.


def task(i):
    if work == "cpu":
        total = 0
        for k in range(iterations):  # computing: needs the GIL
            total += k % 7
    else:
        time.sleep(seconds)  # waiting: the GIL is released
    print(f"task {i} done")


sys.setswitchinterval(switch_interval_ms / 1000)  # in seconds
threads = [threading.Thread(target=task, args=(i,)) for i in range(1, tasks + 1)]
for t in threads:
    t.start()
for t in threads:
    t.join()
