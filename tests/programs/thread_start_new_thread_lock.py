# _thread: start_new_thread with arguments, an allocate_lock() used as a done signal, and lock methods.
import _thread
import time

done = _thread.allocate_lock()
results = []


def work(name, count, step=1):
    total = 0
    for i in range(0, count, step):
        total += i
    results.append((name, total))
    done.release()


done.acquire()
_thread.start_new_thread(work, ("sum", 10))
done.acquire()
_thread.start_new_thread(work, ("evens", 10), {"step": 2})
done.acquire()
print(results)
print(done.locked(), done.acquire(False), done.acquire(True, 0.05))
done.release()
print(done.locked())
time.sleep(0.05)
