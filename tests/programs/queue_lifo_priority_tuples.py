# LifoQueue hands back the newest item first; PriorityQueue the smallest, tuples compared item by item.
import queue

stack = queue.LifoQueue()
for item in ["first", "second", "third"]:
    stack.put(item)
print([stack.get() for _ in range(3)], stack.empty())
jobs = queue.PriorityQueue()
for job in [(3, "low"), (1, "urgent"), (2, "normal"), (1, "also urgent"), (2, "another")]:
    jobs.put(job)
print(jobs.qsize())
while not jobs.empty():
    priority, name = jobs.get()
    print(priority, name)
numbers = queue.PriorityQueue(maxsize=3)
for n in [5, 1, 4]:
    numbers.put_nowait(n)
print(numbers.full(), numbers.get_nowait(), numbers.get(), numbers.get(block=False))
bounded = queue.LifoQueue(maxsize=1)
bounded.put(1)
try:
    bounded.put(2, block=False)
except queue.Full:
    print("LifoQueue(maxsize=1) is full")
print(bounded.get(), bounded.qsize())
