# timing: wall
# task_done() and join(): join returns once every item put has been marked done.
import queue
import threading
import time

q = queue.Queue()


def worker():
    while True:
        item = q.get()
        if item is None:
            q.task_done()
            break
        time.sleep(0.05)
        print(f"processed {item}")
        q.task_done()


t = threading.Thread(target=worker)
t.start()
for item in ["a", "b", "c", "d"]:
    q.put(item)
q.join()
print("all items processed")
q.put(None)
q.join()
t.join()
try:
    q.task_done()
except ValueError as e:
    print("ValueError:", e)
