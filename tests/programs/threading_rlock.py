# RLock: the owning thread may acquire it again; another thread must wait for the last release.
import threading

rlock = threading.RLock()


def outer():
    with rlock:
        print("outer has the lock")
        inner()


def inner():
    with rlock:
        print("inner has it too")


outer()
results = []


def try_take():
    got = rlock.acquire(blocking=False)
    results.append(got)
    if got:
        rlock.release()


rlock.acquire()
rlock.acquire()
rlock.release()
t = threading.Thread(target=try_take)
t.start()
t.join()
rlock.release()
t = threading.Thread(target=try_take)
t.start()
t.join()
print("other thread could take it:", results)


def count_down(n):
    with rlock:
        if n == 0:
            return "reached zero"
        return count_down(n - 1)


print(count_down(5))
