# queue.LifoQueue: last in, first out.
import queue

stack = queue.LifoQueue()
for x in ["first", "second", "third"]:
    stack.put(x)
print(stack.qsize())
while not stack.empty():
    print(stack.get())
small = queue.LifoQueue(maxsize=1)
small.put(1)
print(small.full())
