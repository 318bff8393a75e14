# Under CPython 3.11's GIL, `counter += 1` on a global loses no update: the GIL is handed over only at
# backward jumps and calls, never between the load and the store of one augmented assignment.
import threading

N = 200000
THREADS = 4
counter = 0


def work():
    global counter
    for _ in range(N):
        counter += 1


threads = [threading.Thread(target=work) for _ in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("count", counter)
print("lost", THREADS * N - counter)
