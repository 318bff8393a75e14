import multiprocessing
import time

numbers = [2, 3, 8, 9]  # param [-999..999, 12 items] Numbers: The list whose squares are appended.
delay_s = 0.5           # param [0..10 s] Pause per number: The sleep after each append.

results = []


def calc_square(numbers):
    for n in numbers:
        results.append(n * n)
        print(f"appended {n * n}")
        time.sleep(delay_s)
    print("the process sees results =", results)


if __name__ == "__main__":
    p = multiprocessing.Process(target=calc_square, args=(numbers,))
    p.start()
    p.join()
    print("the main program sees results =", results)
