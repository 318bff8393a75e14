# Class attributes shared by instances, instance attributes shadowing them, __str__/__repr__/__eq__/__len__,
# a method calling the class to make another instance.
class Point:
    count = 0

    def __init__(self, x, y):
        self.x = x
        self.y = y
        Point.count += 1

    def __repr__(self):
        return f"Point({self.x}, {self.y})"

    def __str__(self):
        return f"({self.x}, {self.y})"

    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)

    def __len__(self):
        return 2

    def mirrored(self):
        return type(self)(self.y, self.x)


p = Point(1, 2)
q = Point(1, 2)
print(p, repr(p), [p], p == q, p != q, p is q, len(p), Point.count)
o = p.mirrored()
print(o, Point.mirrored(q), Point.count)
p.count = 100
print(p.count, q.count, Point.count)
print(str(p), f"{p!r}", "%s" % p, "{}".format(q), p in [q], [p].index(q))
