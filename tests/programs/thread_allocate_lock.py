# timing: wall
# _thread.allocate_lock as a done signal: the main thread blocks on acquire() until the thread releases.
import _thread
import time

done = _thread.allocate_lock()
results = []


def work(n):
    time.sleep(0.2)
    results.append(n * n)
    done.release()


done.acquire()
ident = _thread.start_new_thread(work, (7,))
print("started a thread with an ident > 0:", ident > 0)
done.acquire()
print("results:", results)
print("locked:", done.locked())
done.release()
print("acquire(blocking=False):", done.acquire(blocking=False))
done.release()
with done:
    print("with works too:", done.locked())
