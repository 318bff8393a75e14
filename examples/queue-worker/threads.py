import queue
import threading
import time

numbers = [2, 3, 8, 9]  # param [-999..999, 20 items] Numbers: What the main thread puts, in order (not 0: 0 is the stop signal it sends last).
put_every_s = 0.4       # param [0..10 s] Put every: The main thread's pause after each put.
work_s = 1.0            # param [0..10 s] Work per item: How long the worker takes over each number.
maxsize = 0             # param [0..20] maxsize: The queue's capacity; 0 is unbounded. A full queue blocks put().
task_done = True        # param Worker calls task_done(): Without it, q.join() never returns.

q = queue.Queue(maxsize=maxsize)


def worker():
    while True:
        x = q.get()
        if x == 0:
            break
        time.sleep(work_s)
        print(f"{x} squared is {x * x}")
        if task_done:
            q.task_done()
        # else: task_done() forgotten, so q.join() below never returns


t = threading.Thread(target=worker, name="worker")
t.start()
for x in numbers:
    print(f"put {x}")
    q.put(x)
    time.sleep(put_every_s)
print("q.join(): waiting for the worker")
q.join()
print("all done; put 0 to stop the worker")
q.put(0)
t.join()
print("worker stopped")
