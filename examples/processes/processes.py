import multiprocessing
import time

numbers = [2, 3, 8, 9]  # param [-999..999, 12 items] Numbers: The list both functions work through.
delay_s = 3.0           # param [0..10 s] Pause per number: The sleep before each result.


def calc_square(numbers):
    for n in numbers:
        time.sleep(delay_s)
        print("square:", n * n)


def calc_cube(numbers):
    for n in numbers:
        time.sleep(delay_s)
        print("cube:", n * n * n)


if __name__ == "__main__":
    p1 = multiprocessing.Process(target=calc_square, args=(numbers,))
    p2 = multiprocessing.Process(target=calc_cube, args=(numbers,))
    p1.start()
    p2.start()
    p1.join()
    p2.join()
    print("Successes!")
