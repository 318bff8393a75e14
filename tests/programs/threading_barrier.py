# timing: wall
# Barrier(3): threads wait until all three have arrived; the action runs once, then all go on.
import threading
import time

passed = []
indices = []
lock = threading.Lock()


def all_arrived():
    print("all three arrived")


barrier = threading.Barrier(3, action=all_arrived)


def runner(name, delay):
    time.sleep(delay)
    print(f"{name} arrived")
    index = barrier.wait()
    with lock:
        passed.append(name)
        indices.append(index)


threads = [threading.Thread(target=runner, args=(n, d)) for n, d in [("a", 0.1), ("b", 0.2), ("c", 0.3)]]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(passed), sorted(indices))
print(barrier.parties, barrier.n_waiting, barrier.broken)
