# A BoundedSemaphore(2) lets two of five threads in at once; releasing past the start value is a ValueError.
import threading
import time

slots = threading.BoundedSemaphore(2)
lock = threading.Lock()
inside = 0
most = 0
order = []


def use_slot(name, delay):
    global inside, most
    time.sleep(delay)
    with slots:
        with lock:
            inside += 1
            most = max(most, inside)
            order.append(name)
        time.sleep(0.1)
        with lock:
            inside -= 1


threads = [threading.Thread(target=use_slot, args=(f"t{i}", 0.01 * i)) for i in range(5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("most inside at once:", most, "all ran:", sorted(order))
print("acquire(blocking=False):", slots.acquire(blocking=False), slots.acquire(blocking=False), slots.acquire(blocking=False))
slots.release()
slots.release()
try:
    slots.release()
except ValueError as e:
    print("ValueError:", e)
print("acquire(timeout=0.05) on a free slot:", slots.acquire(timeout=0.05))
