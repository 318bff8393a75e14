# current_process, cpu_count, a child's name, pid and exit code (compared, never printed raw).
import multiprocessing
import os


def report(q):
    me = multiprocessing.current_process()
    q.put((me.name, os.getpid()))


if __name__ == "__main__":
    print(multiprocessing.current_process().name)
    print(multiprocessing.cpu_count() >= 1, multiprocessing.cpu_count() == os.cpu_count())
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=report, args=(q,))
    print(p.name, p.is_alive())
    p.start()
    name, pid = q.get()
    p.join()
    print(name, pid != os.getpid(), pid == p.pid)
    print("exitcode", p.exitcode, "alive", p.is_alive())
    named = multiprocessing.Process(target=report, args=(q,), name="reporter")
    named.start()
    print(q.get()[0])
    named.join()
