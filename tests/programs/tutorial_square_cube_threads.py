# order: any
# timing: wall
# Tutorial "square and cube", threads: squares and cubes at the same pace, in two threads.
import threading
import time


def calc_square(numbers):
    for n in numbers:
        print(f"square: {n}^2 = {n * n}")
        time.sleep(0.05)


def calc_cube(numbers):
    for n in numbers:
        print(f"cube: {n}^3 = {n * n * n}")
        time.sleep(0.05)


numbers = [2, 3, 8, 9]
square = threading.Thread(target=calc_square, args=(numbers,))
cube = threading.Thread(target=calc_cube, args=(numbers,))
square.start()
cube.start()
square.join()
cube.join()
