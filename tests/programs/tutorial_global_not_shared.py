# Tutorial "a process's globals are its own": the process appends to its own copy of results.
import multiprocessing
import time

results = []


def calc_square(numbers):
    for n in numbers:
        results.append(n * n)
        time.sleep(0.02)
    print("the process sees results =", results)


if __name__ == "__main__":
    p = multiprocessing.Process(target=calc_square, args=([2, 3, 8, 9],))
    p.start()
    p.join()
    print("the main program sees results =", results)
