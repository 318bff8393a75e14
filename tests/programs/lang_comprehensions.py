# List, dict and set comprehensions and generator expressions.
squares = [x * x for x in range(6)]
print(squares)
evens = [x for x in range(10) if x % 2 == 0]
print(evens)
pairs = [(x, y) for x in range(3) for y in range(3) if x < y]
print(pairs)
matrix = [[r * 3 + c for c in range(3)] for r in range(3)]
print(matrix)
print([row[1] for row in matrix])
labels = ["even" if n % 2 == 0 else "odd" for n in range(4)]
print(labels)

lengths = {word: len(word) for word in ["a", "bb", "ccc"]}
print(lengths)
inverted = {v: k for k, v in lengths.items()}
print(inverted)

letters = {ch for ch in "mississippi"}
print(sorted(letters))
mods = {n % 3 for n in range(10)}
print(sorted(mods), len(mods))

print(sum(x * x for x in range(4)))
print(any(x > 3 for x in [1, 5]), all(x > 0 for x in [1, -1]))
print(max(len(w) for w in ["hi", "hello"]))
gen = (c.upper() for c in "abc")
print(list(gen))
print(list(gen))
