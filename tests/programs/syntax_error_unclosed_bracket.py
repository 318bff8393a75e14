# A list whose bracket is never closed: CPython reports the line of the opening bracket.
print("never printed")
numbers = [1, 2, 3
print(numbers)
