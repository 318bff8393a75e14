# timing: wall
# queue.Empty and queue.Full: non-blocking calls raise at once, timed calls after their timeout.
import queue
import time

q = queue.Queue(maxsize=1)
try:
    q.get_nowait()
except queue.Empty:
    print("get_nowait() on an empty queue: queue.Empty")
try:
    q.get(block=False)
except queue.Empty:
    print("get(block=False): queue.Empty")
start = time.perf_counter()
try:
    q.get(timeout=0.1)
except queue.Empty:
    print("get(timeout=0.1): queue.Empty after", round(time.perf_counter() - start, 1), "s")
q.put("only")
try:
    q.put_nowait("more")
except queue.Full:
    print("put_nowait() on a full queue: queue.Full")
try:
    q.put("more", block=False)
except queue.Full:
    print("put(block=False): queue.Full")
start = time.perf_counter()
try:
    q.put("more", timeout=0.1)
except queue.Full:
    print("put(timeout=0.1): queue.Full after", round(time.perf_counter() - start, 1), "s")
print(q.get(), isinstance(queue.Empty(), Exception))
