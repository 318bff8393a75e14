# Lock: with-statement, acquire/release, non-blocking and timed acquire, locked(), releasing twice.
import threading

counter = 0
lock = threading.Lock()


def add(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1


threads = [threading.Thread(target=add, args=(5000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("counter =", counter)
print("locked:", lock.locked())
lock.acquire()
print("locked:", lock.locked())
print("acquire(blocking=False):", lock.acquire(blocking=False))
print("acquire(timeout=0.05):", lock.acquire(timeout=0.05))
lock.release()
print("locked:", lock.locked())
try:
    lock.release()
except RuntimeError as e:
    print("RuntimeError:", e)
with lock:
    print("inside with: locked =", lock.locked())
print("after with: locked =", lock.locked())
