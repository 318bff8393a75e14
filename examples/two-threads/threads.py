import threading
import time

count = 10      # param [1..50] Lines per thread: Each thread prints its name and 1 up to this number.
pause_s = 0.05  # param [0..5 s] Pause per line: A tiny sleep after each line, so the threads take turns.
join = True     # param join() before main's last line: Whether the main thread waits for both threads before printing.


def count_up(name):
    for i in range(1, count + 1):
        print(f"{name}: {i}")
        time.sleep(pause_s)


t1 = threading.Thread(target=count_up, args=("Thread-1",), name="Thread-1")
t2 = threading.Thread(target=count_up, args=("Thread-2",), name="Thread-2")
t1.start()
t2.start()
if join:
    t1.join()
    t2.join()
# Without join() main goes on while they count (and Python still waits for them before it exits).
print("main thread here")
