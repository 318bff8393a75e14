import multiprocessing as mp
import sys
import time


class Counter:
    def __init__(self, start):
        self.value = start

    def bump(self, q, by):
        self.value += by
        q.put(("bumped", self.value))


def fail():
    raise ValueError("boom")


def leave(code):
    sys.exit(code)


def forever():
    while True:
        time.sleep(0.05)


if __name__ == "__main__":
    q = mp.Queue()
    c = Counter(10)
    p = mp.Process(target=c.bump, args=(q, 5))
    p.start()
    print(q.get(timeout=5))
    p.join()
    print("copy left alone", c.value, "exit", p.exitcode)

    bad = mp.Process(target=fail)
    bad.start()
    bad.join()
    print("uncaught exception exit", bad.exitcode)

    quitter = mp.Process(target=leave, args=(3,))
    quitter.start()
    quitter.join()
    print("sys.exit(3) exit", quitter.exitcode)

    stopped = mp.Process(target=forever)
    stopped.start()
    stopped.terminate()
    stopped.join()
    print("terminated exit", stopped.exitcode)

    d = mp.Process(target=forever, daemon=True)
    d.start()
    print("daemon", d.daemon, "alive", d.is_alive())
    print("main done")
