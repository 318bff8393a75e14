# timing: wall
# Tutorial "_thread.start_new_thread", threading mode: the same threads, joined, so they finish.
import threading
import time


def thread_test(name, wait):
    for _ in range(2):
        time.sleep(wait)
        print(f"running {name}")
    print(f"{name} has finished")


threads = []
threads.append(threading.Thread(target=thread_test, args=("First Thread", 0.1)))
threads.append(threading.Thread(target=thread_test, args=("Second Thread", 0.15)))
for t in threads:
    t.start()
for t in threads:
    t.join()
print("main thread ends")
