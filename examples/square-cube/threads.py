import threading
import time

numbers = [2, 3, 8, 9]  # param [-999..999, 12 items] Numbers: The list both functions walk.
delay_s = 1.0           # param [0..10 s] Pause per number: The sleep after each result.


def calc_square(numbers):
    for n in numbers:
        print(f"square: {n}^2 = {n * n}")
        time.sleep(delay_s)


def calc_cube(numbers):
    for n in numbers:
        print(f"cube: {n}^3 = {n * n * n}")
        time.sleep(delay_s)


# Both threads get the same list: threads share one memory, nothing is copied.
square = threading.Thread(target=calc_square, args=(numbers,))
cube = threading.Thread(target=calc_cube, args=(numbers,))
square.start()
cube.start()
square.join()
cube.join()
