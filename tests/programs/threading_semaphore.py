# timing: wall
# Semaphore(2): at most two threads inside at once; acquire(blocking=False) and acquire(timeout).
import threading
import time

sem = threading.Semaphore(2)
lock = threading.Lock()
inside = 0
most = 0


def job():
    global inside, most
    with sem:
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.1)
        with lock:
            inside -= 1


threads = [threading.Thread(target=job) for _ in range(5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("most threads inside at once:", most)
print(sem.acquire(blocking=False), sem.acquire(blocking=False), sem.acquire(blocking=False))
print("acquire(timeout=0.05):", sem.acquire(timeout=0.05))
sem.release()
sem.release()
print("released twice")
