# enumerate (with start) and zip (two and three iterables, uneven lengths).
names = ["ann", "bob", "cy"]
for i, name in enumerate(names):
    print(i, name)
for i, name in enumerate(names, start=1):
    print(i, name)
print(list(enumerate("ab")))
scores = [90, 75, 82]
for name, score in zip(names, scores):
    print(name, score)
for a, b, c in zip([1, 2], "xy", (True, False)):
    print(a, b, c)
print(list(zip([1, 2, 3], ["a", "b"])))
print(dict(zip(names, scores)))
for i, (name, score) in enumerate(zip(names, scores)):
    print(i, name, score)
