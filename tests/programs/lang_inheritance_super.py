# Single inheritance: overriding, super().__init__ and super().method(), inherited methods, isinstance.
class Animal:
    sound = "..."

    def __init__(self, name):
        self.name = name

    def speak(self):
        return f"{self.name} says {self.sound}"

    def kind(self):
        return "animal"


class Dog(Animal):
    sound = "woof"

    def __init__(self, name, breed):
        super().__init__(name)
        self.breed = breed

    def kind(self):
        return "dog, an " + super().kind()


class Puppy(Dog):
    def speak(self):
        return super().speak() + " (quietly)"


a = Animal("generic")
d = Dog("Rex", "collie")
p = Puppy("Bit", "beagle")
for x in [a, d, p]:
    print(x.speak(), "|", x.kind())
print(d.breed, p.breed, p.name)
print(isinstance(p, Dog), isinstance(p, Animal), isinstance(d, Puppy))
