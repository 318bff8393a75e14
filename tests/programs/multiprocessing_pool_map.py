# multiprocessing.Pool: map runs a function over a list in worker processes; results in input order.
from multiprocessing import Pool


def square(x):
    return x * x


def describe(word):
    return f"{word} has {len(word)} letters"


if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(square, range(6)))
        print(pool.map(describe, ["a", "bb", "ccc"]))
    print("pool closed")
