import multiprocessing
import time

numbers = [2, 3, 8, 9]  # param [-999..999, 12 items] Numbers: The list whose squares the process sends back.
delay_s = 0.5           # param [0..10 s] Pause per number: The sleep after each put.


def calc_square(numbers, q):
    for n in numbers:
        q.put(n * n)
        print(f"put {n * n}")
        time.sleep(delay_s)


if __name__ == "__main__":
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=calc_square, args=(numbers, q))
    p.start()
    p.join()
    while not q.empty():
        print(q.get())
