# The usual built-in exceptions, caught, with CPython's messages.
try:
    1 / 0
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    1.5 / 0
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    10 % 0
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    int("abc")
except ValueError as e:
    print("ValueError:", e)
try:
    float("x1")
except ValueError as e:
    print("ValueError:", e)
try:
    [1, 2].remove(3)
except ValueError as e:
    print("ValueError:", e)
try:
    "a" + 1
except TypeError as e:
    print("TypeError:", e)
try:
    1 + "a"
except TypeError as e:
    print("TypeError:", e)
try:
    len(5)
except TypeError as e:
    print("TypeError:", e)


def two(a, b):
    return a + b


try:
    two(1)
except TypeError as e:
    print("TypeError:", e)
try:
    two(1, 2, 3)
except TypeError as e:
    print("TypeError:", e)
try:
    {"a": 1}["b"]
except KeyError as e:
    print("KeyError:", e)
try:
    [1, 2, 3][5]
except IndexError as e:
    print("IndexError:", e)
try:
    (1,)[2]
except IndexError as e:
    print("IndexError:", e)
try:
    "abc"[10]
except IndexError as e:
    print("IndexError:", e)
try:
    [].pop()
except IndexError as e:
    print("IndexError:", e)
try:
    (5).missing
except AttributeError as e:
    print("AttributeError:", e)
try:
    undefined_name
except NameError as e:
    print("NameError:", e)
try:
    raise RuntimeError("custom message")
except RuntimeError as e:
    print("RuntimeError:", e)
nothing = None
try:
    nothing()
except TypeError as e:
    print("TypeError:", e)
try:
    [1] < "a"
except TypeError as e:
    print("TypeError:", e)
