# A countdown in a function: the loop every interpreter benchmark starts with.
def countdown(n):
    while n > 0:
        n -= 1
    return n


print(countdown(3_000_000))
