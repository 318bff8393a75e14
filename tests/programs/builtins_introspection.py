# isinstance, hasattr, getattr and id (compared, never printed).
class Shape:
    sides = 0

    def area(self):
        return 0


class Square(Shape):
    sides = 4

    def __init__(self, size):
        self.size = size

    def area(self):
        return self.size * self.size


sq = Square(3)
print(isinstance(sq, Square), isinstance(sq, Shape), isinstance(Shape(), Square))
print(isinstance(1, int), isinstance(True, int), isinstance(1.0, (int, float)), isinstance("a", (int, list)))
print(isinstance([], list), isinstance({}, dict), isinstance((), tuple), isinstance(set(), set), isinstance(None, object))
print(hasattr(sq, "size"), hasattr(sq, "sides"), hasattr(sq, "colour"), hasattr(sq, "area"))
print(getattr(sq, "size"), getattr(sq, "colour", "none"), getattr(sq, "area")())
name = "sides"
print(getattr(Square, name), getattr(Shape, name))
a = [1, 2]
b = a
c = [1, 2]
print(id(a) == id(b), id(a) == id(c), a == c, a is b, a is c)
print(id(sq) == id(sq), isinstance(id(sq), int))
