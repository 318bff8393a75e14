# Values end to end: formatting, methods, user classes with special methods.
import math


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        if isinstance(other, Vec):
            return Vec(self.x + other.x, self.y + other.y)
        return NotImplemented

    def __radd__(self, other):
        if other == 0:
            return self
        return NotImplemented

    def __sub__(self, other):
        return Vec(self.x - other.x, self.y - other.y)

    def __mul__(self, k):
        return Vec(self.x * k, self.y * k)

    def __rmul__(self, k):
        return self * k

    def __neg__(self):
        return Vec(-self.x, -self.y)

    def __abs__(self):
        return math.hypot(self.x, self.y)

    def __eq__(self, other):
        return isinstance(other, Vec) and (self.x, self.y) == (other.x, other.y)

    def __hash__(self):
        return hash((self.x, self.y))

    def __repr__(self):
        return f"Vec({self.x!r}, {self.y!r})"


class Card:
    RANKS = "23456789TJQKA"

    def __init__(self, rank, suit):
        self.rank = rank
        self.suit = suit

    def __lt__(self, other):
        return Card.RANKS.index(self.rank) < Card.RANKS.index(other.rank)

    def __str__(self):
        return self.rank + self.suit


class Bag:
    def __init__(self, *items):
        self.items = list(items)

    def __len__(self):
        return len(self.items)

    def __contains__(self, x):
        return x in self.items

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, i):
        return self.items[i]


class Empty:
    def __bool__(self):
        return False


class Countdown:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return self

    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1


class Temperature:
    def __init__(self, c):
        self.c = c

    def __format__(self, spec):
        if spec == "F":
            return f"{self.c * 9 / 5 + 32:.1f}°F"
        return f"{self.c:.1f}°C"


a = Vec(1, 2)
b = Vec(3, 4)
print(a + b, a - b, a * 3, 2 * a, -a, abs(b))
print(sum([a, b, Vec(0, 1)]))
print(a == Vec(1, 2), a != b, a == 5, a in [Vec(0, 0), Vec(1, 2)])
print({a, Vec(1, 2), b} == {a, b}, len({a, Vec(1, 2)}))
try:
    a + 1
except TypeError as e:
    print("TypeError:", e)
try:
    a < b
except TypeError as e:
    print("TypeError:", e)

hand = [Card("K", "h"), Card("3", "s"), Card("A", "d"), Card("T", "c")]
print(" ".join(str(c) for c in sorted(hand)))
print(max(hand), min(hand))
print([str(c) for c in sorted(hand, reverse=True)])

bag = Bag(3, 1, 2)
print(len(bag), 2 in bag, 5 in bag, list(bag), sorted(bag), bag[0], bool(bag), bool(Bag()))
for i, x in enumerate(bag, 1):
    print(i, x, end="; ")
print()
print(bool(Empty()), "yes" if Empty() else "no", not Empty())
print(list(Countdown(3)), sum(Countdown(4)), max(Countdown(5)))
t = Temperature(21.5)
print(f"{t} / {t:F} / {format(t, 'F')} / {'{:F}'.format(t)}")

# Formatting
pi = 3.141592653589793
print(f"{pi:.2f} {pi:10.4f}| {pi:<10.3}| {pi:^+12.5e}| {pi:%} {1e6:,.0f} {-0.5:.0f} {2.5:.0f}")
print(f"{42:5d}|{42:<5}|{42:^5}|{42:05}|{-42:+06d}|{255:#x}|{255:#o}|{5:#b}|{1234567:,}|{1234567:_}")
print(f"{'left':<8}|{'right':>8}|{'mid':*^9}|{'trunc':.3}|{'x'!r}|{'é'!a}")
name, n = "Ada", 3
print(f"{name=} {n*2=} {n = }")
print("{0}-{1}-{0}".format("a", "b"), "{x:>4}{y:<4}|".format(x=1, y=2), "{:08.3f}".format(-pi))
print("{0[1]} {1[k]} {2.real}".format([1, 2], {"k": "v"}, 3))
print("%s has %d items costing %.2f (%5.1f%%)" % ("cart", 3, 9.5, 12.345))
print("%-6s|%6s|%06.2f|%x|%X|%#o|%e|%g|%c" % ("ab", "cd", 3.14159, 255, 255, 8, 12345.678, 0.0001, 65))
print("%(a)s and %(b)r" % {"a": 1, "b": "two"})
for v in [0.1, 0.2 + 0.1, 1e16, 1e-5, 123456789.123, 1.0, -0.0, float("inf"), 2 ** 0.5, 1 / 3, 100.0]:
    print(v, repr(v), str(v), f"{v}", f"{v:g}", f"{v:.3}", sep=" | ")
