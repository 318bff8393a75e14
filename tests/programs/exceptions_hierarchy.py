# The exception hierarchy: BaseException above Exception, KeyboardInterrupt outside Exception,
# NotImplementedError from an abstract method, StopIteration from next(), tuples of exception types.
class Shape:
    def area(self):
        raise NotImplementedError("subclasses define area()")


class Square(Shape):
    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side * self.side


for shape in (Square(3), Shape()):
    try:
        print("area", shape.area())
    except NotImplementedError as e:
        print("NotImplementedError:", e, isinstance(e, RuntimeError))

try:
    try:
        raise KeyboardInterrupt
    except Exception:
        print("never: KeyboardInterrupt is not an Exception")
except BaseException as e:
    print("caught as BaseException:", type(e).__name__, isinstance(e, Exception))

try:
    next(iter([]))
except StopIteration as e:
    print("StopIteration", repr(e))

for bad in (lambda: int("x"), lambda: [][1], lambda: {}["k"], lambda: 1 / 0, lambda: None.attr):
    try:
        bad()
    except (ValueError, IndexError) as e:
        print("value or index:", type(e).__name__, e)
    except (KeyError, ZeroDivisionError) as e:
        print("key or zero:", type(e).__name__, e)
    except Exception as e:
        print("other:", type(e).__name__, e)

print(issubclass(KeyError, LookupError), issubclass(IndexError, LookupError), issubclass(ZeroDivisionError, ArithmeticError))
print(issubclass(TimeoutError, OSError), issubclass(RecursionError, RuntimeError), issubclass(Exception, BaseException))
e = ValueError("a", 2)
print(e.args, str(e), repr(e), str(ValueError()), repr(KeyError("k")), str(KeyError("k")))
