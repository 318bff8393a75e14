# Lambdas: in variables, as sort keys, with map and filter, with defaults, called at once.
square = lambda x: x * x
print(square(7))
add = lambda a, b=10: a + b
print(add(1), add(1, 2))
pairs = [(1, "one"), (3, "three"), (2, "two")]
print(sorted(pairs, key=lambda p: p[1]))
print(sorted(["ccc", "a", "bb"], key=lambda s: len(s)))
print(list(map(lambda x: x + 1, [1, 2, 3])))
print(list(filter(lambda x: x % 2 == 0, range(10))))
print((lambda: "called at once")())
ops = {"+": lambda a, b: a + b, "*": lambda a, b: a * b}
print(ops["+"](2, 3), ops["*"](2, 3))
makers = [lambda i=i: i * 10 for i in range(3)]
print([m() for m in makers])
