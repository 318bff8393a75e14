# order: any
# timing: wall
# Tutorial "two threads": two threads count at the same pace; start() both, then join() both.
import threading
import time


def count(name):
    for i in range(1, 4):
        print(f"{name}: {i}")
        time.sleep(0.1)


t1 = threading.Thread(target=count, args=("Thread-1",), name="Thread-1")
t2 = threading.Thread(target=count, args=("Thread-2",), name="Thread-2")
t1.start()
t2.start()
t1.join()
t2.join()
print("main thread here")
