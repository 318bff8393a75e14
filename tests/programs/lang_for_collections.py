# for over lists, tuples, dicts (keys, values, items), strings and (sorted) sets.
for fruit in ["apple", "banana"]:
    print(fruit)
for n in (1, 2, 3):
    print(n * 10)
ages = {"ann": 31, "bob": 25, "cy": 40}
for name in ages:
    print(name)
for age in ages.values():
    print(age)
for name, age in ages.items():
    print(f"{name} is {age}")
for ch in "hey":
    print(ch)
for x in sorted({3, 1, 2}):
    print(x)
for a, b in [(1, 2), (3, 4)]:
    print(a + b)
matrix = [[1, 2], [3, 4]]
for row in matrix:
    for cell in row:
        print(cell, end=" ")
print()
