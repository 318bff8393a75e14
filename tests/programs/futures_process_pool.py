# ProcessPoolExecutor: map and submit run in other processes; results come back in order.
from concurrent.futures import ProcessPoolExecutor


def cube(n):
    return n ** 3


def total(n):
    return sum(range(n))


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as executor:
        print(list(executor.map(cube, [1, 2, 3, 4])))
        f = executor.submit(total, 1000)
        print(f.result())
    print("done")
