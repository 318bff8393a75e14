# A bounded Queue: put(block=False) raises Full, put(timeout) waits then raises Full, get(timeout) raises
# Empty, and a waiting put goes through when a consumer makes room.
import queue
import threading
import time

q = queue.Queue(maxsize=2)
q.put("a")
q.put("b", block=False)
print(q.qsize(), q.full(), q.empty())
try:
    q.put("c", block=False)
except queue.Full:
    print("put(block=False) on a full queue: Full")
start = time.monotonic()
try:
    q.put("c", timeout=0.1)
except queue.Full:
    print("put(timeout=0.1): Full after", round(time.monotonic() - start, 1), "s")


def make_room():
    time.sleep(0.1)
    print("consumer took", q.get())


t = threading.Thread(target=make_room)
t.start()
q.put("c", timeout=1)
print("put(timeout=1) went through once there was room")
t.join()
print([q.get_nowait() for _ in range(q.qsize())])
try:
    q.get(block=False)
except queue.Empty:
    print("get(block=False) on an empty queue: Empty")
start = time.monotonic()
try:
    q.get(timeout=0.1)
except queue.Empty:
    print("get(timeout=0.1): Empty after", round(time.monotonic() - start, 1), "s")
try:
    q.put_nowait(1)
    q.put_nowait(2)
    q.put_nowait(3)
except queue.Full:
    print("put_nowait: Full with", q.qsize(), "items")
