# timing: wall
# Event: wait() blocks until set(); is_set(), clear() and wait(timeout).
import threading
import time

ready = threading.Event()
print("is_set:", ready.is_set())


def waiter():
    print("waiter: waiting")
    ok = ready.wait()
    print("waiter: go!", ok)


t = threading.Thread(target=waiter)
t.start()
time.sleep(0.1)
print("main: setting the event")
ready.set()
t.join()
print("is_set:", ready.is_set())
ready.clear()
print("after clear:", ready.is_set())
print("wait(timeout=0.1):", ready.wait(timeout=0.1))
