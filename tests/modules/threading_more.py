import threading
import time
import sys

print(repr(threading.main_thread()).split(" ")[0], threading.current_thread() is threading.main_thread())
t = threading.Thread(target=time.sleep, args=(0.01,))
print(repr(t))
t.start()
print(repr(t).startswith("<Thread(Thread-1 (sleep), started"))
t.join()
print(repr(t).startswith("<Thread(Thread-1 (sleep), stopped"))
try:
    threading.current_thread().join()
except RuntimeError as e:
    print("RuntimeError", e)
try:
    threading.Thread(target=print).join()
except RuntimeError as e:
    print("RuntimeError", e)

caught = []
def hook(args):
    caught.append((args.exc_type.__name__, str(args.exc_value), args.thread.name))
threading.excepthook = hook
def fail():
    raise OSError("disk")
f = threading.Thread(target=fail, name="failing")
f.start()
f.join()
print(caught)
threading.excepthook = threading.__excepthook__

def quits():
    sys.exit(5)
q = threading.Thread(target=quits)
q.start()
q.join()
print("SystemExit in a thread is silent")

b = threading.Barrier(2, timeout=0.05)
try:
    b.wait()
except threading.BrokenBarrierError:
    print("broken", b.broken)
b.reset()
print("reset", b.broken, b.parties, b.n_waiting)

c = threading.Condition(threading.Lock())
woken = []
def w(i):
    with c:
        c.wait()
        woken.append(i)
ws = [threading.Thread(target=w, args=(i,)) for i in range(3)]
for x in ws: x.start()
time.sleep(0.1)
with c:
    c.notify(2)
time.sleep(0.1)
print("after notify(2):", len(woken))
with c:
    c.notify_all()
for x in ws: x.join()
print("after notify_all:", sorted(woken))
try:
    c.wait()
except RuntimeError as e:
    print("RuntimeError", e)

s = threading.Semaphore(0)
print(s.acquire(timeout=0.01), s.acquire(blocking=False))
s.release(2)
print(s.acquire(), s.acquire(), s.acquire(blocking=False))

d = threading.Thread(target=time.sleep, args=(5,), daemon=True)
d.start()
print("daemon", d.daemon, d.is_alive())
print(threading.get_ident() == threading.main_thread().ident, threading.TIMEOUT_MAX > 1e6)
print("end")
