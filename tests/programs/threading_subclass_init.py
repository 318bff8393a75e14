# A Thread subclass whose __init__ calls super().__init__() with a name, keeps a result and overrides run().
import threading
import time


class Worker(threading.Thread):
    def __init__(self, n, delay):
        super().__init__(name=f"worker-{n}")
        self.n = n
        self.delay = delay
        self.result = None

    def run(self):
        time.sleep(self.delay)
        self.result = self.n * self.n
        print(f"{self.name} ({threading.current_thread().name}) computed {self.result}")


class Quiet(Worker):
    def __init__(self, n):
        super().__init__(n, 0.0)
        self.daemon = True


workers = [Worker(n, 0.05 * n) for n in (1, 2, 3)]
print([w.name for w in workers], [w.is_alive() for w in workers])
for w in workers:
    w.start()
for w in workers:
    w.join()
print([w.result for w in workers], [w.is_alive() for w in workers])
q = Quiet(7)
print(q.name, q.daemon, isinstance(q, threading.Thread))
q.start()
q.join()
print(q.result)
try:
    q.start()
except RuntimeError as e:
    print("RuntimeError:", e)
