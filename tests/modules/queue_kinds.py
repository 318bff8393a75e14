import queue
import threading
import time

q = queue.Queue()
for i in range(3):
    q.put(i)
print([q.get() for _ in range(3)], q.empty(), q.qsize())
lq = queue.LifoQueue()
for i in range(3):
    lq.put(i)
print([lq.get() for _ in range(3)])
pq = queue.PriorityQueue()
for item in [(3, "c"), (1, "a"), (2, "b"), (1, "z")]:
    pq.put(item)
print([pq.get() for _ in range(4)])
bq = queue.Queue(maxsize=1)
bq.put("x")
print(bq.full())
try:
    bq.put("y", block=False)
except queue.Full:
    print("Full")
try:
    bq.put("y", timeout=0.02)
except queue.Full:
    print("Full after timeout")
bq.get()
try:
    bq.get_nowait()
except queue.Empty:
    print("Empty")
try:
    bq.get(timeout=0.02)
except queue.Empty:
    print("Empty after timeout")

work = queue.Queue()
def worker():
    while True:
        item = work.get()
        if item is None:
            work.task_done()
            break
        time.sleep(0.01)
        print("processed", item)
        work.task_done()
t = threading.Thread(target=worker)
t.start()
for i in range(3):
    work.put(i)
work.put(None)
work.join()
print("all done")
try:
    work.task_done()
except ValueError as e:
    print("ValueError", e)
sq = queue.SimpleQueue()
sq.put(1)
print(sq.get(), sq.empty())
