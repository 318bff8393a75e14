# The nonlocal statement: counters in closures, two levels deep; late binding in loops, default capture.
def make_counter(start=0):
    count = start

    def increment(step=1):
        nonlocal count
        count += step
        return count

    return increment


a = make_counter()
b = make_counter(100)
print(a(), a(), a(5), b(), a())


def outer():
    x = "outer"

    def middle():
        def inner():
            nonlocal x
            x = "changed by inner"

        inner()
        return x

    before = x
    after = middle()
    return before, after, x


print(outer())
late = [lambda: i for i in range(3)]
early = [lambda i=i: i for i in range(3)]
print([f() for f in late], [f() for f in early])


def accumulate():
    total = 0
    items = []

    def add(x):
        nonlocal total
        total += x
        items.append(x)
        return total

    return add, items


add, items = accumulate()
for n in (3, 4, 5):
    add(n)
print(add(0), items)
