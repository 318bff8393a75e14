# def with defaults and keyword arguments, several return values, recursion, closures, a mutable default.
def greet(name, greeting="Hello", punctuation="!"):
    return greeting + ", " + name + punctuation


print(greet("Ada"))
print(greet("Ada", "Hi"))
print(greet("Ada", punctuation="?"))
print(greet(greeting="Hey", name="Bob"))


def min_max(values):
    return min(values), max(values)


low, high = min_max([4, 1, 9, 3])
print(low, high)
print(min_max([5]))


def nothing():
    pass


def early(x):
    if x < 0:
        return
    return x * 2


print(nothing(), early(-1), early(4))


def factorial(n):
    if n <= 1:
        return 1
    return n * factorial(n - 1)


print(factorial(10))


def make_adder(k):
    def add(x):
        return x + k

    return add


add3 = make_adder(3)
print(add3(4), make_adder(10)(1))


def append_to(item, bucket=[]):
    bucket.append(item)
    return bucket


print(append_to(1))
print(append_to(2))
print(append_to(3, []))


def describe(a, b=2, c=3):
    return f"a={a} b={b} c={c}"


print(describe(1, c=30))
