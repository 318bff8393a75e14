# Assertions: passing ones do nothing; a failing one raises AssertionError with its message.
x = 5
assert x == 5
assert x > 0, "x must be positive"
print("assertions passed")
try:
    assert x < 0, f"x is {x}, not negative"
except AssertionError as e:
    print("AssertionError:", e)
try:
    assert [], "empty list"
except AssertionError as e:
    print("AssertionError:", e)
