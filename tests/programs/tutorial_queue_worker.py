# timing: wall
# Tutorial "queue worker": a worker thread squares 2, 3, 8, 9 from a queue until the stop value 0.
import queue
import threading
import time

q = queue.Queue(maxsize=0)


def worker():
    while True:
        x = q.get()
        if x == 0:
            break
        time.sleep(0.1)
        print(f"{x} squared is {x * x}")
        q.task_done()


t = threading.Thread(target=worker, name="worker")
t.start()
for x in [2, 3, 8, 9]:
    print(f"put {x}")
    q.put(x)
    time.sleep(0.02)
q.join()
q.put(0)
t.join()
print("worker stopped")
