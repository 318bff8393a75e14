# Dicts: insertion order, get, setdefault, keys/values/items, pop, update, membership, nesting.
ages = {"ann": 31, "bob": 25}
ages["cy"] = 40
print(ages, len(ages))
print(ages["bob"], ages.get("zed"), ages.get("zed", 0))
print(list(ages.keys()), list(ages.values()), list(ages.items()))
print("ann" in ages, "zed" not in ages)
print(ages.pop("bob"), ages)
ages.update({"dee": 22, "ann": 32})
print(ages)
counts = {}
for word in "the cat and the hat".split():
    counts[word] = counts.get(word, 0) + 1
print(counts)
groups = {}
for name in ["ann", "al", "bob"]:
    groups.setdefault(name[0], []).append(name)
print(groups)
print(dict(a=1, b=2), dict([("x", 1)]), dict(zip("ab", [1, 2])))
nested = {"outer": {"inner": [1, 2]}}
print(nested["outer"]["inner"][1])
ages["ann"] = 1
print(ages)
print({1: "int key", 2.5: "float key", None: "none key", (1, 2): "tuple key"})
copy = dict(ages)
copy.clear()
print(copy, len(ages))
