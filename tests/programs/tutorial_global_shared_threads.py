# Tutorial "a process's globals are its own", threads mode: a thread appends to the one shared list.
import threading
import time

results = []


def calc_square(numbers):
    for n in numbers:
        results.append(n * n)
        time.sleep(0.02)
    print("the thread sees results =", results)


if __name__ == "__main__":
    p = threading.Thread(target=calc_square, args=([2, 3, 8, 9],))
    p.start()
    p.join()
    print("the main program sees results =", results)
