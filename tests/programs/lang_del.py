# del removes a name, a list item, a dict key and an attribute.
x = 5
del x
try:
    print(x)
except NameError as e:
    print("NameError:", e)

items = [10, 20, 30, 40]
del items[1]
print(items)
del items[-1]
print(items)

d = {"a": 1, "b": 2, "c": 3}
del d["a"]
print(d)
try:
    del d["zzz"]
except KeyError as e:
    print("KeyError:", e)


class Point:
    pass


p = Point()
p.x = 1
p.y = 2
del p.x
print(hasattr(p, "x"), hasattr(p, "y"))
