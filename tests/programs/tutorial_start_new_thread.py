# Tutorial "_thread.start_new_thread": nobody waits for these threads; the program ends, and them with it.
import _thread
import time


def thread_test(name, wait):
    for _ in range(2):
        time.sleep(wait)
        print(f"running {name}")
    print(f"{name} has finished")


_thread.start_new_thread(thread_test, ("First Thread", 0.1))
_thread.start_new_thread(thread_test, ("Second Thread", 0.15))
print("main thread ends")
# The program ends here, and the threads with it.
