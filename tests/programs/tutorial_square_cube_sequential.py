# timing: wall
# Tutorial "square and cube", sequential: squares of 2, 3, 8, 9 then their cubes, 0.05 s each.
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
calc_square(numbers)
calc_cube(numbers)
