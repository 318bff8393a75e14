import threading
import time

waits = [1, 2, 3]  # param [0.0..60 s, 8 items] Waits: One thread per wait: the pause before each of its lines.
repeats = 4        # param [1..20] Lines per thread: How many times each thread waits and prints.

ORDINALS = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth"]


def thread_test(name, wait):
    for _ in range(repeats):
        time.sleep(wait)
        print(f"running {name}")
    print(f"{name} has finished")


threads = []
for i, wait in enumerate(waits):
    name = f"{ORDINALS[i]} Thread"
    threads.append(threading.Thread(target=thread_test, args=(name, wait), name=name))
for t in threads:
    t.start()
for t in threads:
    t.join()
print("main thread ends")
