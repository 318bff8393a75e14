import threading
import time

def worker(n, results):
    results.append(n * n)
    time.sleep(0.01 * n)

results = []
threads = [threading.Thread(target=worker, args=(i, results)) for i in range(1, 4)]
print([t.name for t in threads])
for t in threads:
    t.start()
print(threading.active_count() >= 2, threading.current_thread().name, threading.main_thread().name)
for t in threads:
    t.join()
print(sorted(results), [t.is_alive() for t in threads], threading.active_count())
t = threading.Thread(target=worker, args=(1, results), name="custom", daemon=True)
print(t.name, t.daemon, t.ident)
t.start()
t.join()
print(t.ident is not None, t.is_alive())
try:
    t.start()
except RuntimeError as e:
    print("RuntimeError", e)

class Counter(threading.Thread):
    def __init__(self):
        super().__init__()
        self.count = 0
    def run(self):
        for _ in range(5):
            self.count += 1

c = Counter()
c.start()
c.join()
print(c.name, c.count)
print([th.name for th in threading.enumerate()])

slow = threading.Thread(target=time.sleep, args=(0.3,))
slow.start()
slow.join(timeout=0.05)
print("alive after timeout:", slow.is_alive())
slow.join()
print("alive after join:", slow.is_alive())
