import threading
import time

sleeps = [1, 2, 4]  # param [0.0..60 s, 8 items] Sleeps: One thread per value: how long it sleeps.
daemon_last = True  # param Last thread is a daemon: A daemon is killed when the program ends instead of being waited for.
interval_s = 0.5    # param [0.05..10 s] Inspect every: How often the main thread prints active_count() and enumerate().
watch_s = 3.0       # param [0..60 s] Main thread watches for: How long the main thread keeps inspecting before it ends.


def sleeper(seconds):
    time.sleep(seconds)
    print(f"{threading.current_thread().name} woke up")


print(f"current_thread() = {threading.current_thread().name}")
threads = []
for i, s in enumerate(sleeps):
    t = threading.Thread(target=sleeper, args=(s,), name=f"Thread-{i + 1}")
    t.daemon = daemon_last and i == len(sleeps) - 1
    t.start()
    threads.append(t)

# Inspections fall half an interval off the whole seconds, so none coincides with a thread's end.
time.sleep(interval_s / 2)
watched = interval_s / 2
while watched <= watch_s:
    names = [t.name for t in threading.enumerate()]
    print(f"active_count() = {threading.active_count()}; enumerate() = {names}")
    time.sleep(interval_s)
    watched += interval_s
for t in threads:
    print(f"{t.name}: is_alive() = {t.is_alive()}, daemon = {t.daemon}")
print("main thread ends")
