import threading
import time

lock = threading.Lock()
counter = 0
def add():
    global counter
    for _ in range(1000):
        with lock:
            counter += 1
ts = [threading.Thread(target=add) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print("counter", counter)
print(lock.locked(), lock.acquire(), lock.acquire(False), lock.acquire(timeout=0.05))
lock.release()
try:
    lock.release()
except RuntimeError as e:
    print("RuntimeError", e)

r = threading.RLock()
with r:
    with r:
        print("reentrant ok")
try:
    r.release()
except RuntimeError as e:
    print("RuntimeError", e)

sem = threading.BoundedSemaphore(2)
print(sem.acquire(), sem.acquire(), sem.acquire(blocking=False))
sem.release(); sem.release()
try:
    sem.release()
except ValueError as e:
    print("ValueError", e)

ev = threading.Event()
def setter():
    time.sleep(0.05)
    ev.set()
threading.Thread(target=setter).start()
print("wait:", ev.wait(), ev.is_set(), ev.wait(0.01))
ev.clear()
print("wait timeout:", ev.wait(0.02))

barrier = threading.Barrier(3)
order = []
def party(i):
    time.sleep(0.05 * i)
    order.append(("before", i))
    barrier.wait()
    order.append(("after", i))
ps = [threading.Thread(target=party, args=(i,)) for i in range(3)]
for p in ps: p.start()
for p in ps: p.join()
print(order[:3], sorted(order[3:]))

cond = threading.Condition()
items = []
def consumer():
    with cond:
        cond.wait_for(lambda: items)
        print("consumed", items.pop())
c = threading.Thread(target=consumer)
c.start()
time.sleep(0.02)
with cond:
    items.append("x")
    cond.notify()
c.join()

fired = []
tm = threading.Timer(0.05, fired.append, args=("timer",))
tm.start()
tm.join()
print(fired)
