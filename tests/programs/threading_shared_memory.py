# Threads share one memory: a list appended to by threads is the list the main thread sees.
import threading

results = []
lock = threading.Lock()


def square_all(numbers):
    for n in numbers:
        with lock:
            results.append(n * n)


threads = [threading.Thread(target=square_all, args=(chunk,)) for chunk in ([1, 2], [3, 4], [5])]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results), len(results))
