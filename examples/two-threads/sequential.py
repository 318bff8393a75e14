import time

count = 10      # param [1..50] Lines per thread: Each thread prints its name and 1 up to this number.
pause_s = 0.05  # param [0..5 s] Pause per line: A tiny sleep after each line, so the threads take turns.


def count_up(name):
    for i in range(1, count + 1):
        print(f"{name}: {i}")
        time.sleep(pause_s)


count_up("Thread-1")
count_up("Thread-2")
print("main thread here")
