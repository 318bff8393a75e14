# os.cpu_count() is a positive int; os.getpid() is the same in every thread of a process.
import os
import threading

print(os.cpu_count() > 0, type(os.cpu_count()).__name__)
pids = []


def record():
    pids.append(os.getpid())


threads = [threading.Thread(target=record) for _ in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(pids), all(p == os.getpid() for p in pids), os.getpid() > 0)
