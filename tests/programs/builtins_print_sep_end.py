# print's sep and end: empty, several characters, None (the default) and print() alone.
print("a", "b", "c", sep="")
print("a", "b", "c", sep=", ")
print("a", "b", sep=None)
print("no newline", end="")
print(" ... continued")
print("x", "y", sep="-", end="!\n")
print()
print("", "")
print(1, 2.5, None, True, [1], (2,), {"k": 3}, sep=" | ")
for i in range(3):
    print(i, end=" ")
print(end="\n")
print("tab", "separated", sep="\t")
print("flushed", flush=True)
print(*[1, 2, 3], sep="+", end=" = 6\n")
try:
    print("x", sep=3)
except TypeError as e:
    print("TypeError:", e)
