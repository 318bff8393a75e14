# Tuples: packing, unpacking, single-element tuples, comparison, methods, as dict keys.
point = (3, 4)
x, y = point
print(point, x, y, len(point))
single = (1,)
print(single, len(single), (1), ())
packed = 1, "two", 3.0
print(packed, packed[1])
print((1, 2) < (1, 3), (2,) > (1, 9), (1, 2) == (1, 2))
print((1, 2, 2, 3).count(2), (5, 6, 7).index(7))
grid = {(0, 0): "origin", (1, 2): "somewhere"}
print(grid[(1, 2)], (0, 0) in grid)
print(tuple([1, 2]), tuple("ab"), (1, 2) + (3,), (0,) * 3)
try:
    point[0] = 9
except TypeError as e:
    print("TypeError:", e)
