# Lock.acquire(timeout) gives up with False while another thread holds the lock; locked() tells.
import threading
import time

lock = threading.Lock()


def hold():
    with lock:
        time.sleep(0.2)


t = threading.Thread(target=hold)
t.start()
time.sleep(0.05)
print("locked:", lock.locked())
print("acquire(blocking=False):", lock.acquire(blocking=False))
start = time.perf_counter()
print("acquire(timeout=0.05):", lock.acquire(timeout=0.05), round(time.perf_counter() - start, 1))
print("acquire(timeout=1):", lock.acquire(timeout=1))
print("locked:", lock.locked())
lock.release()
t.join()
print("locked:", lock.locked())
try:
    lock.acquire(blocking=False, timeout=1)
except ValueError as e:
    print("ValueError:", e)
