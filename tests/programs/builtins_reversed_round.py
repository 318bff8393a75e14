# reversed over sequences and round: half to even, digits, negative digits, ints.
print(list(reversed([1, 2, 3])), list(reversed((4, 5))), "".join(reversed("abc")), list(reversed(range(5))))
print(list(reversed({"a": 1, "b": 2})), list(reversed(range(0, 10, 3))))
print(round(0.5), round(1.5), round(2.5), round(3.5), round(-0.5), round(-1.5), round(-2.5))
print(round(2.675, 2), round(1.005, 2), round(0.125, 2), round(0.375, 2))
print(round(1234.5678, 1), round(1234.5678, -2), round(1234, -2), round(1250, -2), round(1350, -2))
print(round(7), round(7.0), type(round(7.2)).__name__, type(round(7.2, 1)).__name__, round(-7.7))
print(round(1e15 + 0.5), round(5, 2), round(-15, -1), round(25, -1))
