# Set and dict comprehensions, nested comprehensions, and generator expressions in sum/any/all/min/max.
words = ["apple", "bob", "kayak", "level", "zebra", "apple"]
print(sorted({w for w in words if w == w[::-1]}))
print({w: len(w) for w in words})
print({i: i * i for i in range(5) if i % 2})
print(sorted({len(w) for w in words}))
print([[r * c for c in range(1, 4)] for r in range(1, 4)])
print([(x, y) for x in range(3) for y in range(x)])
print(sum(len(w) for w in words), sum(x * x for x in range(10)))
print(any(w.startswith("z") for w in words), any(w.startswith("q") for w in words))
print(all(len(w) > 2 for w in words), all(w.islower() for w in []), any(x for x in []))
print(min(len(w) for w in words), max((len(w), w) for w in words))
print(sorted((v, k) for k, v in {"a": 3, "b": 1, "c": 2}.items()))
flat = [n for row in [[1, 2], [3], [], [4, 5]] for n in row]
print(flat, {n % 3 for n in flat}, dict(zip("abc", range(3))))
x = "outer"
squares = [x for x in range(3)]
print(x, squares)
inverted = {v: k for k, v in {"one": 1, "two": 2}.items()}
print(inverted, tuple(c.upper() for c in "hi"))
