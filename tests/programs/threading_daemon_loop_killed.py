# A daemon thread in an endless loop is stopped when the main thread ends; join(timeout) returns while it
# is still alive.
import threading
import time

ticks = []


def forever():
    while True:
        ticks.append(1)
        time.sleep(0.05)


d = threading.Thread(target=forever, daemon=True, name="ticker")
d.start()
d.join(timeout=0.12)
print("join(timeout=0.12) returned; alive:", d.is_alive(), "daemon:", d.daemon)
print("ticked a few times:", 2 <= len(ticks) <= 4)
print("threads:", sorted(t.name for t in threading.enumerate()))
print("main ends now; the daemon is killed")
