# timing: wall
# start() returns at once; join() waits for the thread to finish.
import threading
import time


def work():
    time.sleep(0.2)
    print("worker: finished")


t = threading.Thread(target=work)
t.start()
print("main: started the worker")
t.join()
print("main: joined the worker")
