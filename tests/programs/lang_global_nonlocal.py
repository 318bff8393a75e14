# global and nonlocal.
counter = 0


def increment():
    global counter
    counter += 1


for _ in range(3):
    increment()
print("counter", counter)


def set_config():
    global mode
    mode = "fast"


set_config()
print("mode", mode)


def make_counter():
    count = 0

    def step():
        nonlocal count
        count += 1
        return count

    return step


a = make_counter()
b = make_counter()
print(a(), a(), a(), b())


def outer():
    x = "outer"

    def inner():
        nonlocal x
        x = "changed by inner"

    inner()
    return x


print(outer())

shadow = "global"


def reader():
    shadow = "local"
    return shadow


print(reader(), shadow)
