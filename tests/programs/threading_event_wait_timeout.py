# Event.wait(timeout) returns False when the time runs out and True when another thread sets the event.
import threading
import time

flag = threading.Event()
results = {}


def early_waiter():
    results["early"] = flag.wait(0.05)


def late_waiter():
    results["late"] = flag.wait(timeout=1.0)


e = threading.Thread(target=early_waiter)
l = threading.Thread(target=late_waiter)
e.start()
l.start()
e.join()
print("waiter with 0.05 s:", results["early"], "is_set:", flag.is_set())
time.sleep(0.05)
flag.set()
l.join()
print("waiter with 1 s:", results["late"], "is_set:", flag.is_set())
print("wait on a set event:", flag.wait(0), flag.wait())
flag.clear()
print("cleared, wait(0):", flag.wait(0))
