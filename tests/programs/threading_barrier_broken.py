# Barrier.wait(timeout) breaks the barrier; the others waiting get BrokenBarrierError; reset() mends it.
import threading
import time

barrier = threading.Barrier(3)
outcomes = []
lock = threading.Lock()


def patient():
    try:
        barrier.wait()
        result = "passed"
    except threading.BrokenBarrierError:
        result = "broken"
    with lock:
        outcomes.append(("patient", result))


def impatient():
    time.sleep(0.05)
    try:
        barrier.wait(timeout=0.1)
        result = "passed"
    except threading.BrokenBarrierError:
        result = "timed out, broke it"
    with lock:
        outcomes.append(("impatient", result))


threads = [threading.Thread(target=patient), threading.Thread(target=impatient)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(outcomes))
print("broken:", barrier.broken)
try:
    barrier.wait()
except threading.BrokenBarrierError:
    print("a broken barrier refuses at once")
barrier.reset()
print("after reset, broken:", barrier.broken, "waiting:", barrier.n_waiting)
