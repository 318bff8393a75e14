# sorted, reversed, enumerate, zip, map, filter, any, all, range and len over iterables.
data = [5, 2, 9, 1]
print(sorted(data), sorted(data, reverse=True), data)
print(sorted(["b", "C", "a"]), sorted(["bb", "a", "ccc"], key=len, reverse=True))
print(list(reversed(data)), list(reversed("abc")), list(reversed(range(3))))
print(list(enumerate(["x", "y"], 1)), list(zip("ab", [1, 2])))
print(list(map(str, [1, 2])), list(map(lambda a, b: a + b, [1, 2], [10, 20])))
print(list(filter(None, [0, 1, "", "a", None])), list(filter(lambda x: x > 2, data)))
print(any([]), all([]), any([0, 1]), all([1, 0]), any("x"), all([True, 1, "y"]))
print(len("four"), len([1, 2]), len({"a": 1}), len((1,)), len(range(5)), len({1, 2, 2}))
print(list(range(3)), tuple(range(1, 4)), sum(map(int, "123")))
for i, x in enumerate(reversed(sorted(data))):
    print(i, x)
