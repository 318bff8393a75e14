# Tutorial "results come back through a queue": a process puts squares; the main program drains them.
import multiprocessing
import time


def calc_square(numbers, q):
    for n in numbers:
        q.put(n * n)
        time.sleep(0.02)


if __name__ == "__main__":
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=calc_square, args=([2, 3, 8, 9], q))
    p.start()
    p.join()
    while not q.empty():
        print(q.get())
