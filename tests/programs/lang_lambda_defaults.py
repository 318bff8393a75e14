# lambda with default arguments, keyword arguments, as sort keys, and closures.
add = lambda a, b=10: a + b
print(add(1), add(1, 2), add(b=5, a=1))
scale = lambda x, *, factor=2: x * factor
print(scale(4), scale(4, factor=3))
pick = lambda *args, **kw: (args, sorted(kw))
print(pick(1, 2, z=3, y=4))
people = [("ann", 31), ("bob", 25), ("cy", 31), ("di", 19)]
print(sorted(people, key=lambda p: (-p[1], p[0])))
print(max(people, key=lambda p: p[1]), min(people, key=lambda p: len(p[0])))
adders = [lambda x, n=n: x + n for n in range(3)]
print([f(10) for f in adders])
compose = lambda f, g: lambda x: f(g(x))
inc_then_double = compose(lambda x: x * 2, lambda x: x + 1)
print(inc_then_double(5), (lambda: "no args")(), list(map(lambda s: s.title(), ["a b", "c"])))
print(list(filter(lambda n, limit=3: n > limit, range(6))))
