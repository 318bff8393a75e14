# order: any
# timing: wall
# Tutorial "two threads" without join(): main goes on while they count; the program still waits for them.
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
# no join(): main goes on while they count
print("main thread here")
