# Classes: class attributes, __init__, methods, instance attributes, bound methods, classes as values.
class Dog:
    species = "canis familiaris"
    count = 0

    def __init__(self, name, age=1):
        self.name = name
        self.age = age
        self.tricks = []
        Dog.count += 1

    def add_trick(self, trick):
        self.tricks.append(trick)
        return self

    def describe(self):
        return f"{self.name} ({self.age}) knows {len(self.tricks)} tricks"

    def birthday(self):
        self.age += 1
        return self.describe()


rex = Dog("Rex", 3)
fido = Dog("Fido")
rex.add_trick("sit").add_trick("roll")
print(rex.describe())
print(fido.describe())
print(rex.birthday())
print(rex.species, Dog.species, Dog.count)
print(rex.tricks, fido.tricks)

speak = rex.describe
rex.name = "Rex II"
print(speak())

kind = Dog
pup = kind("Pup")
print(pup.name, Dog.count, isinstance(pup, Dog))
fido.species = "just fido"
print(fido.species, rex.species)
