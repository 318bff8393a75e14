# queue.Queue: first in, first out; qsize, empty, full, maxsize, get_nowait, put_nowait.
import queue

q = queue.Queue()
print(q.empty(), q.qsize(), q.full())
for x in [3, 1, 2]:
    q.put(x)
print(q.qsize(), q.empty())
print(q.get(), q.get(), q.get())
bounded = queue.Queue(maxsize=2)
bounded.put("a")
bounded.put("b")
print(bounded.full(), bounded.qsize(), bounded.maxsize)
print(bounded.get_nowait())
bounded.put_nowait("c")
print([bounded.get(), bounded.get()], bounded.empty())
q.put((1, "tuple"))
q.put(["a", "list"])
q.put(None)
print(q.get(), q.get(), q.get())
