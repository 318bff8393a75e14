# dict methods: get, setdefault, pop with a default, popitem, update with keywords, items views, copy, fromkeys.
d = {"a": 1, "b": 2}
print(d.get("a"), d.get("z"), d.get("z", 0), d.setdefault("c", 3), d.setdefault("a", 99), d)
print(d.pop("b"), d.pop("zz", "none"), d)
d.update({"x": 10}, y=20)
d.update([("z", 30)])
print(d, len(d), "x" in d, 10 in d, 10 in d.values())
print(d.popitem(), list(d.keys()), list(d.items())[:2])
counts = {}
for ch in "mississippi":
    counts[ch] = counts.get(ch, 0) + 1
print(counts, sorted(counts, key=counts.get, reverse=True))
print(dict.fromkeys(["p", "q"], 0), dict(a=1, b=2), dict([("k", "v")]), {**d, "new": 1})
c = d.copy()
c["a"] = -1
print(d["a"], c["a"], d == c, {1: "x"} == {1.0: "x"})
try:
    d.pop("missing")
except KeyError as e:
    print("KeyError:", e)
try:
    {}.popitem()
except KeyError as e:
    print("KeyError:", e)
