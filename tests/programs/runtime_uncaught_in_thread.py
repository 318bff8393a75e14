# stderr: first-line
# An uncaught exception in a thread ends that thread only: the rest of the program runs on.
import threading
import time


def worker():
    print("worker: starting")
    time.sleep(0.05)
    result = 10 / 0
    print("never printed", result)


def other():
    time.sleep(0.1)
    print("other thread still runs")


t1 = threading.Thread(target=worker)
t2 = threading.Thread(target=other)
t1.start()
t2.start()
t1.join()
t2.join()
print("main thread still runs")
