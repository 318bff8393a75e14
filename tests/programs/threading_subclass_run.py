# timing: wall
# Subclassing threading.Thread: __init__ calls super().__init__(), run() is overridden.
import threading
import time


class Counter(threading.Thread):
    def __init__(self, name, n, delay):
        super().__init__(name=name)
        self.n = n
        self.delay = delay
        self.total = 0

    def run(self):
        for i in range(self.n):
            time.sleep(self.delay)
            self.total += i
        print(f"{self.name} finished in {threading.current_thread().name}: total {self.total}")


slow = Counter("slow", 3, 0.1)
fast = Counter("fast", 3, 0.05)
slow.start()
fast.start()
slow.join()
fast.join()
print("sum of totals:", slow.total + fast.total)
direct = Counter("direct", 2, 0)
direct.run()
print("run() called directly ran in", threading.current_thread().name)
