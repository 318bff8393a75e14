# timing: wall
# Condition: wait() releases the lock until notify(); notify_all(); wait_for(); wait(timeout).
import threading
import time

items = []
cond = threading.Condition()


def consumer(name):
    with cond:
        while not items:
            cond.wait()
        item = items.pop(0)
    print(f"{name} got {item}")


c1 = threading.Thread(target=consumer, args=("c1",))
c2 = threading.Thread(target=consumer, args=("c2",))
c1.start()
time.sleep(0.05)
c2.start()
time.sleep(0.05)
for item in ["first", "second"]:
    with cond:
        items.append(item)
        cond.notify()
    time.sleep(0.05)
c1.join()
c2.join()

done = False
saw = []


def watcher(name):
    with cond:
        cond.wait_for(lambda: done)
        saw.append(name)


watchers = [threading.Thread(target=watcher, args=(f"w{i}",)) for i in range(3)]
for w in watchers:
    w.start()
time.sleep(0.05)
with cond:
    done = True
    cond.notify_all()
for w in watchers:
    w.join()
print("after notify_all():", sorted(saw))
with cond:
    print("wait(timeout=0.05) returned", cond.wait(timeout=0.05))
