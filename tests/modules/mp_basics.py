import multiprocessing
from multiprocessing import Process, Queue, Pool, current_process
from concurrent.futures import ProcessPoolExecutor

results = []

def square(n):
    return n * n

def fill(q, numbers):
    for n in numbers:
        q.put((current_process().name, n * n))
    results.append("child")

def fail():
    raise RuntimeError("child failed")

if __name__ == "__main__":
    q = Queue()
    p = Process(target=fill, args=(q, [2, 3, 8]))
    print(p.name, p.is_alive(), p.exitcode)
    p.start()
    p.join()
    print(p.exitcode, p.is_alive())
    items = []
    while not q.empty():
        items.append(q.get())
    print(items, results)
    bad = Process(target=fail)
    bad.start()
    bad.join()
    print("exitcode", bad.exitcode)
    with Pool(2) as pool:
        print(pool.map(square, range(6)))
        print(pool.apply(square, (7,)))
    with ProcessPoolExecutor(max_workers=2) as ex:
        print([r for r in ex.map(square, [1, 2, 3])])
        print(ex.submit(square, 9).result())
    print(current_process().name, multiprocessing.cpu_count() >= 1)
