# Three worker threads drain a queue, calling task_done() for each item; join() returns when all are done.
import queue
import threading
import time

tasks = queue.Queue()
done = []
lock = threading.Lock()


def worker(n):
    while True:
        item = tasks.get()
        if item is None:
            tasks.task_done()
            break
        time.sleep(0.01)
        with lock:
            done.append(item * item)
        tasks.task_done()


workers = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(3)]
for w in workers:
    w.start()
for item in range(12):
    tasks.put(item)
tasks.join()
print("all items processed:", sorted(done))
for _ in workers:
    tasks.put(None)
tasks.join()
for w in workers:
    w.join()
print("workers stopped:", [w.is_alive() for w in workers], tasks.qsize())
try:
    tasks.task_done()
except ValueError as e:
    print("ValueError:", e)
