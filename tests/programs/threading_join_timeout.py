# timing: wall
# join(timeout) gives up after the timeout; is_alive() tells whether the thread still runs.
import threading
import time


def slow():
    time.sleep(0.3)
    print("slow thread done")


t = threading.Thread(target=slow)
print("before start: alive =", t.is_alive())
t.start()
print("after start: alive =", t.is_alive())
t.join(timeout=0.1)
print("after join(timeout=0.1): alive =", t.is_alive())
t.join(0.05)
print("after join(0.05): alive =", t.is_alive())
t.join()
print("after join(): alive =", t.is_alive())
