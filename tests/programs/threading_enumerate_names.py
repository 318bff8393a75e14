# threading.enumerate() lists the running threads by name; default names count up; main_thread(), active_count().
import threading
import time

stop = threading.Event()


def idle():
    stop.wait()


def task():
    stop.wait()


print(threading.main_thread().name, threading.active_count())
unnamed = [threading.Thread(target=idle) for _ in range(2)]
named = threading.Thread(target=task, name="reporter")
plain = threading.Thread(target=task)
for t in unnamed + [named, plain]:
    t.start()
time.sleep(0.05)
print(sorted(t.name for t in threading.enumerate()))
print(threading.active_count(), threading.main_thread() in threading.enumerate())
print(threading.current_thread() is threading.main_thread(), threading.current_thread().name)
stop.set()
for t in unnamed + [named, plain]:
    t.join()
print([t.name for t in threading.enumerate()], threading.active_count())
later = threading.Thread(target=idle)
print(later.name)
