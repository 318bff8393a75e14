# timing: wall
# _thread.start_new_thread: the program ends after 0.25 s, cutting the second thread off mid-way.
import _thread
import time


def thread_test(name, wait):
    for _ in range(2):
        time.sleep(wait)
        print(f"running {name}")
    print(f"{name} has finished")


_thread.start_new_thread(thread_test, ("First Thread", 0.1))
_thread.start_new_thread(thread_test, ("Second Thread", 0.15))
time.sleep(0.25)
print("main thread ends")
