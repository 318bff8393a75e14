# timing: wall
# Tutorial "two threads", sequential mode: the same counting, one call after the other.
import time


def count(name):
    for i in range(1, 4):
        print(f"{name}: {i}")
        time.sleep(0.1)


count("Thread-1")
count("Thread-2")
print("main thread here")
