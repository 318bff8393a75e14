# Condition: notify(2) wakes two of three waiters, notify_all() the last; wait_for(timeout) gives up with False.
import threading
import time

cond = threading.Condition()
tickets = 0
woken = []


def waiter(name):
    global tickets
    with cond:
        cond.wait_for(lambda: tickets > 0)
        tickets -= 1
        woken.append(name)


threads = [threading.Thread(target=waiter, args=(f"w{i}",)) for i in range(3)]
for t in threads:
    t.start()
time.sleep(0.05)
with cond:
    tickets = 2
    cond.notify(2)
time.sleep(0.05)
with cond:
    print("after notify(2):", len(woken), "woken, tickets left", tickets)
    tickets = 1
    cond.notify_all()
for t in threads:
    t.join()
print("all woken:", sorted(woken))
with cond:
    start = time.monotonic()
    result = cond.wait_for(lambda: tickets > 0, timeout=0.1)
    print("wait_for(timeout=0.1):", result, round(time.monotonic() - start, 1))
with cond:
    print("wait_for on a true predicate:", cond.wait_for(lambda: True, timeout=0))
try:
    cond.notify()
except RuntimeError as e:
    print("RuntimeError:", e)
