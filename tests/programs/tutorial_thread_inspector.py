# timing: wall
# Tutorial "thread inspector": active_count() and enumerate() while threads sleep 0.1, 0.2 and 0.3 s.
import threading
import time


def sleeper(seconds):
    time.sleep(seconds)
    print(f"{threading.current_thread().name} woke up")


sleeps = [0.1, 0.2, 0.3]
threads = []
for i, s in enumerate(sleeps):
    t = threading.Thread(target=sleeper, args=(s,), name=f"Thread-{i + 1}")
    t.daemon = i == len(sleeps) - 1
    t.start()
    threads.append(t)

time.sleep(0.05)
watched = 0.05
while watched <= 0.4:
    names = [t.name for t in threading.enumerate()]
    print(f"active_count() = {threading.active_count()}; enumerate() = {names}")
    time.sleep(0.1)
    watched += 0.1
print("main thread ends")