print(round(2.675, 2), round(0.5), round(1.5), round(-1.5), round(1234, -2), round(3.14159, 3))
print(divmod(17, 5), divmod(-17, 5), divmod(17.5, 5), 7 // -2, -7 % 3, 2 ** -2, 10 / 4)

# Strings
s = "  Hello, World!  "
print(repr(s.strip()), s.lower(), s.upper(), s.split(), s.strip().split(", "))
words = "the quick brown fox jumps over the lazy dog".split()
print(len(words), words.count("the"), sorted(words), sorted(words, key=len), sorted(words, key=lambda w: (-len(w), w)))
print("-".join(words[:3]), " ".join(reversed(words[:3])), words[::-1][:2], words[1:8:3])
print("hello".title(), "hello world".capitalize(), "Hello".swapcase(), "abc".center(9, "*"), "7".zfill(3))
print("banana".find("an"), "banana".rfind("an"), "banana".replace("a", "o", 2), "banana".index("n"))
print("a,b,,c".split(","), "a b".partition(" "), "x=1=2".rpartition("="), "line1\nline2\r\n".splitlines())
print("abc".startswith(("x", "a")), "abc".endswith("bc"), "123".isdigit(), "abc".isalpha(), " ".isspace())
print("héllo"[1], "héllo"[::-1], len("héllo"), "日本語"[1:], ord("é"), chr(233), ascii("日本"))
print(str(123) + "!", "ab" * 3, "abc" < "abd", "Z" < "a", "b" in "abc")

# Lists, tuples, dicts, sets
nums = [5, 3, 8, 1, 9, 2]
nums.sort()
print(nums, nums[-1], nums[1:4], nums[::2], nums.index(8), 8 in nums)
nums.append(7)
nums.insert(0, 0)
nums.extend([4, 6])
print(nums, nums.pop(), nums.pop(0), nums)
nums.remove(9)
nums.reverse()
print(nums, sum(nums), min(nums), max(nums), len(nums))
nums[1:3] = ["a", "b", "c"]
del nums[0]
print(nums)
grid = [[0] * 3 for _ in range(2)]
grid[0][1] = 5
print(grid, [row[:] for row in grid] == grid)
pairs = list(zip("abc", range(3)))
print(pairs, dict(pairs), list(enumerate("xy")), list(map(lambda p: p[1] * 2, pairs)))
print(list(filter(lambda x: x % 2, range(10))), any(x > 8 for x in range(10)), all([]))
t = (1, 2, 3)
x, *rest = t
print(t, t[1:], t + (4,), t * 2, x, rest, t.index(2), t.count(5), (1,), ())
d = {"b": 2, "a": 1}
d["c"] = 3
print(d, list(d), d.keys(), d.values(), d.items(), d.get("z", 0), "a" in d, len(d))
for k, v in sorted(d.items()):
    print(k, v, end=" ")
print()
print(d.pop("b"), d.setdefault("z", []), d, {k: v * 2 for k, v in d.items() if v != []})
counts = {}
for ch in "mississippi":
    counts[ch] = counts.get(ch, 0) + 1
print(counts, sorted(counts.items(), key=lambda kv: -kv[1]))
s1, s2 = {1, 2, 3}, {3, 4}
print(s1 | s2, s1 & s2, s1 - s2, s1 ^ s2, {x * x for x in range(6)}, set("aab") == {"a", "b"})
print(set([10, 5, 100, 7]), {3, 1, 2}, sorted({"b", "a"}), 3 in s1, s1 <= {1, 2, 3, 4})
try:
    {}["missing"]
except KeyError as e:
    print("KeyError", e, repr(e), e.args)
try:
    [1, 2][5]
except IndexError as e:
    print(type(e).__name__, e)
try:
    int("12x")
except ValueError as e:
    print(e)
try:
    print(1 / 0)
except ZeroDivisionError as e:
    print(repr(e), str(e))
print(int("0x1f", 16), int("  42 "), float("1e3"), int(3.99), int(-3.99), float("inf"), str(None), bool("0"))
print(isinstance(True, int), isinstance(3, (str, float)), type(3.0).__name__, type([]) is list, callable(len))
print(hex(255), oct(8), bin(10), abs(-3), pow(2, 10, 1000), hash((1, 2)) == hash((1, 2)), id(a) == id(a))
print(list(range(10, 0, -3)), range(5)[-1], len(range(0, 100, 7)), list(reversed(range(3))))
print(sorted([3, 1, 2], reverse=True), sorted("hello"), max("hello"), min([4, 2, 8], key=lambda v: -v))
print(repr("it's"), repr('say "hi"'), repr("tab\t"), [None, True, 1.5, "s"], (1, "a"), {1: [2, (3,)]})
