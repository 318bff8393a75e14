# threadlab: refused
# refused-at: 8
# Generators (yield in user code) are not in ThreadLab's subset.


def countdown(n):
    while n > 0:
        yield n
        n -= 1


print(list(countdown(3)))
