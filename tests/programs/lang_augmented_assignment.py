# Augmented assignment on names, attributes and subscripts, with every arithmetic operator.
n = 10
n += 5
print(n)
n -= 3
print(n)
n *= 4
print(n)
n //= 5
print(n)
n %= 4
print(n)
n **= 3
print(n)
x = 7
x /= 2
print(x)

s = "ab"
s += "cd"
s *= 2
print(s)

items = [1]
alias = items
items += [2, 3]
print(items, alias)

counts = {"a": 1}
counts["a"] += 10
counts["b"] = counts.get("b", 0) + 1
print(counts)


class Counter:
    def __init__(self):
        self.value = 0


c = Counter()
c.value += 1
c.value += 1
print(c.value)

grid = [[1, 2], [3, 4]]
grid[1][1] -= 10
print(grid)

bits = 0b1100
bits &= 0b1010
print(bits)
bits |= 0b0001
print(bits)
bits ^= 0b1111
print(bits)
bits <<= 3
print(bits)
bits >>= 2
print(bits)
