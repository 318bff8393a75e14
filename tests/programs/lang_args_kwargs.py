# *args and **kwargs in definitions and calls.
def show(*args, **kwargs):
    print("args:", args, "kwargs:", kwargs)


show()
show(1, 2, 3)
show(1, a=2, b=3)


def total(first, *rest):
    return first + sum(rest)


print(total(1), total(1, 2, 3))


def point(x, y=0, z=0):
    return (x, y, z)


print(point(1, z=5))
print(point(*[1, 2]))
print(point(**{"x": 7, "y": 8}))
print(point(*(1,), **{"z": 9}))


def call(f, *args, **kwargs):
    return f(*args, **kwargs)


print(call(point, 4, z=6))
print(call(max, 3, 9, 2))
nums = [3, 1, 2]
print(max(*nums))
options = {"sep": "-", "end": "!\n"}
print("a", "b", **options)


def config(name, **settings):
    for key in sorted(settings):
        print(name, key, settings[key])


config("db", port=5432, host="localhost")
