# timing: wall
# Tutorial "CPU vs I/O", sequential: three I/O tasks one after another take three times as long.
import time


def task(i):
    time.sleep(0.1)  # waiting
    print(f"task {i} done")


for i in range(1, 4):
    task(i)
