import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
import time

class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def norm2(self):
        return self.x * self.x + self.y * self.y

class Worker(mp.Process):
    def __init__(self, q, n):
        super().__init__()
        self.q = q
        self.n = n
    def run(self):
        self.q.put((self.name, self.n * 10))

def measure(p):
    return p.norm2()

def boom(x):
    raise KeyError(x)

def sleepy(t):
    time.sleep(t)
    return t

if __name__ == "__main__":
    q = mp.Queue()
    w = Worker(q, 4)
    w.start()
    print(q.get(timeout=5))
    w.join()
    print(w.exitcode, repr(w).split(" pid")[0])
    with mp.Pool(2) as pool:
        print(pool.map(measure, [Point(1, 2), Point(3, 4)]))
        try:
            pool.map(boom, [1, 1])  # both fail alike: which failure arrives first is a race
        except KeyError as e:
            print("KeyError", e)
        r = pool.apply_async(sleepy, (0.05,))
        print(r.ready(), r.get(timeout=5), r.successful())
        print(pool.starmap(pow, [(2, 3), (3, 2)]))
    with ProcessPoolExecutor(2) as ex:
        f = ex.submit(boom, "k")
        try:
            f.result()
        except KeyError as e:
            print("future KeyError", e)
        try:
            ex.submit(lambda: 1).result()
        except Exception as e:
            print(type(e).__name__)
    p = mp.Process(target=sleepy, args=(10,))
    p.start()
    p.join(timeout=0.1)
    print("alive", p.is_alive())
    p.terminate()
    p.join()
    print("exit", p.exitcode)
    try:
        q.get(timeout=0.01)
    except Exception as e:
        print(type(e).__name__)
