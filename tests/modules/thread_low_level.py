import _thread
import time

lock = _thread.allocate_lock()
done = []
def work(name, delay):
    time.sleep(delay)
    with lock:
        done.append(name)

_thread.start_new_thread(work, ("a", 0.05))
_thread.start_new_thread(work, ("b", 0.1))
time.sleep(0.3)
print(done, type(_thread.get_ident()).__name__, lock.locked())
