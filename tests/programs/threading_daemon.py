# timing: wall
# A daemon thread is stopped when the program ends; the program waits only for non-daemon threads.
import threading
import time


def background():
    time.sleep(0.6)
    print("daemon woke up (never printed)")


def short():
    time.sleep(0.2)
    print("worker done")


d = threading.Thread(target=background, daemon=True)
w = threading.Thread(target=short)
print(d.daemon, w.daemon)
d.start()
w.start()
print("main ends; the program waits for the worker only")
