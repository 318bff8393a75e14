# timing: wall
# get() blocks until an item arrives; put() on a full queue blocks until there is room.
import queue
import threading
import time

start = time.perf_counter()


def stamp():
    return round(time.perf_counter() - start, 1)


q = queue.Queue()


def consumer():
    for _ in range(2):
        item = q.get()
        print(f"got {item} at {stamp()} s")


t = threading.Thread(target=consumer)
t.start()
time.sleep(0.1)
q.put("a")
time.sleep(0.1)
q.put("b")
t.join()
full = queue.Queue(maxsize=1)
full.put("x")


def taker():
    time.sleep(0.1)
    print("taker: taking one item")
    full.get()


threading.Thread(target=taker).start()
full.put("y")
print(f"put y at {stamp()} s, after the taker made room")
print("left in the queue:", full.get())
