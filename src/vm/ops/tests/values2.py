import sys


class OnlyStr:
    def __str__(self):
        return "S"


class OnlyRepr:
    def __repr__(self):
        return "R"


class Both:
    def __str__(self):
        return "str-form"

    def __repr__(self):
        return "Both()"


class MyError(Exception):
    pass


class Custom(Exception):
    def __init__(self, code, text):
        super().__init__(code, text)
        self.code = code

    def __str__(self):
        return f"[{self.code}] {self.args[1]}"


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return (self.x, self.y) == (other.x, other.y)

    def __hash__(self):
        return hash((self.x, self.y))

    def __lt__(self, other):
        return (self.x, self.y) < (other.x, other.y)

    def __repr__(self):
        return "Point(%d, %d)" % (self.x, self.y)


class NoHash:
    def __eq__(self, other):
        return True


print(OnlyStr(), [OnlyStr()] != [], OnlyRepr(), [OnlyRepr()], Both(), [Both()], (Both(),))
print(str(Both()), repr(Both()), f"{Both()}", f"{Both()!r}", "%s %r" % (Both(), Both()), "{} {!r}".format(Both(), Both()))
for exc in [ValueError("bad value"), MyError("mine"), MyError(), MyError(1, 2), Custom(404, "not found"), KeyError("k")]:
    print(type(exc).__name__, "|", exc, "|", repr(exc), "|", exc.args)
try:
    raise Custom(500, "server")
except Exception as e:
    print("caught", e, e.code, isinstance(e, Custom), isinstance(e, Exception))
print(sys.stderr is not None)
print("to stderr", file=sys.stderr)
print("to stdout", file=sys.stdout)
print("no", "newline", sep="_", end="|")
print("next")

pts = {Point(1, 2): "a", Point(0, 5): "b"}
print(pts[Point(1, 2)], Point(0, 5) in pts, len({Point(1, 1), Point(1, 1), Point(2, 2)}))
pts[Point(1, 2)] = "c"
print(pts, sorted(pts), max(pts), Point(3, 3) in [Point(3, 3)])
print(sorted([Point(2, 1), Point(1, 9), Point(1, 2)]))
try:
    {NoHash(): 1}
except TypeError as e:
    print("TypeError:", e)

records = [("bob", 25, 3.5), ("alice", 30, 4.25), ("carol", 25, 3.75), ("dave", 30, 2.0)]
by_age = sorted(records, key=lambda r: r[1])
print([r[0] for r in by_age])
print(sorted(records, key=lambda r: (r[1], -r[2]), reverse=True)[0])
print("%-8s %5s %6s" % ("name", "age", "score"))
for name, age, score in records:
    print("%-8s %5d %6.2f" % (name, age, score))
    print(f"{name:<8} {age:>5} {score:>6.2f}")
    print("{:<8} {:>5} {:>6.2f}".format(name, age, score))
print(f"{'total':<8} {sum(r[1] for r in records):>5} {sum(r[2] for r in records):>6.2f}")
print(", ".join(f"{n}={a}" for n, a, _ in records))
print(min(records, key=lambda r: r[2])[0], max((r[2], r[0]) for r in records))
print(sum(x * x for x in range(10)), any(c.isupper() for c in "abC"), all(c.islower() for c in "abc"))

d = {"x": 1, "y": 2, "z": 3}
for k in d:
    print(k, end=" ")
for k in d.keys():
    print(k.upper(), end=" ")
for v in d.values():
    print(v * 10, end=" ")
for k, v in d.items():
    print(f"{k}:{v}", end=" ")
print()
for i, (k, v) in enumerate(d.items()):
    print(i, k, v, end="; ")
print()
for a, b in zip("xyz", map(str.upper, "abc")):
    print(a + b, end=" ")
for s in filter(str.isalpha, ["a1", "bc", "", "d"]):
    print(s, end=" ")
for x in reversed([1, 2, 3]):
    print(x, end=" ")
print()
m = map(lambda v: v * 3, [1, 2, 3])
print(next(m), list(m), list(m))
it = iter(range(3))
print(next(it), next(it), next(it), next(it, "end"))
keys = d.keys()
d["w"] = 0
print(keys, len(keys), "w" in keys, list(d.items())[-1])

text = "Ünïcödé Straße café"
print(text.upper(), text.lower(), text.title(), len(text), text[0], text[-4:], text.split())
print(text.find("café"), text.replace("é", "e"), text.center(25, "·"), text.encode if False else "")
print("x".join(["α", "β"]), "αβγ"[::-1], sorted("βαγ"), "ß".upper(), "Σ".lower())
print("%5s|%-5s|" % ("αβ", "γ"), f"{'αβ':>5}|{'γ':^5}|")
matrix = [[1, 2, 3], [4, 5, 6]]
print([[row[i] for row in matrix] for i in range(3)], list(zip(*matrix)))
print([x for row in matrix for x in row if x % 2 == 0])
print(sum(matrix, []), [sum(r) / len(r) for r in matrix])
print({n: n ** 2 for n in range(5)}, {c for c in "hello"} == set("helo"))
big = 2 ** 62
print(big, big + (big - 1), -big - big)
print(0.1 * 3, 1e300 * 1e10, -1e300 * 1e10, 1 / 3 * 3, 9007199254740993, float(9007199254740993))
print(round(0.1 + 0.2, 10), 10 ** -3, 5 // 0.3, 5 % 0.3, -5 // 0.3, 2 ** 0.5 * 2 ** 0.5)
print(int("-0"), int("+7"), float("-0"), str(-0.0), 0.0 == -0.0, 1e-320, 5e-324 / 2)
