# queue.PriorityQueue: the smallest item first; tuples order by priority, then by the next field.
import queue

pq = queue.PriorityQueue()
pq.put((2, "write the report"))
pq.put((1, "read the mail"))
pq.put((3, "sleep"))
pq.put((1, "answer the phone"))
while not pq.empty():
    priority, task = pq.get()
    print(priority, task)
numbers = queue.PriorityQueue()
for n in [5, 1, 4, 2, 3]:
    numbers.put(n)
print([numbers.get() for _ in range(5)])
