# sum, min, max, abs and round.
print(sum([1, 2, 3]), sum([1, 2, 3], 10), sum([]), sum([0.5, 0.25]), sum(range(101)))
print(min(3, 1, 2), max(3, 1, 2), min([4, 5]), max("abc"), min("b", "a"))
print(max(["pear", "fig", "banana"], key=len), min([-3, 2, -1], key=abs))
print(max([], default="none"), min([1.5, 1]))
print(abs(-7), abs(3.5), abs(-0.0), abs(0))
print(round(3.7), round(-3.7), round(2.5), round(3.5), round(3.14159, 2), round(1234.5678, 1))
print(round(7), round(2.0), round(0.125, 2), round(-1.5))
