# RLock re-entry: the owner takes it three times and must release three times; a Lock can't be released
# by a thread that doesn't hold an RLock, and an unlocked Lock can't be released.
import threading
import time

rlock = threading.RLock()
log = []


def holder():
    rlock.acquire()
    rlock.acquire()
    with rlock:
        log.append("holder in three deep")
        time.sleep(0.1)
    rlock.release()
    log.append("holder released twice of three")
    time.sleep(0.1)
    rlock.release()
    log.append("holder released all")


def contender():
    time.sleep(0.05)
    log.append(f"contender try: {rlock.acquire(blocking=False)}")
    got = rlock.acquire(timeout=1)
    log.append(f"contender got it: {got}")
    rlock.release()


a = threading.Thread(target=holder)
b = threading.Thread(target=contender)
a.start()
b.start()
a.join()
b.join()
for line in log:
    print(line)
try:
    rlock.release()
except RuntimeError as e:
    print("RuntimeError:", e)
lock = threading.Lock()
try:
    lock.release()
except RuntimeError as e:
    print("RuntimeError:", e)
