# A Barrier is reusable: four threads meet at it three times; wait() hands out the indices 0..3 per round.
import threading
import time

barrier = threading.Barrier(4)
lock = threading.Lock()
rounds = {0: [], 1: [], 2: []}
leaders = []


def runner(n):
    for r in range(3):
        time.sleep(0.01 * n)
        index = barrier.wait()
        with lock:
            rounds[r].append(index)
            if index == 0:
                leaders.append(r)


threads = [threading.Thread(target=runner, args=(n,)) for n in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for r in range(3):
    print("round", r, sorted(rounds[r]))
print("one index 0 per round:", sorted(leaders))
print(barrier.parties, barrier.n_waiting, barrier.broken)
