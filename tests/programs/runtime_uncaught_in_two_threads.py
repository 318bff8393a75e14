# Two threads fail, at 0.05 s and 0.1 s: two reports on stderr, in that order; main ends normally.
import threading
import time


def fail(delay, items):
    time.sleep(delay)
    return items[5]


def fail_key(delay, table):
    time.sleep(delay)
    return table["k"]


a = threading.Thread(target=fail, args=(0.05, [1]), name="first")
b = threading.Thread(target=fail_key, args=(0.1, {}), name="second")
a.start()
b.start()
a.join()
b.join()
print("both threads ended", a.is_alive(), b.is_alive())
