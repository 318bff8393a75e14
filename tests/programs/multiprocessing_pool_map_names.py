# Pool.map in worker processes: results in input order; the workers are not the main process.
import multiprocessing
import os


def square(x):
    return x * x


def where(x):
    me = multiprocessing.current_process()
    return me.name != "MainProcess" and os.getpid() != x


if __name__ == "__main__":
    print(multiprocessing.current_process().name)
    with multiprocessing.Pool(processes=2) as pool:
        print(pool.map(square, [3, 1, 2, 5]))
        print(all(pool.map(where, [os.getpid()] * 4)))
        print(pool.map(square, []))
    print("cpu_count > 0:", multiprocessing.cpu_count() > 0)
