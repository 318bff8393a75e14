# BoundedSemaphore refuses a release beyond its start value; a plain Semaphore allows it.
import threading

bounded = threading.BoundedSemaphore(1)
bounded.acquire()
bounded.release()
try:
    bounded.release()
except ValueError as e:
    print("ValueError:", e)
plain = threading.Semaphore(1)
plain.release()
print([plain.acquire(blocking=False) for _ in range(3)])
pool = threading.BoundedSemaphore(2)
with pool:
    with pool:
        print("two slots taken; a third:", pool.acquire(blocking=False))
print("both released:", pool.acquire(blocking=False), pool.acquire(blocking=False))
