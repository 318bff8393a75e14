# order: any
# Tutorial "processes": square and cube in two processes, each with its own interpreter and memory.
import multiprocessing
import time


def calc_square(numbers):
    for n in numbers:
        time.sleep(0.05)
        print("square:", n * n)


def calc_cube(numbers):
    for n in numbers:
        time.sleep(0.05)
        print("cube:", n * n * n)


if __name__ == "__main__":
    arr = [2, 3, 8, 9]
    p1 = multiprocessing.Process(target=calc_square, args=(arr,))
    p2 = multiprocessing.Process(target=calc_cube, args=(arr,))
    p1.start()
    p2.start()
    p1.join()
    p2.join()
    print("Successes!")
