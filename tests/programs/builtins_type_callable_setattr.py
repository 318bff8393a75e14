# type, callable, setattr/getattr/hasattr with defaults, and id as identity.
class Box:
    size = 3

    def grow(self):
        self.size += 1


b = Box()
print(type(b).__name__, type(b) is Box, type(3) is int, type("s").__name__, type(None).__name__)
print(type(1.5) is float, type([]) is list, type(()) is tuple, type({}) is dict, type(set()) is set)
print(callable(print), callable(Box), callable(b.grow), callable(b), callable(3), callable(lambda: 0))
setattr(b, "colour", "red")
print(b.colour, getattr(b, "colour"), getattr(b, "weight", "no weight"), hasattr(b, "weight"))
setattr(b, "size", 10)
b.grow()
print(b.size, Box.size, getattr(Box, "size"), hasattr(Box, "grow"), hasattr(b, "grow"))
try:
    getattr(b, "missing")
except AttributeError as e:
    print("AttributeError:", e)
a = [1, 2]
c = a
d = [1, 2]
print(id(a) == id(c), id(a) == id(d), a is c, a is d, a == d)
print(id(b) == id(b), isinstance(id(b), int))
print(isinstance(True, int), isinstance(3, (str, float)), isinstance(3, (str, (float, int))))
print(isinstance(b, (Box, int)), isinstance(Box, type), issubclass(bool, int))
